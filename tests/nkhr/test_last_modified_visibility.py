"""A detail page's Last-Modified (and ETag) moves when what the reader sees of it changes,
and only then: a record the reader may not see (a draft target of a published designation,
a draft source cited, a draft designation of a published actor) dates nobody's page but
the pages of those who see it (`nkhr.api.reading.Columns`, `latest_update`)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIClient

from nkhr.models import Publication
from tests.factories import CitationFactory, DesignationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db
DRAFT = Publication.DRAFT


def curator() -> APIClient:
    client = APIClient()
    user = User.objects.create_user("curator")
    user.groups.add(Group.objects.get(name="Curator"))
    client.force_authenticate(user)
    return client


def versions(client, url) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["Last-Modified"], response["ETag"]


def later(record, minutes: int = 1, **changes) -> None:
    """Save `record` with `changes`, `minutes` after everything else (Last-Modified counts
    seconds), its new version in history dated the same."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    type(record)._base_manager.filter(pk=record.pk).update(updated=moment)
    version = record.history.order_by("-history_id")[0]
    type(record).history.filter(history_id=version.history_id).update(history_date=moment)


def assert_hidden_change_dates_only_the_curators_page(url, hidden, shown=True, **changes):
    """`hidden` changed: the public's page keeps its date and ETag, a curator's is dated
    anew (and its ETag moves where the change is `shown` on the page)."""
    public, staff = APIClient(), curator()
    public_before, staff_before = versions(public, url), versions(staff, url)

    later(hidden, **changes)

    assert versions(public, url) == public_before
    staff_after = versions(staff, url)
    assert staff_after[0] != staff_before[0]
    assert (staff_after[1] != staff_before[1]) == shown


def test_a_draft_target_does_not_date_its_published_designation():
    target = PersonFactory(publication=DRAFT, name="Secret Person")
    designation = DesignationFactory(target=target)
    assert_hidden_change_dates_only_the_curators_page(
        f"/api/v1/designations/{designation.pk}/", target, name="Secret Person Renamed"
    )


def test_a_draft_source_does_not_date_the_record_citing_it():
    person = PersonFactory()
    source = SourceFactory(publication=DRAFT, title="Internal memo")
    CitationFactory(record=person, source=source)
    assert_hidden_change_dates_only_the_curators_page(
        f"/api/v1/actors/{person.pk}/", source, title="Internal memo, revised"
    )


def test_a_draft_designation_does_not_date_the_actor_it_names():
    person = PersonFactory()
    designation = DesignationFactory(target=person, publication=DRAFT)
    assert_hidden_change_dates_only_the_curators_page(
        # The actor's page lists its designations in brief: the date is not on it.
        f"/api/v1/actors/{person.pk}/",
        designation,
        shown=False,
        listed=datetime.date(2021, 3, 23),
    )


def test_a_published_target_changed_dates_its_designation_for_everyone():
    target = PersonFactory(name="Known Person")
    designation = DesignationFactory(target=target)
    url = f"/api/v1/designations/{designation.pk}/"
    public = APIClient()
    before = versions(public, url)

    later(target, name="Known Person Renamed")

    after = versions(public, url)
    assert after[0] != before[0] and after[1] != before[1]


def test_a_target_withdrawn_dates_the_public_page_by_its_withdrawal_only():
    target = PersonFactory(name="Known Person")
    designation = DesignationFactory(target=target)
    url = f"/api/v1/designations/{designation.pk}/"
    public = APIClient()
    before = versions(public, url)

    later(target, publication=Publication.WITHDRAWN)
    withdrawn = versions(public, url)
    later(target, minutes=2, name="Known Person Renamed")  # later again, as a draft

    assert withdrawn[0] != before[0] and withdrawn[1] != before[1]
    assert versions(public, url) == withdrawn


@pytest.mark.parametrize("read_values", [True, False], ids=["values", "serializer"])
def test_a_citation_of_a_draft_source_dates_the_page_on_neither_path(monkeypatch, read_values):
    # The page's record and rows are dated in a second's last microsecond, the citation of a
    # draft source at the next: the public does not see that citation, so neither way of
    # reading the page (`read_values`) dates the page by it, at whatever second.
    from nkhr.api.views import ActorViewSet

    monkeypatch.setattr(ActorViewSet, "read_values", read_values)
    person = PersonFactory()
    hidden = CitationFactory(record=person, source=SourceFactory(publication=DRAFT))
    second = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    before = second - datetime.timedelta(microseconds=1)
    for model in apps.get_models():
        if any(field.name == "updated" for field in model._meta.fields):
            model._base_manager.update(updated=before)
    person.citations.filter(pk=hidden.pk).update(updated=second)

    response = APIClient().get(f"/api/v1/actors/{person.pk}/")

    assert len(response.json()["citations"]) == person.citations.count() - 1
    assert response["Last-Modified"] == http_date(before.timestamp())

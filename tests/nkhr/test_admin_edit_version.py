"""A change page is refused as stale only when the record or one of the rows on the page
changed since it was loaded: not when it is saved in another language than it was loaded
in, when a record it links to is renamed or withdrawn, when another record's rows change,
or when someone saves it without changing anything (`nkhr.admin.base.EditVersionFormMixin`).
The page still carries the record's API ETag, which moves with all of those."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from nkhr.models import Actor, Alias, Publication
from tests.admin_base import change_url, post_data_from
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    OrganisationFactory,
    PersonFactory,
    PositionHeldFactory,
    SanctionsRegimeFactory,
)

pytestmark = pytest.mark.django_db
STALE = "changed by someone else"


def later() -> datetime.datetime:
    """A moment after everything so far (Last-Modified and versions count seconds)."""
    return timezone.now() + datetime.timedelta(minutes=1)


def open_page(client, record) -> dict:
    return post_data_from(client.get(change_url(record)))


def save(client, record, data, description="Changed by the curator") -> bool:
    """Save the page with a new description; whether it was accepted."""
    response = client.post(change_url(record), {**data, "description": description})
    if response.status_code == 302:
        assert Actor.objects.get(pk=record.pk).description == description
        return True
    assert STALE in response.content.decode(), response.content.decode()[:3000]
    return False


def test_a_page_loaded_in_korean_saves_in_english(staff_client):
    person = PersonFactory()
    AliasFactory(actor=person)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    data = open_page(staff_client, person)
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert save(staff_client, person, data)


def test_a_linked_record_renamed_or_withdrawn_meanwhile_is_no_conflict(staff_client):
    parent = OrganisationFactory(name="Ministry of State Security")
    person = PersonFactory(parent=parent)
    data = open_page(staff_client, person)
    etag = staff_client.get(f"/api/v1/actors/{person.pk}/")["ETag"]

    parent.name = "State Security Department"
    parent.publication = Publication.WITHDRAWN
    parent.save()

    # The API's representation shows the parent's name: its ETag moves; the page does not.
    assert staff_client.get(f"/api/v1/actors/{person.pk}/")["ETag"] != etag
    assert save(staff_client, person, data)


def test_another_record_pointing_at_it_changed_meanwhile_is_no_conflict(staff_client):
    person = PersonFactory()
    designation = DesignationFactory(target=person)
    data = open_page(staff_client, person)
    etag = staff_client.get(f"/api/v1/actors/{person.pk}/")["ETag"]

    designation.regime = SanctionsRegimeFactory()
    designation.save()

    # The API lists the actor's designations by name (their regime's): not the page.
    assert staff_client.get(f"/api/v1/actors/{person.pk}/")["ETag"] != etag
    assert save(staff_client, person, data)


def test_a_save_that_changes_nothing_and_lookups_of_the_page_are_no_conflict(
    client, staff_client, django_user_model
):
    person = PersonFactory(parent=OrganisationFactory())
    data = open_page(staff_client, person)
    # The page's own autocomplete, and someone saving the page unchanged.
    staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "nkhr", "model_name": "actor", "field_name": "parent", "term": "a"},
    )
    assert staff_client.post(change_url(person), open_page(staff_client, person)).status_code == 302

    assert save(staff_client, person, data)


def test_a_change_of_the_record_or_a_row_on_the_page_is_a_conflict(staff_client):
    person = PersonFactory()
    alias = AliasFactory(actor=person)
    data = open_page(staff_client, person)
    Alias.objects.filter(pk=alias.pk).update(name="Renamed alias", updated=later())
    assert not save(staff_client, person, data)

    data = open_page(staff_client, person)
    AliasFactory(actor=person)  # a row added
    assert not save(staff_client, person, data)

    data = open_page(staff_client, person)
    Actor.objects.filter(pk=person.pk).update(status="dissolved", updated=later())
    assert not save(staff_client, person, data)

    # A position held is a record of its own, but the person's page edits it in a row.
    held = PositionHeldFactory(person=person)
    data = open_page(staff_client, person)
    held.as_of, held.as_of_precision = datetime.date(2020, 1, 1), "year"
    held.save()
    assert not save(staff_client, person, data)

"""HTTP-level behaviour shared by every resource: links, conditional requests, CSRF."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.utils.http import http_date
from rest_framework.test import APIClient

from nkhr.models import Actor, Alias, Citation, Publication, Source
from tests.factories import AliasFactory, PersonFactory, SanctionsRegimeFactory

pytestmark = pytest.mark.django_db


def test_csv_links_do_not_carry_the_format_parameter():
    PersonFactory()
    response = APIClient().get("/api/v1/actors/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and all("format=" not in row["url"] for row in rows)


def test_a_kind_specific_instrument_list_refuses_a_kind_filter():
    SanctionsRegimeFactory()
    response = APIClient().get("/api/v1/sanctions-regimes/", {"kind": "resolution"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_last_modified_moves_when_a_row_shown_on_the_record_changes():
    person = PersonFactory()
    alias = AliasFactory(actor=person)
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Actor.objects.filter(pk=person.pk).update(updated=long_ago)
    Alias.objects.filter(pk=alias.pk).update(updated=long_ago)
    Citation.objects.update(updated=long_ago)
    Source.objects.update(updated=long_ago)
    client = APIClient()
    before = client.get(f"/api/v1/actors/{person.pk}/")["Last-Modified"]
    assert before.endswith("2020 00:00:00 GMT")

    alias.name = "Another spelling"
    alias.save()
    stale = client.get(f"/api/v1/actors/{person.pk}/", HTTP_IF_MODIFIED_SINCE=before)

    assert stale.status_code == 200  # not 304: the page changed though the actor row did not


def test_session_writes_keep_csrf_protection():
    User.objects.create_superuser("curator", "", "a long passphrase")
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="curator", password="a long passphrase")

    response = client.post("/api/v1/actors/", {"name": "X", "kind": "person"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("read_values", [True, False])
def test_hiding_a_cited_source_moves_last_modified(monkeypatch, read_values):
    from nkhr.api.views import ActorViewSet

    monkeypatch.setattr(ActorViewSet, "read_values", read_values)
    person = PersonFactory()
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Actor.objects.filter(pk=person.pk).update(updated=long_ago)
    Citation.objects.update(updated=long_ago)
    hidden = datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)
    source = Source.objects.get()
    source.publication = Publication.WITHDRAWN
    source.save()
    Source.history.exclude(publication=Publication.WITHDRAWN).update(history_date=long_ago)
    Source.history.filter(publication=Publication.WITHDRAWN).update(history_date=hidden)
    # Edited since as a draft: the public's page does not show that, so it does not date it.
    Source.objects.update(updated=datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC))

    response = APIClient().get(f"/api/v1/actors/{person.pk}/")

    assert response.json()["citations"] == []  # the public does not see a draft's citation
    assert response["Last-Modified"] == http_date(hidden.timestamp())

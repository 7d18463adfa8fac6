"""A list's CSV re-imports without loss: read it back, write each row through the API into an
emptied table, and the records read the same."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.test import APIClient

from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import Event
from sanctions.models import Designation

pytestmark = pytest.mark.django_db
# Stamped by the server on every write, or moved only by the review workflow; an event's
# mechanisms are written on the mechanism (`Mechanism.events`), and go with a deleted event.
NOT_WRITTEN_BACK = {"url", "created", "updated", "publication", "mechanisms"}


def csv_rows(client, resource: str) -> list[dict]:
    response = client.get(f"/api/v1/{resource}/", {"format": "csv", "limit": 1000})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def as_payload(row: dict) -> dict:
    """A CSV row as a client would write it back: JSON cells decoded, ids split, empty = null."""
    payload = {}
    for name, cell in row.items():
        if cell.startswith(("[", "{")):
            payload[name] = json.loads(cell)
        else:
            payload[name] = cell
    return payload


def comparable(record: dict) -> dict:
    return {k: v for k, v in record.items() if k not in NOT_WRITTEN_BACK}


@pytest.mark.parametrize(("resource", "model"), [("designations", Designation), ("events", Event)])
def test_a_list_csv_writes_back_to_the_same_records(resource, model):
    call_command("loaddata", *paper_fixtures(), verbosity=0)
    curator = APIClient()
    curator.force_authenticate(User.objects.create_superuser("curator", "", "x"))
    rows = csv_rows(curator, resource)
    before = {
        r["id"]: comparable(r)
        for r in curator.get(f"/api/v1/{resource}/", {"limit": 1000}).json()["results"]
    }
    assert rows and len(rows) == len(before)

    for record in model.objects.all():
        record.delete()
    for row in rows:
        response = curator.post(f"/api/v1/{resource}/", as_payload(row), format="json")
        assert response.status_code == 201, (row["id"], response.content)

    after = {
        r["id"]: comparable(r)
        for r in curator.get(f"/api/v1/{resource}/", {"limit": 1000}).json()["results"]
    }
    assert after == before


def test_a_refused_write_answered_as_csv_names_the_nested_row_in_error():
    # Errors of nested rows are keyed by the row's position; as CSV they are a 400 too.
    user = User.objects.create_superuser("writer", "", "a long passphrase")
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/actors/?format=csv",
        {"name": "Kim", "kind": "person", "aliases": [{"name": ""}]},
        format="json",
    )
    assert response.status_code == 400
    assert b"aliases" in response.content

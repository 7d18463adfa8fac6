"""A JSON Lines export line is a record as the API takes it back: POSTed to its resource
(after the record was deleted, or into a fresh database) it makes the same record with the
same nested rows, so that the export mirrors the database losslessly.

Timestamps (`created`, `updated`) are stamped by the server by design: a record POSTed is
created now, whatever its line says (backup and restore, `nkhr.backup`, is what keeps
them); `url` is the server's too. Publication moves only through the review workflow, so
a record POSTed is a draft: the records here are drafts from the start."""

import json

import pytest
from django.contrib.auth.models import Group, User
from rest_framework import serializers
from rest_framework.test import APIClient

from grants.models import FundingPriority
from nkhr.api.urls import RESOURCES
from nkhr.models import Publication
from tests.admin_base import factory_for
from tests.api_base import if_match
from tests.factories import FundingPriorityFactory, FundingProgrammeFactory

pytestmark = pytest.mark.django_db
SERVER_STAMPED = {"created", "updated", "url"}
ROWS_EACH = 2


def client_in(role: str = "Curator") -> APIClient:
    user = User.objects.create_user(role.lower())
    user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.force_authenticate(user)
    return client


def nested_lists(viewset) -> dict:
    """The nested row lists of the resource's export lines that a write gives (citations
    aside: every record's factory cites a source already; read-only lists, a bill's
    relations from other bills, are written from the other record): name -> field."""
    serializer = viewset.serializer_class()
    return {
        name: field
        for name, field in serializer.fields.items()
        if isinstance(field, serializers.ListSerializer)
        and name != "citations"
        and not field.read_only
        and name not in serializer.detail_only_fields
    }


def record_with_rows(viewset):
    model = viewset.queryset.model
    record = factory_for(model)(publication=Publication.DRAFT)
    for field in nested_lists(viewset).values():
        relation = model._meta.get_field(field.source)
        for _ in range(ROWS_EACH):
            factory_for(relation.related_model)(**{relation.field.name: record})
    return record


def exported_line(client, resource: str, pk: str) -> dict:
    response = client.get("/api/v1/export/", {"resource": resource})
    assert response.status_code == 200
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    line = next(line for line in lines if line["id"] == pk)
    return {name: value for name, value in line.items() if name != "resource"}


@pytest.mark.parametrize(
    "resource, viewset", [(prefix, viewset) for prefix, viewset, _ in RESOURCES]
)
def test_an_exported_line_posted_back_makes_the_same_record(resource, viewset):
    client = client_in()
    record = record_with_rows(viewset)
    line = exported_line(client, resource, record.pk)
    for name in nested_lists(viewset):
        assert len(line[name]) == ROWS_EACH, name
    viewset.queryset.model._base_manager.filter(pk=record.pk).delete()

    created = client.post(f"/api/v1/{resource}/", line, format="json")

    assert created.status_code == 201, created.content
    read = client.get(f"/api/v1/{resource}/{record.pk}/").json()
    kept = {name: value for name, value in line.items() if name not in SERVER_STAMPED}
    assert {name: read.get(name) for name in kept} == kept


def priorities_of(programme) -> list[tuple]:
    return [
        (
            priority.pk,
            priority.number,
            priority.text,
            priority.publication,
            priority.citations.count(),
        )
        for priority in FundingPriority.objects.filter(programme=programme).order_by("number")
    ]


def test_a_programme_written_back_keeps_its_priorities_as_records():
    # A priority is a record of its own: written through its programme it keeps its id,
    # its publication state, its citations and its history.
    programme = FundingProgrammeFactory()
    first, second = (FundingPriorityFactory(programme=programme, number=n) for n in (1, 2))
    # An editor's change: a curator's to a published programme waits for review.
    client = client_in("Editor")
    url = f"/api/v1/funding-programs/{programme.pk}/"
    read = client.get(url)
    before, versions = priorities_of(programme), FundingPriority.history.count()

    unchanged = client.patch(
        url, {"priorities": read.json()["priorities"]}, format="json", **if_match(client, url)
    )

    assert unchanged.status_code == 200, unchanged.content
    assert priorities_of(programme) == before
    assert FundingPriority.history.count() == versions

    # Numbers swapped and a text changed: the same two priorities, changed in place.
    rows = client.get(url).json()["priorities"]
    rows[0]["number"], rows[1]["number"] = 2, 1
    rows[1]["text"] = "Promote information access"
    swapped = client.patch(url, {"priorities": rows}, format="json", **if_match(client, url))

    assert swapped.status_code == 200, swapped.content
    assert priorities_of(programme) == [
        (second.pk, 1, "Promote information access", Publication.PUBLISHED, 1),
        (first.pk, 2, first.text, Publication.PUBLISHED, 1),
    ]


def test_a_priority_cannot_take_the_id_of_another_programmes():
    other = FundingPriorityFactory()
    client = client_in()

    response = client.post(
        "/api/v1/funding-programs/",
        {"title": "A programme", "priorities": [{"id": other.pk, "number": 1, "text": "x"}]},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert FundingPriority.objects.get(pk=other.pk).programme_id == other.programme_id

"""Bulk exports: the JSON Lines mirror of every record, and FollowTheMoney entities."""

import csv
import io
import json
from collections import Counter

import pytest
from django.db import connection
from followthemoney import model as ftm_model
from rest_framework.test import APIClient

from nkhr.api.urls import RESOURCES
from nkhr.models import Actor, PositionHeld
from sanctions.models import Designation
from tests.factories import AliasFactory, DesignationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _lines(response) -> list[dict]:
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("application/x-ndjson")
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def test_json_lines_export_holds_every_record_of_every_resource(paper):
    rows = _lines(APIClient().get("/api/v1/export/"))

    counts = Counter(row["resource"] for row in rows)
    for prefix, viewset, _ in RESOURCES:
        assert counts[prefix] == viewset.queryset.model._default_manager.count(), prefix
    ids = [(row["resource"], row["id"]) for row in rows]
    assert len(ids) == len(set(ids))
    actor = next(row for row in rows if row["id"] == "jong-kyong-thaek")
    assert {alias["name"] for alias in actor["aliases"]} >= {"Chong Gyong Thaek"}
    assert actor["citations"]


def test_json_lines_export_narrows_by_resource_and_time(paper):
    rows = _lines(APIClient().get("/api/v1/export/", {"resource": "designations"}))
    assert {row["resource"] for row in rows} == {"designations"}
    assert len(rows) == Designation.objects.count()

    later = _lines(APIClient().get("/api/v1/export/", {"updated_since": "2100-01-01T00:00:00Z"}))
    assert later == []


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"resource": "nope"}, "resource"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_export_rejects_bad_parameters_by_name(params, parameter):
    response = APIClient().get("/api/v1/export/", params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_followthemoney_export_validates_with_the_followthemoney_library(paper):
    entities = _lines(APIClient().get("/api/v1/export/ftm/"))

    ids = {entity["id"] for entity in entities}
    assert len(ids) == len(entities)
    for entity in entities:
        proxy = ftm_model.get_proxy(entity, cleaned=False)  # unknown schema/property raises
        for prop_name, values in entity["properties"].items():
            prop = proxy.schema.get(prop_name)
            assert prop is not None, (entity["id"], prop_name)
            for value in values:
                assert prop.type.clean(value) is not None, (entity["id"], prop_name, value)
                if prop.type.name == "entity":
                    assert value in ids, (entity["id"], prop_name, value)
    schemata = Counter(entity["schema"] for entity in entities)
    assert schemata["Sanction"] == Designation.objects.count()
    assert schemata["Occupancy"] == PositionHeld.objects.count()
    assert sum(schemata[s] for s in ("Person", "Position", "PublicBody", "Organization")) == (
        Actor.objects.count()
    )


def test_sanction_entity_carries_what_screening_needs(paper):
    entities = _lines(APIClient().get("/api/v1/export/ftm/"))
    by_id = {entity["id"]: entity for entity in entities}
    person = by_id["nkhr-actor-jong-kyong-thaek"]
    assert person["schema"] == "Person"
    assert "Chong Gyong Thaek" in person["properties"]["alias"]

    sanctions = [
        e
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == [person["id"]]
    ]
    assert len(sanctions) == 1
    properties = sanctions[0]["properties"]
    for required in ("authority", "program", "listingDate", "startDate", "sourceUrl"):
        assert properties.get(required), required


def test_partial_dates_stay_partial_in_followthemoney():
    target = PersonFactory(name="Ri Yong Gil")
    AliasFactory(actor=target, name="리영길", language="ko")
    DesignationFactory(target=target, listed="2016-07-01", listed_precision="month")

    entities = _lines(APIClient().get("/api/v1/export/ftm/"))
    sanction = next(e for e in entities if e["schema"] == "Sanction")
    assert sanction["properties"]["listingDate"] == ["2016-07"]


def test_one_resource_streams_as_csv_with_the_list_columns(paper):
    response = APIClient().get("/api/v1/export/", {"resource": "designations", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == Designation.objects.count()
    listed = APIClient().get("/api/v1/designations/", {"format": "csv", "limit": 1})
    list_header = listed.content.decode().splitlines()[0].split(",")
    assert list(rows[0]) == ["resource", *list_header]
    assert {row["target"] for row in rows} >= {"jong-kyong-thaek", "kim-jong-un"}


def test_csv_export_needs_one_resource():
    response = APIClient().get("/api/v1/export/", {"format": "csv"})
    assert response.status_code == 400
    assert b"CSV exports one resource" in response.content  # the error, rendered as asked


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/export/?resource=designations",
        "/api/v1/export/?resource=designations&format=csv",
        "/api/v1/export/ftm/",
    ],
)
def test_exports_are_read_inside_one_transaction(url):
    # Streamed after the view returns, outside a transaction Django would declare its
    # cursor WITH HOLD, which PostgreSQL computes whole before the first row (a million
    # designations: 4 s before the first line). Inside one, rows come as fetched.
    DesignationFactory()
    around = len(connection.atomic_blocks)  # the test's own
    blocks = iter(APIClient().get(url).streaming_content)
    assert next(blocks)
    assert len(connection.atomic_blocks) == around + 1
    assert b"".join(blocks) is not None
    assert len(connection.atomic_blocks) == around

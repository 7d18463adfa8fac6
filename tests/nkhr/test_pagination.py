"""Counting stops at COUNT_LIMIT unless asked (and a common term's search is not counted);
the pages go on past it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr.api import pagination
from nkhr.api.filtering import RecordFilterSet
from nkhr.models import Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_sources(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)
    Source.objects.bulk_create(
        Source(id=f"s-{n:02d}", title=f"S {n}", publication="published") for n in range(8)
    )


def test_count_stops_at_the_limit_and_says_so(many_sources):
    data = APIClient().get("/api/v1/sources/", {"limit": 2, "offset": 4}).json()
    assert (data["count"], data["count_capped"]) == (5, True)
    assert "offset=6" in data["next"]  # past the counted rows, the pages go on

    last = APIClient().get("/api/v1/sources/", {"limit": 3, "offset": 6}).json()
    assert [row["id"] for row in last["results"]] == ["s-06", "s-07"]
    assert last["next"] is None  # a short page ends the list


def test_exact_count_on_request(many_sources):
    data = APIClient().get("/api/v1/sources/", {"count": "exact"}).json()
    assert (data["count"], data["count_capped"]) == (8, False)


def test_small_lists_are_counted_exactly():
    Source.objects.create(id="only", title="Only", publication="published")
    data = APIClient().get("/api/v1/sources/").json()
    assert (data["count"], data["count_capped"]) == (1, False)


@pytest.fixture
def many_kims(monkeypatch):
    """Five designations of people named Kim, listed on different days; the search of
    "kim" counts as a common term."""
    monkeypatch.setattr(RecordFilterSet, "common_search_rows", 2)
    for day in range(1, 6):
        person = factories.PersonFactory(name=f"Kim Chol {day}")
        factories.DesignationFactory(target=person, listed=datetime.date(2020, 1, day))
    factories.DesignationFactory(target=factories.PersonFactory(name="Ri Su Yong"))


def test_a_common_terms_pages_are_read_with_one_row_more_not_counted(many_kims):
    client, seen, url = APIClient(), [], "/api/v1/designations/?search=kim&limit=2"
    while url:
        with CaptureQueriesContext(connection) as captured:
            data = client.get(url).json()
        assert not [query for query in captured.captured_queries if "COUNT(" in query["sql"]]
        assert data["count_capped"] == (data["next"] is not None)
        assert data["count"] >= len(seen) + len(data["results"])
        seen += [row["target"]["name"] for row in data["results"]]
        url = data["next"]
    assert seen == [f"Kim Chol {day}" for day in (5, 4, 3, 2, 1)]


def test_a_common_term_is_counted_exactly_on_request(many_kims):
    data = APIClient().get("/api/v1/designations/", {"search": "kim", "count": "exact"}).json()
    assert (data["count"], data["count_capped"]) == (5, False)


def test_a_rare_term_is_counted(many_kims):
    data = APIClient().get("/api/v1/designations/", {"search": "ri su", "limit": 1}).json()
    assert (data["count"], data["count_capped"]) == (1, False)

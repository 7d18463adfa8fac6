"""Counting stops at COUNT_LIMIT unless asked; the pages go on past it."""

import pytest
from rest_framework.test import APIClient

from nkhr.api import pagination
from nkhr.models import Source

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

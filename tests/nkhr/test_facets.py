"""`?facets=` on a list: counts per value beside the page, under the list's own filters
and search, published records only for the public, one grouped query per facet."""

import datetime

import pytest
from rest_framework.test import APIClient

from nkhr.api import filtering
from nkhr.api.filtering import FACET_VALUES, facets_of
from nkhr.models import Actor
from nkhr.models.publication import Publication
from nkhr.registry import record_types
from sanctions.models import DesignationMeasure
from tests.api_base import analyst_client, count_queries
from tests.factories import (
    DesignationFactory,
    DesignationMeasureFactory,
    OrganisationFactory,
    SanctionsRegimeFactory,
)

pytestmark = pytest.mark.django_db

DESIGNATIONS = "/api/v1/designations/"


def facets(client, url: str, names: str, **filters) -> dict:
    response = client.get(url, {"facets": names, **filters})
    assert response.status_code == 200, response.content
    return response.json()["facets"]


def count(client, url: str, **filters) -> int:
    return client.get(url, {"count": "exact", **filters}).json()["count"]


def test_designations_by_authority_count_as_the_list_does(paper):
    client = APIClient()
    by_authority = facets(client, DESIGNATIONS, "authority")["authority"]
    assert by_authority, "the paper's designations have authorities"
    assert sum(entry["count"] for entry in by_authority) == count(client, DESIGNATIONS)
    for entry in by_authority:
        assert entry["count"] == count(client, DESIGNATIONS, authority=entry["value"])
        assert entry["label"] == Actor.objects.get(pk=entry["value"]).name
    counts = [entry["count"] for entry in by_authority]
    assert counts == sorted(counts, reverse=True)


def test_designations_by_year_and_target_kind_count_as_the_list_does(paper):
    client = APIClient()
    found = facets(client, DESIGNATIONS, "listed_year,target_kind")
    for entry in found["listed_year"]:
        year = entry["value"]
        assert entry["label"] == str(year)
        assert entry["count"] == count(
            client, DESIGNATIONS, listed_after=str(year), listed_before=str(year)
        )
    for entry in found["target_kind"]:
        assert entry["label"] == Actor.Kind(entry["value"]).label
        assert entry["count"] == count(client, DESIGNATIONS, target_kind=entry["value"])


def test_every_facet_of_every_resource_adds_up_to_the_list(paper):
    client = APIClient()
    for record_type in record_types():
        url = f"/api/v1/{record_type.prefix}/"
        names = list(facets_of(record_type.filterset))
        found = facets(client, url, ",".join(names))
        total = count(client, url)
        for name in names:
            counted = sum(entry["count"] for entry in found[name])
            # At most FACET_VALUES values are listed: the rest of the records lie beyond.
            assert counted == total or len(found[name]) == FACET_VALUES, (url, name)


def test_facets_are_counted_under_the_lists_filters_and_search(paper):
    client = APIClient()
    authority = facets(client, DESIGNATIONS, "authority")["authority"][0]["value"]
    under_filter = facets(client, DESIGNATIONS, "regime", authority=authority)["regime"]
    assert sum(e["count"] for e in under_filter) == count(client, DESIGNATIONS, authority=authority)
    under_search = facets(client, DESIGNATIONS, "authority", search="kim")["authority"]
    searched = count(client, DESIGNATIONS, search="kim")
    assert searched and sum(e["count"] for e in under_search) == searched


def test_a_record_repeated_by_a_to_many_filter_is_counted_once():
    designation = DesignationFactory()
    for measure in DesignationMeasure.Measure.values[:2]:
        DesignationMeasureFactory(designation=designation, measure=measure)
    response = APIClient().get(
        DESIGNATIONS,
        {"measure": DesignationMeasure.Measure.values[:2], "facets": "authority"},
    )
    assert response.json()["count"] == 1
    assert [e["count"] for e in response.json()["facets"]["authority"]] == [1]


def test_the_public_counts_published_records_and_no_unpublished_authority():
    regime = SanctionsRegimeFactory()
    DesignationFactory.create_batch(2, regime=regime)
    DesignationFactory(regime=regime, publication=Publication.DRAFT)
    hidden = OrganisationFactory(publication=Publication.DRAFT)
    DesignationFactory(regime=regime, authority=hidden)

    public = facets(APIClient(), DESIGNATIONS, "authority")["authority"]
    assert {(e["value"], e["label"], e["count"]) for e in public} == {
        (regime.adopted_by_id, regime.adopted_by.name, 2),
        (None, None, 1),
    }
    staff = facets(analyst_client(), DESIGNATIONS, "authority")["authority"]
    assert {(e["value"], e["count"]) for e in staff} == {
        (regime.adopted_by_id, 3),
        (hidden.pk, 1),
    }


def test_a_record_without_a_value_is_counted_under_null():
    DesignationFactory(listed=None, listed_precision="")
    DesignationFactory(listed=datetime.date(2016, 12, 2), listed_precision="day")
    found = facets(APIClient(), DESIGNATIONS, "listed_year")["listed_year"]
    assert {(e["value"], e["label"], e["count"]) for e in found} == {
        (2016, "2016", 1),
        (None, None, 1),
    }


def test_one_query_per_facet_however_many_records():
    client = APIClient()
    DesignationFactory()
    # Under a filter (every record passes it): an unfiltered list's facets are cached.
    url = f"{DESIGNATIONS}?limit=1&updated_since=2000-01-01T00:00:00Z"
    plain = count_queries(client, url)
    three = "&facets=authority,listed_year,target_kind"
    with_facets = count_queries(client, url + three)
    assert with_facets == plain + 3
    DesignationFactory.create_batch(5)
    assert count_queries(client, url + three) == with_facets
    # A facet named twice is counted once (under filters not counted before).
    other = f"{DESIGNATIONS}?limit=1&updated_since=2001-01-01T00:00:00Z"
    assert count_queries(client, other + "&facets=authority,authority") == plain + 1


def test_counts_under_filters_are_kept_until_the_public_sees_a_change():
    client = APIClient()
    regimes = [SanctionsRegimeFactory(), SanctionsRegimeFactory()]
    for regime in regimes:
        DesignationFactory(regime=regime)
    draft = DesignationFactory(regime=regimes[0], publication=Publication.DRAFT)
    both = f"regime={regimes[0].pk}&regime={regimes[1].pk}"
    url = f"{DESIGNATIONS}?limit=1&{both}&facets=authority,listed_year"
    plain = count_queries(client, f"{DESIGNATIONS}?limit=1&{both}")
    assert count_queries(client, url) == plain + 2
    # The same filters, in another order and with a value repeated: counted already.
    again = f"{DESIGNATIONS}?limit=1&regime={regimes[1].pk}&{both}&facets=listed_year,authority"
    assert count_queries(client, again) == plain
    # Other filters are counted for themselves.
    one = f"{DESIGNATIONS}?limit=1&regime={regimes[0].pk}&facets=authority"
    assert facets(client, one, "authority")["authority"][0]["count"] == 1
    # A draft's change is no change to the public; a published record's is.
    draft.basis = "Edited while a draft"
    draft.save()
    assert count_queries(client, url) == plain
    DesignationFactory(regime=regimes[0])
    assert count_queries(client, url) == plain + 2
    found = facets(client, DESIGNATIONS, "listed_year", regime=[r.pk for r in regimes])
    assert sum(entry["count"] for entry in found["listed_year"]) == 3
    # Staff see the draft: their counts are their own.
    staff = facets(analyst_client(), DESIGNATIONS, "listed_year", regime=[r.pk for r in regimes])
    assert sum(entry["count"] for entry in staff["listed_year"]) == 4


def test_facets_go_with_a_cursor_page_too():
    DesignationFactory.create_batch(3)
    response = APIClient().get(DESIGNATIONS, {"mode": "cursor", "limit": 1, "facets": "regime"})
    assert response.status_code == 200
    assert sum(e["count"] for e in response.json()["facets"]["regime"]) == 3


def test_an_unknown_facet_is_a_400_naming_it():
    response = APIClient().get(DESIGNATIONS, {"facets": "authority,target"})
    assert response.status_code == 400
    assert "target" in response.json()["facets"][0]


def test_the_schema_lists_the_facets_of_each_list_and_their_answer():
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}).json()
    parameters = schema["paths"][DESIGNATIONS]["get"]["parameters"]
    facet = next(p for p in parameters if p["name"] == "facets")
    assert facet["schema"]["items"]["enum"] == [
        "authority",
        "regime",
        "target_kind",
        "round",
        "listed_year",
        "delisted_year",
    ]
    page = schema["components"]["schemas"]["PaginatedDesignationList"]
    assert "facets" in page["properties"]


def test_at_most_so_many_values_the_most_frequent_first(monkeypatch):
    monkeypatch.setattr(filtering, "FACET_VALUES", 2)
    for year, times in ((2014, 1), (2016, 3), (2017, 2)):
        DesignationFactory.create_batch(
            times, listed=datetime.date(year, 1, 1), listed_precision="year"
        )
    found = facets(APIClient(), DESIGNATIONS, "listed_year")["listed_year"]
    assert [(e["value"], e["count"]) for e in found] == [(2016, 3), (2017, 2)]


def test_a_value_read_through_an_unpublished_record_is_no_value_to_the_public():
    DesignationFactory()
    DesignationFactory(target__publication=Publication.DRAFT)
    public = facets(APIClient(), DESIGNATIONS, "target_kind")["target_kind"]
    assert {(e["value"], e["count"]) for e in public} == {("person", 1), (None, 1)}
    # As the list shows it: the draft target's kind is hidden there too.
    listed = APIClient().get(DESIGNATIONS).json()["results"]
    assert sorted(str(row["target_kind"]) for row in listed) == ["None", "person"]
    staff = facets(analyst_client(), DESIGNATIONS, "target_kind")["target_kind"]
    assert {(e["value"], e["count"]) for e in staff} == {("person", 2)}


def test_unfiltered_counts_are_kept_until_a_record_changes(paper):
    """An unfiltered list's facets come from the cached aggregates; a new designation
    (or a withdrawn one) shows in the next answer, and each audience keeps its own."""
    client = APIClient()
    before = facets(client, DESIGNATIONS, "authority")["authority"]
    again = count_queries(client, f"{DESIGNATIONS}?facets=authority&limit=1")
    filtered = count_queries(client, f"{DESIGNATIONS}?facets=authority&limit=1&listed_after=2000")
    assert again < filtered  # kept: no grouped query
    authority = Actor.objects.get(pk=before[0]["value"])
    added = DesignationFactory(authority=authority, publication=Publication.PUBLISHED)
    after = {
        entry["value"]: entry["count"]
        for entry in facets(client, DESIGNATIONS, "authority")["authority"]
    }
    assert after[authority.pk] == before[0]["count"] + 1
    added.publication = Publication.WITHDRAWN
    added.save()
    latest = {
        entry["value"]: entry["count"]
        for entry in facets(client, DESIGNATIONS, "authority")["authority"]
    }
    assert latest[authority.pk] == before[0]["count"]
    # A draft is counted for an analyst, never for the public.
    DesignationFactory(authority=authority, publication=Publication.DRAFT)
    public = {
        e["value"]: e["count"] for e in facets(client, DESIGNATIONS, "authority")["authority"]
    }
    staff = facets(analyst_client(), DESIGNATIONS, "authority")["authority"]
    assert public[authority.pk] == before[0]["count"]
    assert {e["value"]: e["count"] for e in staff}[authority.pk] == before[0]["count"] + 2

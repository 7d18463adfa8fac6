"""Every unknown or malformed query parameter is a 400 whose body names it, on every
resource's list and detail (the registry's types, so a new type is covered by default),
the search, the match and the exports; good values still answer 200; and ordering places
empty values alike on SQLite and PostgreSQL (last, first reversed, ties by public id)."""

import datetime

import pytest
from rest_framework.test import APIClient

from mechanisms.models import Mechanism
from nkhr.api.filtering import facets_of
from nkhr.api.pagination import MAX_LIMIT
from nkhr.registry import record_types
from tests.api_base import analyst_client
from tests.factories import MechanismFactory

pytestmark = pytest.mark.django_db

RESOURCES = [record_type.prefix for record_type in record_types()]
VIEWSETS = {record_type.prefix: record_type.viewset for record_type in record_types()}

# (parameter, value) a list must refuse, naming the parameter.
BAD_LIST_PARAMETERS = [
    ("ordering", "no_such_field"),
    ("ordering", "-no_such_field"),
    ("ordering", "id,no_such_field"),
    ("ordering", "id,,created"),
    ("ordering", "--id"),
    ("ordering", " id"),
    ("limit", "abc"),
    ("limit", "-1"),
    ("limit", "0"),
    ("limit", "1.5"),
    ("limit", "+5"),
    ("limit", "\uff11\uff10"),  # full-width digits: int() reads them, a parameter does not
    ("limit", ""),
    ("limit", str(MAX_LIMIT + 1)),
    ("limit", "9" * 40),
    ("offset", "abc"),
    ("offset", "-1"),
    ("offset", "1e3"),
    ("offset", "9" * 40),
    ("brief", "yes"),
    ("brief", "2"),
    ("brief", ""),
    ("mode", "page"),
    ("mode", ""),
    ("count", "all"),
    ("cursor", "not-a-cursor"),
    ("format", "xml"),
    ("facets", "no_such_facet"),
    ("facets", "id"),
    ("no_such_filter", "1"),
    ("Ordering", "id"),
]
BAD_DETAIL_PARAMETERS = [
    ("brief", "yes"),
    ("format", "xml"),
    ("search", "kim"),
    ("ordering", "id"),
    ("limit", "5"),
    ("no_such_parameter", "1"),
]
GOOD_LIST_PARAMETERS = [
    {"limit": str(MAX_LIMIT)},
    {"limit": "1", "offset": "0"},
    {"offset": "5"},
    {"brief": "true"},
    {"brief": "FALSE"},
    {"brief": "1"},
    {"brief": "0"},
    {"mode": "cursor", "limit": "2"},
    {"mode": "offset"},
    {"count": "exact"},
    {"ordering": ""},
    {"ordering": "-updated,id"},
    {"format": "json"},
    {"format": "csv"},
]


def assert_names(response, parameter: str) -> None:
    assert response.status_code == 400, (parameter, response.status_code, response.content)
    body = response.json()
    assert parameter in body, body
    assert isinstance(body[parameter], list) and body[parameter]


@pytest.fixture
def client():
    return APIClient()


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("parameter", "value"), BAD_LIST_PARAMETERS)
def test_a_list_refuses_a_bad_parameter_by_name(client, resource, parameter, value):
    assert_names(client.get(f"/api/v1/{resource}/", {parameter: value}), parameter)


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_names_every_bad_parameter_at_once(client, resource):
    response = client.get(
        f"/api/v1/{resource}/", {"ordering": "nope", "limit": "abc", "brief": "yes", "x": "1"}
    )
    assert response.status_code == 400
    assert {"ordering", "limit", "brief", "x"} <= set(response.json())


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("query", GOOD_LIST_PARAMETERS, ids=str)
def test_a_list_takes_good_values(client, resource, query):
    assert client.get(f"/api/v1/{resource}/", query).status_code == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_takes_every_ordering_and_facet_it_offers(client, resource):
    viewset = VIEWSETS[resource]
    url = f"/api/v1/{resource}/"
    for field in viewset.ordering_fields:
        for term in (field, f"-{field}"):
            assert client.get(url, {"ordering": term}).status_code == 200, term
    assert client.get(url, {"ordering": ",".join(viewset.ordering_fields)}).status_code == 200
    facets = list(facets_of(viewset.filterset_class))
    response = client.get(url, {"facets": ",".join(facets), "limit": 1})
    assert response.status_code == 200
    assert set(response.json()["facets"]) == set(facets)


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("parameter", "value"), BAD_DETAIL_PARAMETERS)
def test_a_detail_refuses_a_bad_parameter_by_name(client, resource, parameter, value):
    # Checked before the record is looked for: a 400, not a 404.
    url = f"/api/v1/{resource}/no-such-record/"
    assert_names(client.get(url, {parameter: value}), parameter)


@pytest.mark.parametrize("query", [{}, {"brief": "1"}, {"brief": "false"}, {"format": "json"}])
def test_a_detail_takes_good_values(client, query):
    mechanism = MechanismFactory()
    assert client.get(f"/api/v1/mechanisms/{mechanism.pk}/", query).status_code == 200


def test_a_cursor_taken_from_a_next_link_still_works(client):
    MechanismFactory.create_batch(3)
    response = client.get("/api/v1/mechanisms/", {"mode": "cursor", "limit": 1})
    assert client.get(response.json()["next"]).status_code == 200


# --- the routes beside the resources -----------------------------------------------------------

OTHER_BAD = [
    ("/api/v1/search/", {"q": "kim", "explain": "yes"}, "explain"),
    ("/api/v1/search/", {"q": "kim", "explain": ""}, "explain"),
    ("/api/v1/search/", {"q": "kim", "limit": "5"}, "limit"),
    ("/api/v1/search/", {"q": "kim", "format": "xml"}, "format"),
    ("/api/v1/search/", {"q": "kim", "type": "nope"}, "type"),
    ("/api/v1/search/", {"q": ""}, "q"),
    ("/api/v1/export/", {"format": "xml"}, "format"),
    ("/api/v1/export/", {"format": "json"}, "format"),
    ("/api/v1/export/", {"resource": "nope"}, "resource"),
    ("/api/v1/export/", {"updated_since": "yesterday"}, "updated_since"),
    ("/api/v1/export/", {"limit": "5"}, "limit"),
    ("/api/v1/export/ftm/", {"format": "csv"}, "format"),
    ("/api/v1/export/ftm/", {"updated_since": "2026-13-01"}, "updated_since"),
    ("/api/v1/export/ftm/", {"resource": "actors"}, "resource"),
]
OTHER_GOOD = [
    ("/api/v1/search/", {"q": "kim", "explain": "1"}),
    ("/api/v1/search/", {"q": "kim", "explain": "false", "type": "actors"}),
    ("/api/v1/export/", {"resource": "actors", "format": "csv"}),
    ("/api/v1/export/", {"format": "jsonl", "updated_since": "2026-01-01T00:00:00Z"}),
    ("/api/v1/export/ftm/", {"format": "jsonl"}),
]


@pytest.mark.parametrize(("url", "query", "parameter"), OTHER_BAD, ids=str)
def test_search_and_exports_refuse_a_bad_parameter_by_name(client, url, query, parameter):
    assert_names(client.get(url, query), parameter)


@pytest.mark.parametrize(("url", "query"), OTHER_GOOD, ids=str)
def test_search_and_exports_take_good_values(client, url, query):
    assert client.get(url, query).status_code == 200


MATCH_BODY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim"]}}}}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=51", "limit"),
        ("threshold=2", "threshold"),
        ("threshold=nan", "threshold"),
        ("explain=1", "explain"),
        ("format=xml", "format"),
    ],
)
def test_match_refuses_a_bad_query_parameter_by_name(client, query, parameter):
    response = client.post(f"/api/v1/match/?{query}", MATCH_BODY, format="json")
    assert_names(response, parameter)


def test_match_takes_good_query_parameters(client):
    response = client.post("/api/v1/match/?limit=5&threshold=0.5", MATCH_BODY, format="json")
    assert response.status_code == 200


# --- the schema lists what is taken ------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/", {"format": "json"}).json()


def operation_parameters(schema, path: str, method: str = "get") -> dict:
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_schema_lists_exactly_what_a_list_takes(schema, resource):
    viewset = VIEWSETS[resource]
    listed = operation_parameters(schema, f"/api/v1/{resource}/")
    filters = set(viewset.filterset_class.base_filters)
    own = {"format", "brief", "limit", "offset", "mode", "count", "cursor", "ordering"}
    if facets_of(viewset.filterset_class):
        own.add("facets")
    assert set(listed) == own | filters
    ordering = listed["ordering"]
    terms = [t for field in viewset.ordering_fields for t in (field, f"-{field}")]
    assert ordering["schema"]["items"]["enum"] == terms
    assert (ordering["style"], ordering["explode"]) == ("form", False)
    assert "last" in ordering["description"]
    assert listed["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
    assert listed["offset"]["schema"]["minimum"] == 0
    assert listed["brief"]["schema"]["type"] == "boolean"
    assert listed["mode"]["schema"]["enum"] == ["cursor", "offset"]
    if "facets" in listed:
        assert listed["facets"]["schema"]["items"]["enum"] == list(
            facets_of(viewset.filterset_class)
        )


@pytest.mark.parametrize("resource", RESOURCES)
def test_the_schema_lists_what_a_detail_takes(schema, resource):
    listed = operation_parameters(schema, f"/api/v1/{resource}/{{id}}/")
    assert set(listed) == {"id", "format", "brief"}
    assert listed["brief"]["schema"]["type"] == "boolean"


# --- empty values in order ----------------------------------------------------------------------


def mechanisms_with_and_without_dates() -> dict[str, Mechanism]:
    dated = datetime.date(2014, 5, 28)
    return {
        "b-undated": MechanismFactory(id="b-undated", established=None),
        "a-undated": MechanismFactory(id="a-undated", established=None),
        "d-2014": MechanismFactory(id="d-2014", established=dated, established_precision="day"),
        "c-2014": MechanismFactory(id="c-2014", established=dated, established_precision="day"),
        "e-2004": MechanismFactory(
            id="e-2004", established=datetime.date(2004, 1, 1), established_precision="year"
        ),
    }


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_empty_values_come_last_and_first_reversed_ties_by_public_id(client):
    mechanisms_with_and_without_dates()
    ascending = ids(client.get("/api/v1/mechanisms/", {"ordering": "established"}))
    assert ascending == ["e-2004", "c-2014", "d-2014", "a-undated", "b-undated"]
    descending = ids(client.get("/api/v1/mechanisms/", {"ordering": "-established"}))
    assert descending == ["a-undated", "b-undated", "c-2014", "d-2014", "e-2004"]
    # The list's own order (by date of establishment, then name) places them alike.
    default = ids(client.get("/api/v1/mechanisms/"))
    assert default[-2:] and {*default[-2:]} == {"a-undated", "b-undated"}


def test_empty_values_come_last_across_pages(client):
    mechanisms_with_and_without_dates()
    pages = [
        row
        for n in (0, 2, 4)
        for row in ids(
            client.get("/api/v1/mechanisms/", {"ordering": "established", "limit": 2, "offset": n})
        )
    ]
    assert pages == ["e-2004", "c-2014", "d-2014", "a-undated", "b-undated"]


def test_a_cursor_sees_every_record_once_with_empty_values(client):
    made = mechanisms_with_and_without_dates()
    url, params, seen = "/api/v1/mechanisms/", {"mode": "cursor", "limit": 2}, []
    while url:
        response = client.get(url, params)
        seen += ids(response)
        url, params = response.json()["next"], {}
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


def test_a_cursor_pages_in_public_id_order_whatever_the_ordering(client):
    made = mechanisms_with_and_without_dates()
    params = {"mode": "cursor", "limit": 10, "ordering": "-established"}
    assert ids(client.get("/api/v1/mechanisms/", params)) == sorted(made)


@pytest.mark.parametrize(
    ("parameter", "value"), [("nope", "1"), ("limit", "abc"), ("offset", "-1"), ("mode", "x")]
)
def test_the_pending_changes_list_refuses_a_bad_parameter_by_name(parameter, value):
    analyst = analyst_client()
    assert analyst.get("/api/v1/pending-changes/", {"status": "pending"}).status_code == 200
    assert_names(analyst.get("/api/v1/pending-changes/", {parameter: value}), parameter)


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_records_history_refuses_an_unknown_parameter(client, resource):
    url = f"/api/v1/{resource}/no-such-record/history/"
    assert_names(client.get(url, {"brief": "1"}), "brief")

"""`/api/v1/` itself: the root, cross-resource search, the OpenAPI schema and its docs."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import resolve
from rest_framework.test import APIClient

from nkhr.api.urls import RESOURCES
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    MechanismFactory,
    OrganisationFactory,
    PersonFactory,
    ReportFactory,
)

PREFIXES = [prefix for prefix, _, _ in RESOURCES]
BASENAMES = {prefix: basename for prefix, _, basename in RESOURCES}


@pytest.mark.django_db
def test_root_links_every_resource_search_schema_and_docs():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    links = response.json()
    # Other entry points (exports) may be listed too.
    assert {*PREFIXES, "search", "schema", "docs"} <= set(links)
    for name in (*PREFIXES, "search", "schema", "docs"):
        assert links[name] == f"http://testserver/api/v1/{name}/"
    assert all(url.startswith("http://testserver/api/v1/") for url in links.values())


# --- search across resources -----------------------------------------------------------------


def search(**params):
    response = APIClient().get("/api/v1/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_search_ranks_the_exact_name_first_and_names_each_resource():
    office = MechanismFactory(name="OHCHR Seoul Office", kind="field_office")
    OrganisationFactory(name="Friends of the OHCHR Seoul Office")
    ReportFactory(title="Report of the OHCHR Seoul Office")
    ReportFactory(title="Something unrelated")
    data = search(q="ohchr seoul office")
    assert data["count"] == 3 == len(data["results"])
    first = data["results"][0]
    assert (first["resource"], first["id"]) == ("mechanisms", office.pk)
    assert first["score"] > max(hit["score"] for hit in data["results"][1:])
    assert {hit["resource"] for hit in data["results"]} == {"mechanisms", "actors", "reports"}
    for hit in data["results"]:
        assert {"resource", "id", "url", "name", "kind", "score"} <= hit.keys()
        match = resolve(urlsplit(hit["url"]).path)
        assert match.url_name == f"{BASENAMES[hit['resource']]}-detail"
        assert match.kwargs["pk"] == hit["id"]


@pytest.mark.django_db
def test_search_finds_people_by_any_romanization_or_hangul():
    person = PersonFactory(name="Jong Kyong-thaek")
    AliasFactory(actor=person, name="정경택", language="ko")
    designation = DesignationFactory(target=person)
    for words in ("chong gyong thaek", "정경택"):
        hits = {(hit["resource"], hit["id"]) for hit in search(q=words)["results"]}
        assert ("actors", person.pk) in hits, words
        assert ("designations", designation.pk) in hits, words


@pytest.mark.django_db
def test_search_by_type():
    person = PersonFactory(name="Jong Kyong-thaek")
    DesignationFactory(target=person)
    data = search(q="jong kyong thaek", type="actors")
    assert [(hit["resource"], hit["id"]) for hit in data["results"]] == [("actors", person.pk)]


@pytest.mark.django_db
def test_search_refuses_an_empty_query_or_unknown_type():
    client = APIClient()
    for params, name in (({}, "q"), ({"q": " .- "}, "q"), ({"q": "x", "type": "people"}, "type")):
        response = client.get("/api/v1/search/", params)
        assert response.status_code == 400
        assert name in response.json()


# --- schema and docs -------------------------------------------------------------------------


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every warning of the generator into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert "/api/v1/actors/{id}/" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_schema_is_served_and_lists_every_resource():
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for prefix in PREFIXES:
        assert f"/api/v1/{prefix}/" in paths
        assert f"/api/v1/{prefix}/{{id}}/" in paths
    assert "/api/v1/search/" in paths
    parameters = {p["name"] for p in paths["/api/v1/designations/"]["get"]["parameters"]}
    assert {"round", "listed_after", "listed_before", "search", "ordering", "brief"} <= parameters


@pytest.mark.django_db
def test_docs_render():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


@pytest.mark.django_db
def test_search_gives_an_instrument_of_a_specialised_kind_once_with_its_own_route():
    from tests.factories import SanctionsRegimeFactory

    regime = SanctionsRegimeFactory(title="Global Human Rights Sanctions Regime")
    data = search(q="global human rights sanctions")
    hits = [hit for hit in data["results"] if hit["id"] == regime.pk]
    assert len(hits) == 1
    assert urlsplit(hits[0]["url"]).path == f"/api/v1/sanctions-regimes/{regime.pk}/"


@pytest.mark.django_db
def test_root_links_the_pending_changes_for_the_staff_only():
    from django.contrib.auth.models import Group, User

    assert "pending-changes" not in APIClient().get("/api/v1/").json()
    curator = User.objects.create_user(username="curator")
    curator.groups.add(Group.objects.get(name="Curator"))
    client = APIClient()
    client.force_authenticate(curator)
    link = client.get("/api/v1/").json()["pending-changes"]
    assert link == "http://testserver/api/v1/pending-changes/"
    assert client.get(link).status_code == 200

"""`POST /api/v1/match/`: entities screened by example, each answered under its id with the
actors most like it, their scores and their designations; bad bodies and parameters are
400s naming what is wrong."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr.api.match import MAX_QUERIES
from nkhr.dates import DatePrecision
from nkhr.models import Publication
from nkhr.screening import DATE_AGREES, DATE_DIFFERS, NAME_WEIGHT
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    DesignationMeasureFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/match/"
DRAFT = Publication.DRAFT


def person(*names: str, schema: str = "Person", **properties) -> dict:
    return {"schema": schema, "properties": {"name": list(names), **properties}}


def match(queries, client=None, **params):
    client = client or APIClient()
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return client.post(f"{URL}?{query}" if query else URL, {"queries": queries}, format="json")


def answered(queries, client=None, **params) -> dict:
    response = match(queries, client, **params)
    assert response.status_code == 200, response.content
    return response.json()["responses"]


def ids(response: dict) -> list[str]:
    return [result["id"] for result in response["results"]]


def analyst() -> APIClient:
    user = User.objects.create(username="analyst")
    user.groups.add(Group.objects.get(name="Analyst"))
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_papers_records_are_screened_in_one_batch(paper):
    queries = {
        "by-hangul": person("정경택"),
        "as-listed": person("JONG, Kyong Thaek", nationality=["PRK"]),
        "ministry": person("Ministry of State Security", schema="Organization"),
        "nobody": person("Zyxwvut Qqqq"),
    }
    responses = answered(queries)
    assert set(responses) == set(queries)
    assert ids(responses["by-hangul"])[0] == "jong-kyong-thaek"
    assert responses["nobody"] == {"query": queries["nobody"], "total": 0, "results": []}
    first = responses["as-listed"]["results"][0]
    assert first["id"] == "jong-kyong-thaek"
    assert first["match"] is True
    assert first["features"]["country"] > 0  # his record says KP
    assert first["matched"][0]["query"] == "JONG, Kyong Thaek"
    # The EU designated him under its global human rights regime (the paper, 2.b.(1)).
    [designation] = first["designations"]
    assert designation["authority"]["id"] == "european-union"
    assert designation["regime"]["id"] == "eu-global-human-rights-sanctions-regime"
    assert designation["listed"] == "2021-03-22"
    assert designation["measures"]
    # An organisation's query finds no people.
    assert "jong-kyong-thaek" not in ids(responses["ministry"])
    # A list of queries is answered by position.
    listed = APIClient().post(URL, {"queries": [queries["by-hangul"]]}, format="json")
    assert ids(listed.json()["responses"]["0"]) == ids(responses["by-hangul"])


def designation_reads(queries) -> tuple[int, int]:
    """Queries of designations and of their measures while answering `queries`."""
    with CaptureQueriesContext(connection) as captured:
        answered(queries)
    sql = [query["sql"] for query in captured.captured_queries]
    designations = [s for s in sql if re.search(r'FROM "sanctions_designation"', s)]
    measures = [s for s in sql if re.search(r'FROM "sanctions_designationmeasure"', s)]
    return len(designations), len(measures)


def test_designations_are_read_in_a_constant_number_of_queries():
    people = []
    for number in range(10):
        target = PersonFactory(name=f"Kwon Yong Su {chr(ord('A') + number)}")
        DesignationMeasureFactory(designation=DesignationFactory(target=target))
        people.append(target)
    one = {"0": person(people[0].name)}
    ten = {str(n): person(target.name) for n, target in enumerate(people)}
    assert designation_reads(one) == designation_reads(ten) == (1, 1)
    responses = answered(ten)
    for n, target in enumerate(people):
        result = responses[str(n)]["results"][0]
        assert result["id"] == target.pk
        assert [d["id"] for d in result["designations"]] == [target.designations.get().pk]


def test_a_birth_date_that_agrees_raises_the_score_and_one_that_disagrees_lowers_it():
    PersonFactory(
        name="Jong Kyong Thaek",
        id="jong-1956",
        established=datetime.date(1956, 1, 1),
        established_precision=DatePrecision.YEAR,
    )
    name = "JONG, Kyong Thaek"
    responses = answered(
        {
            "without": person(name),
            "agrees": person(name, birthDate=["1956-03-02"]),
            "differs": person(name, birthDate=["1961"]),
        }
    )
    score = {key: response["results"][0]["score"] for key, response in responses.items()}
    assert score["agrees"] > score["without"] > score["differs"]
    assert score["without"] == NAME_WEIGHT * responses["without"]["results"][0]["features"]["name"]
    features = {key: response["results"][0]["features"] for key, response in responses.items()}
    assert features["without"]["birth_date"] is None
    assert features["agrees"]["birth_date"] == DATE_AGREES
    assert features["differs"]["birth_date"] == DATE_DIFFERS
    # Below the threshold, a result is still shown, as no match.
    low = answered({"q": person(name, birthDate=["1961"])}, threshold=0.99)["q"]["results"][0]
    assert low["match"] is False


def test_drafts_never_appear_for_the_public():
    draft = PersonFactory(name="Pak Sun Ok", publication=DRAFT)
    shown = PersonFactory(name="Pak Sun Ok Chol")
    hidden = DesignationFactory(target=shown, publication=DRAFT)
    AliasFactory(actor=shown, name="Pak Sun-ok")
    queries = {"q": person("Pak Sun Ok")}
    public = answered(queries)["q"]["results"]
    assert [result["id"] for result in public] == [shown.pk]
    assert public[0]["designations"] == []
    staff = answered(queries, analyst())["q"]["results"]
    assert {result["id"] for result in staff} == {draft.pk, shown.pk}
    assert hidden.pk in {d["id"] for r in staff for d in r["designations"]}


def test_schemas_choose_people_or_bodies():
    PersonFactory(name="Songun Trading")
    body = OrganisationFactory(name="Songun Trading", kind="company")
    found = answered(
        {
            "company": person("Songun Trading", schema="Company"),
            "anything": person("Songun Trading", schema="LegalEntity"),
        }
    )
    assert ids(found["company"]) == [body.pk]
    assert len(ids(found["anything"])) == 2


def test_an_empty_batch_is_answered_with_no_responses():
    assert answered({}) == {}
    assert answered([]) == {}


def test_an_anonymous_json_post_needs_no_csrf_token():
    PersonFactory(name="Ri Pyong Chol")
    client = APIClient(enforce_csrf_checks=True)
    assert ids(answered({"q": person("Ri Pyong Chol")}, client)["q"])


NAME = {"name": ["Kim"]}


@pytest.mark.parametrize(
    ("body", "params", "where"),
    [
        ({"queries": "Kim"}, {}, "queries"),
        ({"queries": {str(n): person("Kim") for n in range(MAX_QUERIES + 1)}}, {}, "queries"),
        ({"queries": {"q": {"schema": "Person", "properties": {}}}}, {}, "name"),
        ({"queries": {"q": person()}}, {}, "name"),
        ({"queries": {"q": {"schema": "Person", "properties": {"name": "Kim"}}}}, {}, "name"),
        ({"queries": {"q": person(5)}}, {}, "name"),
        ({"queries": {"q": person("  ")}}, {}, "name"),
        ({"queries": {"q": person("--")}}, {}, "name"),
        ({"queries": {"q": person("Kim\x00")}}, {}, "name"),
        ({"queries": {"q": {"schema": "Vessel", "properties": NAME}}}, {}, "schema"),
        ({"queries": {"q": {"properties": NAME}}}, {}, "schema"),
        ({"queries": {"q": person("Kim", passportNumber=["1"])}}, {}, "passportNumber"),
        ({"queries": {"q": person("Kim", birthDate=["1956-13"])}}, {}, "birthDate"),
        ({"queries": {"q": person("Kim", nationality=["Atlantis"])}}, {}, "nationality"),
        ({"queries": {"q": {"schema": "Person", "properties": NAME, "x": 1}}}, {}, "x"),
        ({"queries": {"q": "Kim"}}, {}, "q"),
        ({"queries": {}, "limit": 3}, {}, "limit"),
        ([], {}, "non_field_errors"),
        ({"queries": {}}, {"threshold": "high"}, "threshold"),
        ({"queries": {}}, {"threshold": "1.5"}, "threshold"),
        ({"queries": {}}, {"threshold": "nan"}, "threshold"),
        ({"queries": {}}, {"limit": "0"}, "limit"),
        ({"queries": {}}, {"limit": "51"}, "limit"),
        ({"queries": {}}, {"limit": "2.5"}, "limit"),
        ({"queries": {}}, {"search": "kim"}, "search"),
    ],
)
def test_bad_input_is_a_400_naming_it(body, params, where):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = APIClient().post(f"{URL}?{query}", body, format="json")
    assert response.status_code == 400, response.content
    assert f'"{where}"' in response.content.decode()


def test_malformed_json_is_a_400():
    response = APIClient().post(URL, b'{"queries": {', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_the_schema_documents_match():
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/match/"]["post"]
    assert {"threshold", "limit"} <= {p["name"] for p in operation["parameters"]}
    assert "date of birth" in operation["description"]

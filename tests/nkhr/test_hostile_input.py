"""Never a 500: inputs that once crashed the server answer 4xx with a JSON message naming
the parameter or field (or, where the input is valid after all, a success).

One table, one row per input; each row runs on the database of the run (SQLite by
default, PostgreSQL with DATABASE_URL), where some of these failed only on PostgreSQL (a NUL
in a query, a time zone offset beyond 15:59).
"""

import base64
import json
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nkhr.models import Actor, Publication
from tests.factories import DesignationFactory, PersonFactory, SourceFactory
from tests.html_forms import admin_form_post

pytestmark = pytest.mark.django_db

LONG_LIGATURES = "\ufdfa" * 300  # 'ﷺ': one character, eighteen once NFKD-normalised


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def cursor_of(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@dataclass
class Case:
    name: str
    method: str
    path: str
    params: dict = field(default_factory=dict)
    body: str | bytes | None = None
    content_type: str = "application/json"
    accept: str = "application/json"
    # The status expected, and the key the JSON answer must name ("" when not JSON).
    status: int = 400
    names: str = "detail"


CASES = [
    Case(
        "a refused write answered as CSV",
        "post",
        "/api/v1/actors/?format=csv",
        body=json.dumps({"name": "Kim", "kind": "person", "aliases": [{"name": ""}]}),
        accept="text/csv",
        names="aliases",
    ),
    Case("browsable list for a curator", "get", "/api/v1/actors/", accept="text/html", status=200),
    Case(
        "browsable detail for a curator",
        "get",
        "/api/v1/actors/{actor}/",
        accept="text/html",
        status=200,
    ),
    Case(
        "browsable list with many links",
        "get",
        "/api/v1/designations/",
        accept="text/html",
        status=200,
    ),
    Case(
        "a write asking for an unknown format",
        "post",
        "/api/v1/mechanisms/?format=xml",
        body=json.dumps({"name": "x"}),
        names="format",
    ),
    Case(
        "a read asking for an unknown format", "get", "/api/v1/actors/?format=xml", names="format"
    ),
    Case("JSON arrays nested 950 deep", "post", "/api/v1/actors/", body=nested(950)),
    Case(
        "JSON objects nested 950 deep",
        "post",
        "/api/v1/actors/",
        body='{"name":' * 950 + "1" + "}" * 950,
    ),
    Case(
        "a field nested 950 deep",
        "post",
        "/api/v1/actors/",
        body='{"name": "Kim", "kind": "person", "aliases": ' + nested(950, "") + "}",
    ),
    Case(
        "updated_since past year 9999 in UTC",
        "get",
        "/api/v1/actors/",
        {"updated_since": "9999-12-31T23:59:59-23:59"},
        names="updated_since",
    ),
    Case(
        "updated_since before year 1 in UTC",
        "get",
        "/api/v1/actors/",
        {"updated_since": "0001-01-01T00:00:00+23:59"},
        names="updated_since",
    ),
    # A real instant (0001-01-01T23:59Z), compared in UTC: PostgreSQL refused the offset.
    Case(
        "updated_since at year 1 with offset -23:59",
        "get",
        "/api/v1/actors/",
        {"updated_since": "0001-01-01T00:00:00-23:59"},
        status=200,
    ),
    Case(
        "updated_since with offset +99:00",
        "get",
        "/api/v1/actors/",
        {"updated_since": "2020-01-01T00:00:00+99:00"},
        names="updated_since",
    ),
    Case(
        "export: updated_since past year 9999 in UTC",
        "get",
        "/api/v1/export/",
        {"updated_since": "9999-12-31T23:59:59-23:59"},
        names="updated_since",
    ),
    Case(
        "export: updated_since with offset +99:00",
        "get",
        "/api/v1/export/",
        {"updated_since": "2020-01-01T00:00:00+99:00"},
        names="updated_since",
    ),
    Case(
        "FollowTheMoney export: updated_since with offset +99:00",
        "get",
        "/api/v1/export/ftm/",
        {"updated_since": "2020-01-01T00:00:00+99:00"},
        names="updated_since",
    ),
    Case(
        "a cursor holding a NUL",
        "get",
        "/api/v1/actors/",
        {"cursor": cursor_of("a\x00b")},
        names="cursor",
    ),
    Case("a filter holding a NUL", "get", "/api/v1/actors/", {"search": "a\x00"}, names="search"),
    Case(
        "a link filter holding a NUL",
        "get",
        "/api/v1/designations/",
        {"target": "kim\x00"},
        names="target",
    ),
    Case("a search holding a NUL", "get", "/api/v1/search/", {"q": "\x00"}, names="q"),
    Case(
        "a body over DATA_UPLOAD_MAX_MEMORY_SIZE",
        "post",
        "/api/v1/actors/",
        body=json.dumps({"name": "x" * 3_000_000, "kind": "person"}),
        status=413,
    ),
    Case(
        "a form with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "post",
        "/api/v1/actors/",
        body="&".join(f"f{n}=1" for n in range(1100)),
        content_type="application/x-www-form-urlencoded",
    ),
    Case(
        "a name whose search key outgrows its column",
        "post",
        "/api/v1/actors/",
        body=json.dumps(
            {
                "name": LONG_LIGATURES,
                "kind": "person",
                "citations": [{"source": "{source}", "section": "1"}],
            }
        ),
        status=201,
        names="name",
    ),
]


@pytest.fixture
def curator():
    """A curator (the Curator group, not a superuser), as staff with an API token."""
    user = User.objects.create_user("curator", password="a long passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


@pytest.fixture
def records() -> dict[str, str]:
    actor = PersonFactory(name="Kim Jong Un")
    DesignationFactory(target=actor)
    return {"actor": actor.pk, "source": SourceFactory().pk}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_answered_with_a_message(case, curator, records):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator).key}")
    path = case.path.format(**records)
    body = case.body.replace("{source}", records["source"]) if case.body else case.body
    if case.method == "get":
        response = client.get(path, case.params, HTTP_ACCEPT=case.accept)
    else:
        response = client.post(path, body, content_type=case.content_type, HTTP_ACCEPT=case.accept)
    assert response.status_code == case.status, response.content[:500]
    if case.status >= 400 and case.accept == "application/json":
        assert response["Content-Type"].startswith("application/json")
        assert case.names in response.json(), response.json()
    elif case.accept == "text/csv":
        assert response["Content-Type"].startswith("text/csv")
        assert case.names in response.content.decode()


def test_a_curator_saves_a_name_whose_search_key_outgrows_its_column(curator):
    """The admin takes a 300-character name whose key, normalised, is 4,500 characters: the
    key is cut to its column, and the actor is still found by its start."""
    # A draft: a curator's change to a published record would wait for review.
    actor = PersonFactory(name="Kim Jong Un", publication=Publication.DRAFT)
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    url = reverse("admin:nkhr_actor_change", args=[actor.pk])
    data = admin_form_post(client.get(url).content.decode())
    data["name"] = [LONG_LIGATURES]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    actor.refresh_from_db()
    assert actor.name == LONG_LIGATURES
    assert len(actor.name_key) == Actor._meta.get_field("name_key").max_length
    Actor.objects.filter(pk=actor.pk).update(publication=Publication.PUBLISHED)
    found = APIClient().get("/api/v1/actors/", {"search": "\ufdfa" * 3}).json()
    assert [row["id"] for row in found["results"]] == [actor.pk]


def test_a_nul_in_an_admin_search_is_a_400(curator):
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    response = client.get(reverse("admin:nkhr_actor_changelist"), {"q": "kim\x00"})
    assert response.status_code == 400
    assert b"q: " in response.content

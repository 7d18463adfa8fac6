"""CORS (nkhr/cors.py): the API's public reads answer any origin, never with credentials;
writes and reads signed in through the browser session get no allowance."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings

from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://explorer.example.org"}


def allowance(response) -> str | None:
    return response.headers.get("Access-Control-Allow-Origin")


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/actors/", "/api/v1/search/?q=kim", "/api/v1/schema/"]
)
def test_a_public_read_answers_any_origin_without_credentials(url):
    response = Client().get(url, **ORIGIN)
    assert response.status_code == 200
    assert allowance(response) == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_a_detail_read_and_head_expose_their_validators():
    actor = ActorFactory()
    for method in ("get", "head"):
        response = getattr(Client(), method)(f"/api/v1/actors/{actor.pk}/", **ORIGIN)
        assert response.status_code == 200
        assert allowance(response) == "*"
        assert {"ETag", "Last-Modified", "Retry-After"} <= {
            name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")
        }


def test_an_error_of_a_read_is_readable_too():
    response = Client().get("/api/v1/actors/", {"ordering": "nope"}, **ORIGIN)
    assert response.status_code == 400
    assert allowance(response) == "*"
    missing = Client().get("/api/v1/actors/no-such-actor/", **ORIGIN)
    assert missing.status_code == 404
    assert allowance(missing) == "*"


def test_a_reads_preflight_is_allowed():
    response = Client().options(
        "/api/v1/actors/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="If-None-Match, X-Custom",
        **ORIGIN,
    )
    assert response.status_code == 204
    assert allowance(response) == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "If-None-Match"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_writes_preflight_gets_no_allowance(method):
    response = Client().options(
        "/api/v1/actors/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="Authorization, Content-Type",
        **ORIGIN,
    )
    assert allowance(response) is None
    assert "Access-Control-Allow-Methods" not in response.headers


def test_a_write_gets_no_allowance():
    response = Client().post(
        "/api/v1/actors/", {"name": "x"}, content_type="application/json", **ORIGIN
    )
    assert response.status_code in {401, 403}
    assert allowance(response) is None


def test_a_read_signed_in_through_the_session_gets_no_allowance():
    user = User.objects.create_user("curator", password="a long passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/actors/", **ORIGIN)
    assert response.status_code == 200
    assert allowance(response) is None


def test_pages_outside_the_api_get_no_allowance():
    assert allowance(Client().get("/healthz", **ORIGIN)) is None
    assert allowance(Client().get("/admin/login/", **ORIGIN)) is None


@override_settings(API_CORS=False)
def test_it_can_be_turned_off():
    assert allowance(Client().get("/api/v1/actors/", **ORIGIN)) is None

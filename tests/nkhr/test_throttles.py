"""Throttles: failed logins lock a user name and an address for a while (django-axes, see
nkhr/security.py), and the API limits requests per anonymous address and per token user
(429 with Retry-After). The API's limits are off in the rest of the suite."""

import datetime
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from nkhr.security import client_address

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
PASSWORD = "a long passphrase"
LOCKED = "Too many failed logins"


def staff_user(username: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


def log_in(username: str, password: str, address: str = "198.51.100.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}
    )
    return client, response


def fail(username: str, times: int, address: str = "198.51.100.7") -> list[int]:
    return [log_in(username, "wrong password", address)[1].status_code for _ in range(times)]


@pytest.fixture(autouse=True)
def quick_passwords():
    # Dozens of logins: a fast hasher, so the test measures the throttle, not PBKDF2.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def test_the_right_password_is_refused_after_too_many_wrong_ones():
    staff_user("alice")
    fail("alice", settings.AXES_FAILURE_LIMIT - 1)
    client, response = log_in("alice", PASSWORD)
    assert response.status_code == 302  # one short of the limit: still let in

    client.logout()
    # The failure that reaches the limit is answered with the lock already.
    limit = settings.AXES_FAILURE_LIMIT
    assert fail("alice", limit) == [200] * (limit - 1) + [429]
    client, response = log_in("alice", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "blocked for 15 minutes" in page
    assert 'name="username"' in page  # still the login page, in the admin's own look
    assert response["Retry-After"] == str(15 * 60)
    assert client.get("/admin/").status_code == 302  # not signed in


def test_a_locked_user_name_is_locked_from_every_address():
    staff_user("alice")
    fail("alice", settings.AXES_FAILURE_LIMIT, address="198.51.100.7")

    _, response = log_in("alice", PASSWORD, address="203.0.113.9")

    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_an_address_guessing_many_user_names_is_locked_for_all_of_them():
    staff_user("bob")
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(f"guess-{n}", 1, address="198.51.100.66")

    _, from_there = log_in("bob", PASSWORD, address="198.51.100.66")
    _, from_elsewhere = log_in("bob", PASSWORD, address="203.0.113.9")

    assert from_there.status_code == 429
    assert LOCKED in from_there.content.decode()
    assert from_elsewhere.status_code == 302


def test_the_lock_lifts_after_the_cool_off():
    staff_user("alice")
    fail("alice", settings.AXES_FAILURE_LIMIT)
    assert log_in("alice", PASSWORD)[1].status_code == 429

    past = datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(attempt_time=past - datetime.timedelta(seconds=1))

    assert log_in("alice", PASSWORD)[1].status_code == 302


def test_a_successful_login_clears_the_count():
    staff_user("alice")
    fail("alice", settings.AXES_FAILURE_LIMIT - 1)
    assert log_in("alice", PASSWORD)[1].status_code == 302
    fail("alice", settings.AXES_FAILURE_LIMIT - 1)

    assert log_in("alice", PASSWORD)[1].status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "", "192.0.2.1"),
        (0, "203.0.113.5", "192.0.2.1"),  # no proxy trusted: the header is anyone's
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "10.9.9.9, 203.0.113.5", "203.0.113.5"),  # what the client wrote comes first
        (2, "10.9.9.9, 203.0.113.5, 198.51.100.2", "203.0.113.5"),
        (1, "", "192.0.2.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(proxies, forwarded, address):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(PROXY_COUNT=proxies):
        assert client_address(request) == address


def api_rates(anon: str | None, user: str | None):
    rates = {"anon": anon, "user": user}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    )


@pytest.fixture
def clean_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.usefixtures("clean_counts")
def test_anonymous_requests_over_the_rate_get_429_with_retry_after():
    with api_rates("3/minute", "10/minute"):
        client = Client(REMOTE_ADDR="198.51.100.7")
        statuses = [client.get("/api/v1/actors/").status_code for _ in range(4)]
        refused = client.get("/api/v1/sources/")
        other_address = Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/actors/")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert "throttled" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert other_address.status_code == 200


@pytest.mark.usefixtures("clean_counts")
def test_token_users_are_counted_per_user_at_their_own_rate():
    key = Token.objects.create(user=staff_user("alice")).key
    with api_rates("1/minute", "3/minute"):
        client = Client(REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION=f"Token {key}")
        statuses = [client.get("/api/v1/actors/").status_code for _ in range(4)]
        # The same user from elsewhere shares the count; the address's anonymous one is apart.
        elsewhere = Client(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Token {key}")
        anonymous = Client(REMOTE_ADDR="198.51.100.7").get("/api/v1/actors/")
        from_elsewhere = elsewhere.get("/api/v1/actors/")

    assert statuses == [200, 200, 200, 429]
    assert from_elsewhere.status_code == 429
    assert anonymous.status_code == 200


@pytest.mark.usefixtures("clean_counts")
def test_behind_a_proxy_the_anonymous_rate_counts_the_forwarded_address():
    with api_rates("1/minute", None), override_settings(PROXY_COUNT=1):
        first = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="spoof, 198.51.100.7")
        second = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="other, 198.51.100.7")
        third = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        statuses = [c.get("/api/v1/actors/").status_code for c in (first, second, third)]

    # Rewriting the header's first entries does not make a new client.
    assert statuses == [200, 429, 200]


def test_the_limits_are_off_by_default_in_tests():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"anon": None, "user": None}


def test_the_limits_are_read_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("API_THROTTLE_")}
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "nkhr.settings",
        "SECRET_KEY": "x" * 50,
        "API_THROTTLE_ANON": "30/minute",
        "API_THROTTLE_USER": "off",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "{'anon': '30/minute', 'user': None}"


def test_every_operation_of_the_schema_lists_the_429_with_retry_after():
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    operations = [
        operation
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 50
    for operation in operations:
        refused = operation["responses"]["429"]
        assert refused["headers"]["Retry-After"]["schema"] == {"type": "integer"}


@pytest.mark.usefixtures("clean_counts")
def test_a_429_of_a_public_read_is_readable_by_a_web_page():
    with api_rates("1/minute", None):
        client = Client(REMOTE_ADDR="198.51.100.7", HTTP_ORIGIN="https://example.org")
        client.get("/api/v1/actors/")
        refused = client.get("/api/v1/actors/")
    assert refused.status_code == 429
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused["Access-Control-Expose-Headers"]

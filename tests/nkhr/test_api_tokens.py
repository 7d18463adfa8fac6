"""API tokens: each login creates and revokes its own in the admin ("My API token"), and the
API refuses the token of a deactivated user."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nkhr.models import Publication
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:my_api_token")


def staff_in(role: str, username: str | None = None) -> User:
    user = User.objects.create_user(username or role.lower(), password="unused", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, action: str):
    return client.post(URL, {"action": action})


def api_as(key: str, path: str = "/api/v1/actors/"):
    return APIClient().get(path, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.parametrize("role", ["Curator", "Editor", "Analyst"])
def test_every_role_creates_its_token_and_sees_it_once(role):
    user = staff_in(role)
    client = client_of(user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "You have no API token." in page.content.decode()

    created = post(client, "create")
    key = Token.objects.get(user=user).key
    assert created.status_code == 200
    assert key in created.content.decode()
    assert "no-store" in created["Cache-Control"]

    again = client.get(URL).content.decode()
    assert key not in again
    assert "You have an API token" in again


def test_regenerating_replaces_the_token():
    user = staff_in("Editor")
    client = client_of(user)
    post(client, "create")
    old = Token.objects.get(user=user).key
    post(client, "create")
    new = Token.objects.get(user=user).key
    assert new != old
    assert api_as(old).status_code == 401
    assert api_as(new).status_code == 200


def test_revoking_deletes_the_token_and_it_stops_working():
    user = staff_in("Analyst")
    client = client_of(user)
    post(client, "create")
    key = Token.objects.get(user=user).key
    assert api_as(key).status_code == 200
    response = post(client, "revoke")
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not Token.objects.filter(user=user).exists()
    assert api_as(key).status_code == 401
    assert "Your API token is revoked." in client.get(URL).content.decode()


def test_each_user_manages_only_their_own_token():
    alice, bob = staff_in("Curator", "alice"), staff_in("Curator", "bob")
    bobs = Token.objects.create(user=bob)
    post(client_of(alice), "create")
    post(client_of(alice), "revoke")
    assert Token.objects.filter(pk=bobs.pk).exists()
    assert not Token.objects.filter(user=alice).exists()


def test_posts_need_the_csrf_token():
    user = staff_in("Curator")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(URL, {"action": "create"}).status_code == 403
    assert not Token.objects.exists()


def test_an_unknown_action_is_refused():
    assert post(client_of(staff_in("Curator")), "steal").status_code == 400


def test_the_page_needs_a_staff_login():
    assert Client().get(URL).status_code == 302  # to the login page
    not_staff = User.objects.create_user("public", password="unused")
    assert client_of(not_staff).get(URL).status_code == 302


def test_the_admin_index_links_to_the_page():
    assert URL in client_of(staff_in("Analyst")).get(reverse("admin:index")).content.decode()


def test_every_admin_page_links_to_the_page_from_the_user_tools():
    page = client_of(staff_in("Curator")).get(reverse("admin:nkhr_actor_changelist"))
    tools = page.content.decode().split('id="user-tools"', 1)[1].split("</div>", 1)[0]
    assert URL in tools


def test_the_token_of_a_deactivated_user_stops_working():
    user = staff_in("Analyst")
    token = Token.objects.create(user=user)
    draft = PersonFactory(publication=Publication.DRAFT)
    # An analyst's token reads drafts, which the public does not see.
    assert APIClient().get(f"/api/v1/actors/{draft.pk}/").status_code == 404
    assert api_as(token.key, f"/api/v1/actors/{draft.pk}/").status_code == 200
    user.is_active = False
    user.save()
    response = api_as(token.key)
    assert response.status_code == 401
    assert "inactive" in response.json()["detail"].lower()

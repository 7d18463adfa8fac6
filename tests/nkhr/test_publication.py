"""The review workflow: who may move a record where, from which state, and the trace each
step leaves in history (through the service and through the API)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from nkhr.models import Actor, Publication
from nkhr.services import change_publication
from tests.factories import PersonFactory, ResolutionFactory

pytestmark = pytest.mark.django_db


def member_of(group: str, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def latest_version(record):
    return type(record).history.filter(id=record.pk).order_by("-history_date", "-history_id")[0]


# --- roles -----------------------------------------------------------------------------------


def test_role_groups_exist_with_the_permissions_of_their_role():
    curator, editor, analyst = (member_of(name) for name in ("Curator", "Editor", "Analyst"))

    assert curator.has_perms(["nkhr.add_actor", "nkhr.change_actor", "nkhr.view_unpublished"])
    assert not curator.has_perm("nkhr.publish_record")
    assert not curator.has_perm("nkhr.delete_actor")
    assert editor.has_perms(
        [
            "nkhr.change_actor",
            "nkhr.delete_actor",
            "nkhr.publish_record",
            "sanctions.delete_designation",
        ]
    )
    assert analyst.has_perm("nkhr.view_unpublished")
    assert not analyst.has_perm("nkhr.change_actor")
    # Proxies have permissions of their own, which the roles include.
    assert curator.has_perm("mechanisms.change_resolution")


# --- the service -----------------------------------------------------------------------------


def test_a_curator_submits_and_an_editor_publishes_each_step_in_history():
    record = PersonFactory(publication=Publication.DRAFT)
    curator, editor = member_of("Curator"), member_of("Editor")

    change_publication(record, "submit", curator, "ready for review")
    submitted = latest_version(record)
    change_publication(record, "publish", editor, "")
    published = latest_version(record)

    record.refresh_from_db()
    assert record.publication == Publication.PUBLISHED
    assert (submitted.publication, submitted.history_change_reason, submitted.history_user) == (
        Publication.IN_REVIEW,
        "ready for review",
        curator,
    )
    # Without a comment the step's name is kept.
    assert (published.publication, published.history_change_reason, published.history_user) == (
        Publication.PUBLISHED,
        "Publish",
        editor,
    )


@pytest.mark.parametrize("transition", ["publish", "withdraw", "return_to_draft"])
def test_a_curator_may_not_take_an_editors_step(transition):
    record = PersonFactory(publication=Publication.IN_REVIEW)
    versions = Actor.history.filter(id=record.pk).count()

    with pytest.raises(PermissionDenied):
        change_publication(record, transition, member_of("Curator"), "")

    record.refresh_from_db()
    assert record.publication == Publication.IN_REVIEW
    assert Actor.history.filter(id=record.pk).count() == versions


@pytest.mark.parametrize(
    ("state", "transition"),
    [
        (Publication.PUBLISHED, "submit"),
        (Publication.IN_REVIEW, "submit"),
        (Publication.PUBLISHED, "publish"),
        (Publication.DRAFT, "withdraw"),
        (Publication.DRAFT, "return_to_draft"),
        (Publication.PUBLISHED, "return_to_draft"),
    ],
)
def test_a_step_the_state_does_not_allow_is_refused(state, transition):
    record = PersonFactory(publication=state)

    with pytest.raises(ValidationError):
        change_publication(record, transition, member_of("Editor"), "")

    record.refresh_from_db()
    assert record.publication == state


def test_withdrawing_a_proxy_record_is_recorded_in_its_concrete_history():
    resolution = ResolutionFactory()

    change_publication(resolution, "withdraw", member_of("Editor"), "superseded")

    version = latest_version(resolution)
    assert (version.publication, version.history_change_reason) == (
        Publication.WITHDRAWN,
        "superseded",
    )


# --- the API route ---------------------------------------------------------------------------


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_publication_route_keeps_the_comment_user_and_channel_in_history():
    record = PersonFactory(publication=Publication.DRAFT)
    curator, editor = member_of("Curator"), member_of("Editor")
    url = f"/api/v1/actors/{record.pk}/publication/"

    refused = api_client(curator).post(url, {"action": "publish"}, format="json")
    submitted = api_client(curator).post(
        url, {"action": "submit", "comment": "sources checked"}, format="json"
    )
    returned = api_client(editor).post(url, {"action": "return_to_draft"}, format="json")
    wrong_state = api_client(editor).post(url, {"action": "withdraw"}, format="json")

    assert [response.status_code for response in (refused, submitted, returned, wrong_state)] == [
        403,
        200,
        200,
        400,
    ]
    record.refresh_from_db()
    assert record.publication == Publication.DRAFT
    newest, older = Actor.history.filter(id=record.pk).order_by("-history_id")[:2]
    assert (older.history_change_reason, older.history_user, older.history_channel) == (
        "sources checked",
        curator,
        "api",
    )
    assert (newest.history_change_reason, newest.history_user) == ("Return to draft", editor)


def test_a_step_without_a_comment_is_stored_in_english_whatever_the_language():
    editor = User.objects.create_user(username="editor-ko", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    person = PersonFactory(publication="draft")
    with translation.override("ko"):
        change_publication(person, "publish", editor)
    latest = person.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Publish"

"""The curator's workflow in the admin: publication column and actions, the review queue,
deleted records and their restoration, and the language switcher."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from grants.models import FundingPriority, FundingProgramme
from nkhr.admin.base import RecordAdmin
from nkhr.models import Actor, Alias, Citation, Publication
from nkhr.services import change_publication, restore_deleted
from sanctions.models import Designation
from tests.admin_base import admin_url, change_url, model_admins, post_data_from
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    FundingPriorityFactory,
    PersonFactory,
    ResolutionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

RECORD_ADMINS = [
    pytest.param(model_admin, id=model._meta.label)
    for model, model_admin in model_admins()
    if isinstance(model_admin, RecordAdmin)
]


def member_of(group: str, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def client_of(group: str) -> Client:
    client = Client()
    client.force_login(member_of(group))
    return client


def reasons(record) -> list[str]:
    return list(
        type(record)
        .history.filter(id=record.pk)
        .order_by("-history_date", "-history_id")
        .values_list("history_change_reason", flat=True)
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- publication on changelists and forms ----------------------------------------------------


@pytest.mark.parametrize("model_admin", RECORD_ADMINS)
def test_every_record_page_shows_publication_read_only_and_filters_by_it(rf, model_admin):
    request = rf.get("/")
    request.user = member_of("Editor")

    assert "publication" in model_admin.get_list_display(request)
    assert "publication" in model_admin.get_list_filter(request)
    assert "publication" in model_admin.get_readonly_fields(request, None)
    assert "publication" in model_admin.get_readonly_fields(request, object())


def test_changelist_filters_by_publication():
    draft = PersonFactory(publication=Publication.DRAFT)
    PersonFactory(publication=Publication.PUBLISHED)

    response = client_of("Curator").get(
        admin_url(Actor, "changelist"), {"publication__exact": "draft"}
    )

    assert [obj.pk for obj in response.context["cl"].result_list] == [draft.pk]


def test_publication_cannot_be_changed_through_the_form():
    record = PersonFactory(publication=Publication.DRAFT)
    client = client_of("Editor")
    data = post_data_from(client.get(change_url(record)))

    client.post(change_url(record), {**data, "publication": "published"})

    record.refresh_from_db()
    assert record.publication == Publication.DRAFT


def action_names(client, model) -> set[str]:
    response = client.get(admin_url(model, "changelist"))
    choices = response.context["action_form"].fields["action"].choices
    return {name for name, _label in choices if name}


def test_each_role_is_offered_only_the_steps_it_may_take():
    curator = action_names(client_of("Curator"), Actor)
    editor = action_names(client_of("Editor"), Actor)

    assert {name for name in curator if name.startswith("publication_")} == {"publication_submit"}
    assert {name for name in editor if name.startswith("publication_")} == {
        "publication_submit",
        "publication_publish",
        "publication_withdraw",
        "publication_return_to_draft",
    }
    assert "delete_selected" not in curator
    assert "delete_selected" in editor


def run_action(client, model, action: str, records, comment: str = ""):
    return client.post(
        admin_url(model, "changelist"),
        {
            "action": action,
            "_selected_action": [record.pk for record in records],
            "select_across": "0",
            "index": "0",
            "comment": comment,
        },
        follow=True,
    )


def test_submit_action_moves_drafts_and_reports_refusals_with_the_comment_in_history():
    drafts = PersonFactory.create_batch(2, publication=Publication.DRAFT)
    published = PersonFactory(publication=Publication.PUBLISHED)

    response = run_action(
        client_of("Curator"), Actor, "publication_submit", [*drafts, published], "please check"
    )

    assert response.status_code == 200
    for record in drafts:
        record.refresh_from_db()
        assert record.publication == Publication.IN_REVIEW
        assert reasons(record)[0] == "please check"
    published.refresh_from_db()
    assert published.publication == Publication.PUBLISHED
    done, refused = messages_of(response)
    assert "2 records" in done
    assert str(published) in refused


def test_a_curator_cannot_post_an_editors_action():
    record = PersonFactory(publication=Publication.IN_REVIEW)

    run_action(client_of("Curator"), Actor, "publication_publish", [record])

    record.refresh_from_db()
    assert record.publication == Publication.IN_REVIEW


def test_editor_actions_publish_and_withdraw_proxy_records():
    resolution = ResolutionFactory(publication=Publication.IN_REVIEW)
    client = client_of("Editor")

    run_action(client, type(resolution), "publication_publish", [resolution], "approved")
    resolution.refresh_from_db()
    assert resolution.publication == Publication.PUBLISHED
    run_action(client, type(resolution), "publication_withdraw", [resolution], "duplicate")
    resolution.refresh_from_db()

    assert resolution.publication == Publication.WITHDRAWN
    assert reasons(resolution)[:2] == ["duplicate", "approved"]


# --- review queue ----------------------------------------------------------------------------


def test_review_queue_lists_records_in_review_of_every_kind_with_their_submission():
    curator = member_of("Curator")
    person = PersonFactory(publication=Publication.DRAFT)
    source = SourceFactory(publication=Publication.DRAFT)
    PersonFactory(publication=Publication.DRAFT)  # not submitted
    change_publication(person, "submit", curator, "new minister")
    change_publication(source, "submit", curator, "")
    person.description = "edited while in review"
    person.save()

    response = client_of("Editor").get(reverse("admin:review_queue"))

    assert response.status_code == 200
    queue = {entry.record.pk: entry for entry in response.context["queue"]}
    assert set(queue) == {person.pk, source.pk}
    assert (queue[person.pk].submitted_by, queue[person.pk].comment) == ("curator", "new minister")
    assert "new minister" in response.content.decode()


def test_review_queue_buttons_publish_and_return_to_draft():
    first = PersonFactory(publication=Publication.IN_REVIEW)
    second = DesignationFactory(publication=Publication.IN_REVIEW)
    client = client_of("Editor")
    url = reverse("admin:review_queue")

    client.post(url, {"model": "nkhr.actor", "id": first.pk, "action": "publish", "comment": "ok"})
    response = client.post(
        url,
        {
            "model": "sanctions.designation",
            "id": second.pk,
            "action": "return_to_draft",
            "comment": "needs a source",
        },
        follow=True,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.publication, second.publication) == (Publication.PUBLISHED, Publication.DRAFT)
    assert reasons(first)[0] == "ok"
    assert reasons(second)[0] == "needs a source"
    assert response.context["queue"] == []


def test_review_queue_is_for_editors():
    record = PersonFactory(publication=Publication.IN_REVIEW)
    curator = client_of("Curator")
    url = reverse("admin:review_queue")

    assert curator.get(url).status_code == 403
    assert (
        curator.post(url, {"model": "nkhr.actor", "id": record.pk, "action": "publish"}).status_code
        == 403
    )
    record.refresh_from_db()
    assert record.publication == Publication.IN_REVIEW


# --- deleted records and restore -------------------------------------------------------------


def test_deleted_records_page_lists_what_was_deleted_and_by_whom():
    kept = PersonFactory()
    gone = PersonFactory(name="Deleted Person")
    client = client_of("Editor")
    response = client.post(admin_url(Actor, "delete", gone.pk), {"post": "yes"})
    assert response.status_code == 302

    response = client.get(reverse("admin:deleted_records"))

    listed = {entry.pk: entry for entry in response.context["deleted"]}
    assert gone.pk in listed and kept.pk not in listed
    assert (listed[gone.pk].name, listed[gone.pk].deleted_by) == ("Deleted Person", "editor")
    assert listed[gone.pk].restorable
    assert b"Restore" in response.content
    assert client.get(admin_url(Actor, "history", gone.pk)).status_code == 200


def test_restore_brings_back_the_record_with_its_aliases_and_citations():
    person = PersonFactory(name="Kim Jong Un")
    AliasFactory.create_batch(2, actor=person)
    citation = person.citations.get()
    client = client_of("Editor")
    client.post(admin_url(Actor, "delete", person.pk), {"post": "yes"})
    assert not Actor.objects.filter(pk=person.pk).exists()

    response = client.post(
        reverse("admin:restore_deleted"), {"model": "nkhr.actor", "id": person.pk}, follow=True
    )

    assert response.status_code == 200
    restored = Actor.objects.get(pk=person.pk)
    assert restored.name == "Kim Jong Un"
    assert restored.aliases.count() == 2
    assert list(restored.citations.values_list("pk", flat=True)) == [citation.pk]
    latest = restored.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_change_reason, latest.history_user.username, latest.history_channel) == (
        "Restored",
        "editor",
        "admin",
    )
    alias_version = Alias.history.filter(actor_id=person.pk).order_by("-history_id").first()
    assert alias_version.history_change_reason == "Restored"
    assert person.pk not in {entry.pk for entry in response.context["deleted"]}


def test_restore_follows_cascades_down_to_the_rows_of_rows():
    priority = FundingPriorityFactory()
    programme = priority.programme
    editor = member_of("Editor")
    FundingProgramme.objects.get(pk=programme.pk).delete()
    assert not FundingPriority.objects.filter(pk=priority.pk).exists()

    restore_deleted(FundingProgramme, programme.pk, editor)

    assert FundingPriority.objects.filter(pk=priority.pk).exists()
    assert Citation.objects.filter(object_id=priority.pk).count() == 1


def test_restore_leaves_rows_deleted_earlier_on_their_own():
    person = PersonFactory()
    earlier = AliasFactory(actor=person)
    kept = AliasFactory(actor=person)
    Alias.objects.filter(pk=earlier.pk).delete()
    # Deleted long before the record, the alias was a decision of its own.
    Alias.history.filter(id=earlier.pk, history_type="-").update(
        history_date="2020-01-01T00:00:00Z"
    )
    Actor.objects.filter(pk=person.pk).delete()

    restore_deleted(Actor, person.pk, member_of("Editor"))

    assert list(Alias.objects.filter(actor=person.pk).values_list("pk", flat=True)) == [kept.pk]


def test_restore_is_refused_without_the_right_or_when_nothing_is_deleted():
    person = PersonFactory()
    live = PersonFactory()
    Actor.objects.filter(pk=person.pk).delete()

    with pytest.raises(PermissionDenied):
        restore_deleted(Actor, person.pk, member_of("Curator"))
    with pytest.raises(ValidationError):
        restore_deleted(Actor, live.pk, member_of("Editor"))
    with pytest.raises(ValidationError):
        restore_deleted(Actor, "never-existed", User.objects.get(username="editor"))
    assert not Actor.objects.filter(pk=person.pk).exists()


def test_restore_is_refused_when_the_record_points_at_something_deleted_since():
    designation = DesignationFactory()
    pk, target = designation.pk, designation.target
    Designation.objects.filter(pk=pk).delete()
    Actor.objects.filter(pk=target.pk).delete()

    with pytest.raises(ValidationError, match="restore them first"):
        restore_deleted(Designation, pk, member_of("Editor"))

    restore_deleted(Actor, target.pk, User.objects.get(username="editor"))
    restore_deleted(Designation, pk, User.objects.get(username="editor"))
    assert Designation.objects.get(pk=pk).target_id == target.pk


def test_a_curator_sees_deleted_records_without_a_restore_button():
    person = PersonFactory()
    Actor.objects.filter(pk=person.pk).delete()
    client = client_of("Curator")

    response = client.get(reverse("admin:deleted_records"))
    refused = client.post(
        reverse("admin:restore_deleted"), {"model": "nkhr.actor", "id": person.pk}, follow=True
    )

    assert [entry.restorable for entry in response.context["deleted"]] == [False]
    assert b'name="id"' not in response.content
    assert not Actor.objects.filter(pk=person.pk).exists()
    assert "may not restore" in messages_of(refused)[0]


# --- site, index and language ----------------------------------------------------------------


def test_index_links_the_curation_pages_and_keeps_the_site_title():
    editor_page = client_of("Editor").get(reverse("admin:index")).content.decode()
    curator_page = client_of("Curator").get(reverse("admin:index")).content.decode()

    assert "NKHR Records" in editor_page
    assert reverse("admin:review_queue") in editor_page
    assert reverse("admin:deleted_records") in editor_page
    assert reverse("admin:review_queue") not in curator_page


def test_language_switcher_switches_the_admin_to_korean_and_back():
    client = client_of("Curator")
    index = reverse("admin:index")
    page = client.get(index).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert "한국어" in page

    response = client.post("/i18n/setlang/", {"language": "ko", "next": index}, follow=True)

    assert response.status_code == 200
    assert "로그아웃" in response.content.decode()  # "Log out"
    client.post("/i18n/setlang/", {"language": "en", "next": index})
    assert "Log out" in client.get(index).content.decode()

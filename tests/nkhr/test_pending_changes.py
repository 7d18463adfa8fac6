"""Pending changes: a curator's change to a published record waits for an editor, and every
reader (the public included) keeps reading the published version until it is published."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from rest_framework.test import APIClient

from nkhr.api.urls import RESOURCES
from nkhr.models import Actor, Alias, PendingChange, Publication
from tests.admin_base import change_url, factory_for, post_data_from
from tests.api_base import database_rows

pytestmark = pytest.mark.django_db
ACTOR = "republic-of-korea"  # in the paper's fixtures, published
ACTOR_URL = f"/api/v1/actors/{ACTOR}/"
# A text field of each kind of record, to change.
TEXT_FIELDS = ("name", "title", "basis", "text", "as_of")


def member_of(group: str) -> User:
    user, _ = User.objects.get_or_create(username=group.lower(), defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=group))
    return user


def api_client(group: str | None = None) -> APIClient:
    client = APIClient()
    if group:
        client.force_authenticate(member_of(group))
    return client


def propose(client, url, payload, comment="") -> dict:
    etag = client.get(url)["ETag"]
    headers = {"HTTP_X_CHANGE_COMMENT": quote(comment)} if comment else {}
    response = client.patch(url, payload, format="json", HTTP_IF_MATCH=etag, **headers)
    assert response.status_code == 202, response.content
    return response.json()


# --- API -------------------------------------------------------------------------------------


def test_curator_patch_of_a_published_record_waits_for_an_editor(paper):
    public = APIClient()
    before = public.get(ACTOR_URL)
    name = before.json()["name"]
    versions = Actor.history.filter(id=ACTOR).count()

    change = propose(api_client("Curator"), ACTOR_URL, {"name": "Korea (South)"}, "더 짧게")

    assert change["status"] == "pending"
    assert change["author"] == "curator"
    assert change["comment"] == "더 짧게"
    assert change["record"] == {
        "type": "actor",
        "id": ACTOR,
        "url": f"http://testserver{ACTOR_URL}",
    }
    assert change["changes"] == [{"field": "name", "old": name, "new": "Korea (South)"}]
    # Nothing written: the public, the curator and the history read the published version.
    after = public.get(ACTOR_URL)
    assert after.json()["name"] == name
    assert after["ETag"] == before["ETag"]
    assert after["Last-Modified"] == before["Last-Modified"]
    assert api_client("Curator").get(ACTOR_URL).json()["name"] == name
    assert Actor.history.filter(id=ACTOR).count() == versions
    editor = api_client("Editor")
    assert editor.get(change["url"]).json()["id"] == change["id"]

    published = editor.post(f"{change['url']}publish/", {"comment": "fine"}, format="json")

    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert published.json()["decided_by"] == "editor"
    assert public.get(ACTOR_URL).json()["name"] == "Korea (South)"
    latest = Actor.history.filter(id=ACTOR).latest("history_date", "history_id")
    assert latest.history_user.username == "editor"
    assert latest.history_change_reason == "Published a change by curator; 더 짧게; fine"


def test_nested_rows_are_proposed_and_published_through_the_serializer(paper):
    curator = api_client("Curator")
    aliases = curator.get(ACTOR_URL).json()["aliases"]
    rows_before = Alias.objects.filter(actor_id=ACTOR).count()
    new_alias = {**aliases[0], "name": "Hanguk"}
    change = propose(curator, ACTOR_URL, {"aliases": [*aliases, new_alias]})

    assert [c["field"] for c in change["changes"]] == ["aliases"]
    assert Alias.objects.filter(actor_id=ACTOR).count() == rows_before
    response = api_client("Editor").post(f"{change['url']}publish/", {}, format="json")
    assert response.status_code == 200, response.content
    assert Alias.objects.filter(actor_id=ACTOR, name="Hanguk").exists()
    assert Alias.objects.filter(actor_id=ACTOR).count() == rows_before + 1


def test_invalid_change_is_400_and_keeps_nothing(paper):
    curator = api_client("Curator")
    etag = curator.get(ACTOR_URL)["ETag"]
    response = curator.patch(ACTOR_URL, {"name": ""}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert "name" in response.json()
    assert not PendingChange.objects.exists()


def test_if_match_rules_are_unchanged_for_changes_that_wait(paper):
    curator = api_client("Curator")
    payload = {"name": "Korea (South)"}
    assert curator.patch(ACTOR_URL, payload, format="json").status_code == 428
    stale = curator.patch(ACTOR_URL, payload, format="json", HTTP_IF_MATCH='"0123"')
    assert stale.status_code == 412
    assert not PendingChange.objects.exists()


def test_a_change_that_changes_nothing_is_not_held(paper):
    curator = api_client("Curator")
    read = curator.get(ACTOR_URL)
    response = curator.put(ACTOR_URL, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert response["ETag"] == read["ETag"]
    assert not PendingChange.objects.exists()


def test_a_new_proposal_supersedes_the_authors_previous_one(paper):
    curator = api_client("Curator")
    first = propose(curator, ACTOR_URL, {"name": "Korea (South)"})
    second = propose(curator, ACTOR_URL, {"name": "South Korea"})
    statuses = dict(PendingChange.objects.values_list("pk", "status"))
    assert statuses == {first["id"]: "superseded", second["id"]: "pending"}


def test_publishing_over_a_newer_change_of_the_same_field_is_refused(paper):
    change = propose(api_client("Curator"), ACTOR_URL, {"name": "Korea (South)"})
    editor = api_client("Editor")
    etag = editor.get(ACTOR_URL)["ETag"]
    direct = editor.patch(ACTOR_URL, {"name": "ROK"}, format="json", HTTP_IF_MATCH=etag)
    assert direct.status_code == 200, direct.content
    before = database_rows()

    response = editor.post(f"{change['url']}publish/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["fields"] == ["name"]
    assert "changed since the change was proposed" in response.json()["detail"]
    assert database_rows() == before
    assert PendingChange.objects.get(pk=change["id"]).status == "pending"
    assert APIClient().get(ACTOR_URL).json()["name"] == "ROK"


def test_a_newer_change_of_other_fields_is_merged(paper):
    change = propose(api_client("Curator"), ACTOR_URL, {"name": "Korea (South)"})
    editor = api_client("Editor")
    etag = editor.get(ACTOR_URL)["ETag"]
    description = "Changed by the editor."
    assert (
        editor.patch(
            ACTOR_URL, {"description": description}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    assert editor.post(f"{change['url']}publish/", {}, format="json").status_code == 200
    data = APIClient().get(ACTOR_URL).json()
    assert (data["name"], data["description"]) == ("Korea (South)", description)


def test_reject_and_permissions(paper):
    change = propose(api_client("Curator"), ACTOR_URL, {"name": "Korea (South)"})
    url = change["url"]
    assert api_client("Curator").post(f"{url}publish/", {}, format="json").status_code == 403
    assert api_client("Curator").post(f"{url}reject/", {}, format="json").status_code == 403
    assert APIClient().get("/api/v1/pending-changes/").status_code in {401, 403}
    editor = api_client("Editor")

    rejected = editor.post(f"{url}reject/", {"comment": "keep the official name"}, format="json")

    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_comment"] == "keep the official name"
    assert editor.post(f"{url}publish/", {}, format="json").status_code == 409
    assert APIClient().get(ACTOR_URL).json()["name"] != "Korea (South)"


def test_pending_changes_list_filters(paper):
    change = propose(api_client("Curator"), ACTOR_URL, {"name": "Korea (South)"})
    analyst = api_client("Analyst")

    def listed(query):
        response = analyst.get(f"/api/v1/pending-changes/{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert listed("") == [change["id"]]
    assert listed("?status=pending&record_type=actor&record=" + ACTOR) == [change["id"]]
    assert listed("?status=rejected") == []
    assert listed("?record_type=legislation") == []
    assert analyst.get("/api/v1/pending-changes/?status=nonsense").status_code == 400
    assert analyst.get("/api/v1/pending-changes/?record_type=nonsense").status_code == 400


def test_curator_change_to_a_draft_is_direct(paper):
    Actor.objects.filter(pk=ACTOR).update(publication=Publication.DRAFT)
    curator = api_client("Curator")
    etag = curator.get(ACTOR_URL)["ETag"]
    response = curator.patch(
        ACTOR_URL, {"name": "Korea (South)"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    assert Actor.objects.get(pk=ACTOR).name == "Korea (South)"
    assert not PendingChange.objects.exists()


@pytest.mark.parametrize("prefix", [prefix for prefix, _, _ in RESOURCES])
def test_every_resource_holds_a_curators_change_to_a_published_record(prefix):
    viewset = next(v for p, v, _ in RESOURCES if p == prefix)
    model = viewset.queryset.model
    record = factory_for(model)(publication=Publication.PUBLISHED)
    url = f"/api/v1/{prefix}/{record.pk}/"
    field = next(name for name in TEXT_FIELDS if hasattr(record, name))
    before = database_rows()

    change = propose(api_client("Curator"), url, {field: "A curator's new wording"})

    assert field in {c["field"] for c in change["changes"]}
    rows = database_rows()
    rows.pop("nkhr.PendingChange")
    before.pop("nkhr.PendingChange")
    assert rows == before
    assert APIClient().get(url).json()[field] == getattr(record, field)


# --- admin -----------------------------------------------------------------------------------


def test_curator_save_of_a_published_record_in_the_admin_waits(client, paper):
    client.force_login(member_of("Curator"))
    actor = Actor.objects.get(pk=ACTOR)
    page = client.get(change_url(actor))
    data = post_data_from(page)
    data["name"] = "Korea (South)"

    response = client.post(change_url(actor), data, follow=True)

    assert response.redirect_chain[-1][0] == change_url(actor)
    assert "waits for an editor&#x27;s review" in response.content.decode()
    assert "pending-changes-notice" in response.content.decode()
    assert Actor.objects.get(pk=ACTOR).name == actor.name
    change = PendingChange.objects.get()
    assert change.author.username == "curator"
    assert change.proposed["name"] == "Korea (South)"

    client.force_login(member_of("Editor"))
    queue = client.get(reverse("admin:review_queue"))
    html = queue.content.decode()
    assert f'id="pending-change-{change.pk}"' in html
    assert f"{actor.name}&nbsp;&rarr;&nbsp;Korea (South)" in html

    client.post(
        reverse("admin:review_queue"),
        {"pending_change": change.pk, "decision": "publish", "comment": ""},
    )
    assert Actor.objects.get(pk=ACTOR).name == "Korea (South)"
    assert PendingChange.objects.get().status == "published"


def test_editor_save_of_a_published_record_in_the_admin_is_direct(client, paper):
    client.force_login(member_of("Editor"))
    actor = Actor.objects.get(pk=ACTOR)
    data = post_data_from(client.get(change_url(actor)))
    data["name"] = "Korea (South)"
    client.post(change_url(actor), data)
    assert Actor.objects.get(pk=ACTOR).name == "Korea (South)"
    assert not PendingChange.objects.exists()


def registered_record_admins():
    from django.contrib import admin

    from nkhr.admin.base import RecordAdmin

    return [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, RecordAdmin)
    ]


@pytest.mark.parametrize(
    "model", registered_record_admins(), ids=lambda model: model._meta.label_lower
)
def test_every_record_admin_holds_a_curators_change_to_a_published_record(client, model):
    record = factory_for(model)(publication=Publication.PUBLISHED)
    client.force_login(member_of("Curator"))
    data = post_data_from(client.get(change_url(record)))
    field = next(name for name in TEXT_FIELDS if name in data)
    if field == "as_of":  # a position held has no text of its own: its date as reported
        data.update(as_of="2015-06-01", as_of_precision="day")
    else:
        data[field] = "A curator's new wording"
    before = database_rows()

    response = client.post(change_url(record), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = database_rows()
    rows.pop("nkhr.PendingChange")
    before.pop("nkhr.PendingChange")
    assert rows == before
    assert PendingChange.objects.get().status == "pending"


# --- rows browsed on their own pages ---------------------------------------------------------


def test_a_published_records_rows_are_read_only_on_their_own_pages_for_curators(client, paper):
    alias = Alias.objects.filter(actor_id=ACTOR).first()
    client.force_login(member_of("Curator"))
    page = client.get(change_url(alias))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = database_rows()
    refused = client.post(change_url(alias), {"name": "Korea", "actor": ACTOR})
    assert refused.status_code == 403
    assert database_rows() == before


def test_a_row_added_to_a_published_record_on_its_own_page_is_refused(client, paper):
    client.force_login(member_of("Curator"))
    add_url = reverse("admin:nkhr_alias_add")
    data = post_data_from(client.get(add_url))
    data.update({"actor": ACTOR, "name": "Hanguk"})
    before = database_rows()
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "is published: change its rows on its own page" in response.content.decode()
    assert database_rows() == before
    # To a draft the row is added at once, and an editor adds it to a published record.
    draft = factory_for(Actor)(publication=Publication.DRAFT)
    data.update({"actor": draft.pk, "name": "Draft alias"})
    assert client.post(add_url, data).status_code == 302
    client.force_login(member_of("Editor"))
    data.update({"actor": ACTOR, "name": "Hanguk"})
    assert client.post(add_url, data).status_code == 302
    assert Alias.objects.filter(actor_id=ACTOR, name="Hanguk").exists()

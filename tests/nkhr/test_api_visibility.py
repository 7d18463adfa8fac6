"""What the public may see: published records only, everywhere (lists, details, nested links,
citations, search, exports), while analysts and curators see drafts too."""

import json

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from nkhr.models import Publication
from tests.factories import (
    CitationFactory,
    DesignationFactory,
    PersonFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
DRAFT = Publication.DRAFT


def client_in(group: str | None) -> APIClient:
    client = APIClient()
    if group:
        user, _ = User.objects.get_or_create(username=group.lower())
        user.groups.add(Group.objects.get(name=group))
        client.force_authenticate(user)
    return client


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def streamed(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_drafts_are_hidden_from_the_public_and_shown_to_analysts():
    published = PersonFactory()
    draft = PersonFactory(publication=DRAFT)

    assert ids(client_in(None).get("/api/v1/actors/")) == {published.pk}
    assert client_in(None).get(f"/api/v1/actors/{draft.pk}/").status_code == 404
    assert ids(client_in("Analyst").get("/api/v1/actors/")) == {published.pk, draft.pk}
    assert client_in("Curator").get(f"/api/v1/actors/{draft.pk}/").status_code == 200


def test_links_to_drafts_do_not_leak_through_published_records():
    target = PersonFactory(publication=DRAFT, name="Secret Person")
    designation = DesignationFactory(target=target)
    hidden_designation = DesignationFactory(publication=DRAFT)

    data = client_in(None).get(f"/api/v1/designations/{designation.pk}/").json()
    assert data["target"] is None
    assert "Secret Person" not in json.dumps(data)

    target_of_hidden = hidden_designation.target
    detail = client_in(None).get(f"/api/v1/actors/{target_of_hidden.pk}/").json()
    assert hidden_designation.pk not in {d["id"] for d in detail["designations"]}


def test_citations_of_unpublished_sources_are_hidden():
    person = PersonFactory()
    secret = SourceFactory(publication=DRAFT, title="Internal memo")
    CitationFactory(record=person, source=secret)

    public = client_in(None).get(f"/api/v1/actors/{person.pk}/").json()
    analyst = client_in("Analyst").get(f"/api/v1/actors/{person.pk}/").json()

    assert "Internal memo" not in json.dumps(public)
    assert "Internal memo" in {c["source_title"] for c in analyst["citations"]}


def test_search_and_exports_show_the_public_only_published_records():
    PersonFactory(name="Kim Published")
    draft = PersonFactory(name="Kim Draft", publication=DRAFT)
    DesignationFactory(target=draft)

    public_hits = {h["id"] for h in client_in(None).get("/api/v1/search/?q=kim").json()["results"]}
    analyst_hits = {
        h["id"] for h in client_in("Analyst").get("/api/v1/search/?q=kim").json()["results"]
    }
    assert draft.pk not in public_hits
    assert draft.pk in analyst_hits

    rows = streamed(client_in(None).get("/api/v1/export/"))
    assert draft.pk not in {row["id"] for row in rows}
    entities = streamed(client_in(None).get("/api/v1/export/ftm/"))
    everything = json.dumps(entities)
    assert f"nkhr-actor-{draft.pk}" not in everything
    assert f"nkhr-actor-{draft.pk}" in json.dumps(
        streamed(client_in("Analyst").get("/api/v1/export/ftm/"))
    )


def test_history_route_lists_versions_with_user_channel_and_changes():
    user = User.objects.create_user(username="curator-1")
    user.groups.add(Group.objects.get(name="Curator"))
    client = APIClient()
    client.force_authenticate(user)
    created = client.post(
        "/api/v1/actors/", {"name": "Ri Yong Gil", "kind": "person"}, format="json"
    )
    assert created.status_code == 201, created.content
    url = created.json()["url"]
    assert (
        client.patch(url, {"description": "Minister of Social Security"}, format="json").status_code
        == 200
    )

    history = client.get(f"{url}history/").json()

    assert [entry["type"] for entry in history] == ["changed", "created"]
    assert {entry["user"] for entry in history} == {"curator-1"}
    assert {entry["channel"] for entry in history} == {"api"}
    assert {"field": "description", "old": "", "new": "Minister of Social Security"} in history[0][
        "changes"
    ]


def test_publication_route_follows_the_workflow_and_the_roles():
    draft = PersonFactory(publication=DRAFT)
    url = f"/api/v1/actors/{draft.pk}/publication/"
    curator, editor = client_in("Curator"), client_in("Editor")

    assert client_in(None).post(url, {"action": "submit"}, format="json").status_code == 401
    assert curator.post(url, {"action": "publish"}, format="json").status_code == 403
    assert curator.post(url, {"action": "submit", "comment": "ready"}, format="json").json() == {
        "id": draft.pk,
        "publication": "in_review",
    }
    assert curator.post(url, {"action": "submit"}, format="json").status_code == 400  # already
    assert (
        editor.post(url, {"action": "publish", "comment": "checked"}, format="json").status_code
        == 200
    )
    assert client_in(None).get(f"/api/v1/actors/{draft.pk}/").status_code == 200

    assert (
        editor.post(
            url, {"action": "withdraw", "comment": "wrong person"}, format="json"
        ).status_code
        == 200
    )
    assert client_in(None).get(f"/api/v1/actors/{draft.pk}/").status_code == 404
    reasons = [
        entry["reason"] for entry in editor.get(f"/api/v1/actors/{draft.pk}/history/").json()
    ]
    assert reasons[:3] == ["wrong person", "checked", "ready"]

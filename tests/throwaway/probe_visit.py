"""Run by tests/test_registry_throwaway.py under tests/throwaway/settings.py: the `Visit`
type, declared by a model, one `register()` and a factory, is in the API, the search, the
exports, the admin and the history, with no other edit anywhere."""

import json

import pytest
from rest_framework.test import APIClient

from nkhr.models import Publication
from tests.admin_base import change_url, post_data_from
from tests.factories import ActorFactory
from tests.import_base import user_in_role
from tests.throwaway.factories import VisitFactory
from tests.throwaway.models import Visit

pytestmark = pytest.mark.django_db


def client_as(django_user_model, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_in_role(django_user_model, role))
    return client


def test_the_api_root_lists_it(client):
    assert client.get("/api/v1/").json()["visits"].endswith("/api/v1/visits/")


def test_list_and_detail_show_published_records_only(client):
    visit = VisitFactory(name="Visit to Seoul")
    draft = VisitFactory(name="Visit to Geneva", publication=Publication.DRAFT)
    listed = client.get("/api/v1/visits/").json()
    assert [row["id"] for row in listed["results"]] == [visit.pk]
    detail = client.get(f"/api/v1/visits/{visit.pk}/").json()
    assert detail["name"] == "Visit to Seoul"
    assert detail["visitor"]["id"] == visit.visitor_id
    assert detail["citations"]
    assert client.get(f"/api/v1/visits/{draft.pk}/").status_code == 404


def test_search_finds_it_in_its_list_and_across_types(client):
    visit = VisitFactory(name="Visit to Pyongyang")
    VisitFactory(name="Visit to Seoul")
    found = client.get("/api/v1/visits/", {"search": "pyongyang"}).json()
    assert [row["id"] for row in found["results"]] == [visit.pk]
    across = client.get("/api/v1/search/", {"q": "Visit to Pyongyang"}).json()
    assert visit.pk in [row["id"] for row in across["results"]]


def test_the_exports_carry_it(client):
    visit = VisitFactory()
    lines = client.get("/api/v1/export/", {"resource": "visits"})
    assert lines.status_code == 200
    records = [json.loads(line) for line in b"".join(lines.streaming_content).splitlines()]
    assert visit.pk in [record["id"] for record in records]
    csv = client.get("/api/v1/visits/", {"format": "csv"})
    assert visit.name in csv.content.decode()


def test_curators_write_it_and_history_keeps_each_version(django_user_model):
    curator = client_as(django_user_model, "Curator")
    visitor = ActorFactory()
    created = curator.post(
        "/api/v1/visits/",
        {"name": "Visit to Tokyo", "visitor": visitor.pk, "start": "2017-05"},
        format="json",
    )
    assert created.status_code == 201, created.content
    url = f"/api/v1/visits/{created.json()['id']}/"
    etag = curator.get(url)["ETag"]
    changed = curator.patch(url, {"name": "Visit to Osaka"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200, changed.content
    assert Visit.objects.get().start_precision == "month"
    history = curator.get(f"{url}history/").json()
    assert len(history) == 2
    newest = json.dumps(history[0])
    assert "Visit to Tokyo" in newest and "Visit to Osaka" in newest


def test_the_admin_finds_edits_and_traces_it(client, django_user_model):
    client.force_login(user_in_role(django_user_model, "Editor"))
    visit = VisitFactory(name="Visit to Bangkok")
    changelist = client.get("/admin/throwaway/visit/", {"q": "bangkok"})
    assert changelist.status_code == 200
    assert "Visit to Bangkok" in changelist.content.decode()
    data = post_data_from(client.get(change_url(visit)))
    data["name"] = "Visit to Hanoi"
    saved = client.post(change_url(visit), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    visit.refresh_from_db()
    assert visit.name == "Visit to Hanoi"
    history = client.get(f"{change_url(visit).removesuffix('change/')}history/")
    assert history.status_code == 200
    assert "Visit to Bangkok" in history.content.decode()

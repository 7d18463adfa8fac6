"""A downstream system mirrors the records as docs/sync.md says, through HTTP only: the feed's
cursor, a full pull through `/api/v1/export/`, then the change feed. Whatever people do on
the source meanwhile (create, edit, rename, add aliases, delete, withdraw, publish, a
curator's change published by an editor), the mirror ends equal to what the public reads.

Transactional: each request commits as it does in production, so the feed's rows are
sequenced by their commits (nkhr/changes.py)."""

import json
import random

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.test import APIClient

from nkhr.changes import record_initial_changes
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import Actor, Publication
from nkhr.registry import record_types

API = "/api/v1/"
ROUNDS = 60


class Mirror:
    """What a downstream system keeps: each record's JSON by its URL, and a feed cursor."""

    def __init__(self):
        self.client = APIClient()  # anonymous: the public's view
        self.records: dict[str, dict] = {}
        self.cursor = None
        self.pages = 0
        self.kinds: set[str] = set()

    def latest_cursor(self) -> str:
        response = self.client.get(f"{API}changes/", {"after": "latest"})
        assert response.status_code == 200, response.content
        assert response.json()["results"] == []
        return response.json()["cursor"]

    def full_pull(self) -> None:
        self.cursor = self.latest_cursor()
        response = self.client.get(f"{API}export/")
        assert response.status_code == 200
        for line in b"".join(response.streaming_content).splitlines():
            row = json.loads(line)
            row.pop("resource")
            self.records[row["url"]] = row

    def sync(self) -> None:
        url = f"{API}changes/?after={self.cursor}&limit=7"
        latest: dict[str, dict] = {}
        while url:
            response = self.client.get(url)
            assert response.status_code == 200, response.content
            page = response.json()
            self.pages += 1
            for event in page["results"]:
                self.kinds.add(event["kind"])
                latest[event["url"]] = event  # only the last change of a record matters
            self.cursor = page["cursor"]
            url = page["next"]
        for record_url, event in latest.items():
            if event["tombstone"]:
                self.records.pop(record_url, None)
                continue
            response = self.client.get(record_url)
            if response.status_code == 404:
                # Gone again since: a later change (already applied or still to come) says so.
                self.records.pop(record_url, None)
            else:
                assert response.status_code == 200, response.content
                self.records[record_url] = response.json()


def user(username: str, group: str) -> User:
    account = User.objects.create_user(username, password="unused", is_staff=True)
    account.groups.add(Group.objects.get(name=group))
    return account


def client_of(account) -> APIClient:
    client = APIClient()
    client.force_authenticate(account)
    return client


class Source:
    """People working on the source through the API, as users would."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.editor = client_of(user("editor", "Editor"))
        self.curator = client_of(user("curator", "Curator"))
        self.made = 0

    def detail(self, url, client=None):
        response = (client or self.editor).get(url)
        assert response.status_code == 200, response.content
        return response

    def write(self, method, url, payload=None, client=None):
        client = client or self.editor
        etag = self.detail(url, client)["ETag"]
        return getattr(client, method)(url, payload, format="json", HTTP_IF_MATCH=etag)

    def actor_url(self, **filters) -> str | None:
        pks = list(Actor.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))
        return f"{API}actors/{self.rng.choice(pks)}/" if pks else None

    def record_url(self) -> str:
        registered = self.rng.choice(record_types())
        pks = list(registered.model._default_manager.order_by("pk").values_list("pk", flat=True))
        if not pks:
            return self.actor_url()
        return f"{API}{registered.prefix}/{self.rng.choice(pks)}/"

    def create(self):
        self.made += 1
        response = self.editor.post(
            f"{API}actors/",
            {
                "name": f"Mirror Test Body {self.made}",
                "kind": "ngo",
                "aliases": [{"name": f"MTB{self.made}", "kind": "abbreviation"}],
                "citations": [{"source": "kinu-co22-19", "section": "test"}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        if self.rng.random() < 0.7:
            self.step(response.json()["url"], "publish")

    def rename(self):
        url = self.actor_url()
        response = self.write("patch", url, {"name": f"Renamed {self.rng.randrange(10**6)}"})
        assert response.status_code == 200, response.content

    def add_alias(self):
        url = self.actor_url()
        aliases = self.detail(url).json()["aliases"]
        aliases.append({"name": f"Alias {self.rng.randrange(10**6)}", "kind": "other"})
        response = self.write("patch", url, {"aliases": aliases})
        assert response.status_code == 200, response.content

    def curators_change(self):
        # A curator's change to a published record waits; an editor publishes it.
        url = self.actor_url(publication=Publication.PUBLISHED)
        if url is None:
            return
        text = f"Described {self.rng.randrange(10**6)}"
        proposed = self.write("patch", url, {"description": text}, client=self.curator)
        assert proposed.status_code == 202, proposed.content
        published = self.editor.post(f"{API}pending-changes/{proposed.json()['id']}/publish/")
        assert published.status_code == 200, published.content

    def delete(self):
        response = self.write("delete", self.record_url())
        assert response.status_code in (204, 409), response.content  # 409: still referred to

    def step(self, url, action):
        response = self.editor.post(f"{url.rstrip('/')}/publication/", {"action": action})
        assert response.status_code in (200, 400), response.content  # 400: not from that state

    def withdraw(self):
        self.step(self.record_url(), "withdraw")

    def publish(self):
        self.step(self.record_url(), "publish")

    def act(self):
        self.rng.choice(
            [
                self.create,
                self.create,
                self.rename,
                self.add_alias,
                self.curators_change,
                self.delete,
                self.withdraw,
                self.publish,
                self.publish,
            ]
        )()


def public_view() -> dict[str, dict]:
    """Every record the public reads, as its detail shows it, by URL."""
    client = APIClient()
    response = client.get(f"{API}export/")
    urls = {json.loads(line)["url"] for line in b"".join(response.streaming_content).splitlines()}
    return {url: client.get(url).json() for url in urls}


def differences(mirror: dict[str, dict], public: dict[str, dict]) -> list[str]:
    found = [f"missing {url}" for url in public.keys() - mirror.keys()]
    found += [f"kept {url}" for url in mirror.keys() - public.keys()]
    for url in mirror.keys() & public.keys():
        # A record pulled from the export holds its list form, the detail's fields less
        # those only the detail has (what points at it); each field must be the detail's.
        found += [
            f"{url} {name}: {value!r} != {public[url].get(name)!r}"
            for name, value in mirror[url].items()
            if public[url].get(name) != value
        ]
    return found


def test_a_mirror_fed_by_the_export_and_the_feed_equals_the_public_view(transactional_db):
    call_command("loaddata", *paper_fixtures(), verbosity=0)
    record_initial_changes()
    source = Source(random.Random(1))
    mirror = Mirror()
    # Changes made before the pull (the feed holds them; the pull has them too).
    for _ in range(5):
        source.act()
    mirror.full_pull()
    assert not differences(mirror.records, public_view())

    for sync_round in range(3):
        for _ in range(ROUNDS // 3):
            source.act()
        mirror.sync()
        assert not differences(mirror.records, public_view()), f"round {sync_round}"
    assert mirror.pages > 3
    # What the public was told, over the rounds: the source's life in full.
    assert {"created", "changed", "withdrawn", "deleted"} <= mirror.kinds

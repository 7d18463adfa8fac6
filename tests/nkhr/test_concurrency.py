"""Concurrent writers and readers against a live server, over real HTTP, on the database the
suite runs on (SQLite by default, PostgreSQL with DATABASE_URL).

Writers read a record and write it back changed, with the ETag they read as If-Match: of
the writers who read the same version one is accepted and the others get 412, and every
accepted write is still there at the end. Readers reading meanwhile get their pages. No
answer is a 500 (SQLite's "database is locked" included)."""

import random
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError, connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from nkhr.models import Actor
from tests.factories import ActorFactory, OrganisationFactory
from tests.live import LiveClient, run_together

WRITERS = 16
READERS = 16
# How long the long write holds the write lock at most (it ends as soon as the reads are in).
HOLD = 30


@pytest.fixture
def token(transactional_db):
    user = User.objects.create_superuser("writer", "", "a long passphrase")
    return Token.objects.create(user=user).key


def read_and_append(client, url, word):
    """GET the record, PATCH its description with `word` appended, If-Match as read."""
    read = client.get(url)
    assert read.status == 200, read.body[:500]
    description = read.json()["description"]
    written = client.patch(
        url, {"description": f"{description} {word}".strip()}, **{"If-Match": read["ETag"]}
    )
    return written.status, written.body


def words_of(pk) -> list[str]:
    return Actor.objects.get(pk=pk).description.split()


def test_of_writers_who_read_one_version_one_is_accepted_the_rest_get_412(live_server, token):
    record = ActorFactory(description="")
    url = f"/api/v1/actors/{record.pk}/"
    accepted = []
    for round_number in range(2):

        def write(i, round_number=round_number):
            client = LiveClient(live_server.url, token)
            return read_and_append(client, url, f"r{round_number}w{i}")

        results = run_together(WRITERS, write)
        statuses = [status for status, _ in results]
        assert set(statuses) <= {200, 412}, [r for r in results if r[0] not in {200, 412}]
        assert 200 in statuses
        accepted += [f"r{round_number}w{i}" for i, s in enumerate(statuses) if s == 200]
        # Every accepted write is there, once; a refused one is not.
        assert sorted(words_of(record.pk)) == sorted(accepted)


def write_until_accepted(client, url, word) -> list[int]:
    """`read_and_append` again after each 412, as a client would, after a short random wait
    (so that the writers refused together do not all come back together)."""
    statuses = []
    while 200 not in statuses:
        assert len(statuses) < 3 * WRITERS, statuses
        if statuses:
            time.sleep(random.uniform(0, 0.02 * len(statuses)))
        status, body = read_and_append(client, url, word)
        assert status in {200, 412}, (status, body[:500])
        statuses.append(status)
    return statuses


def test_writers_who_retry_after_412_all_get_their_write_in(live_server, token):
    record = ActorFactory(description="")
    url = f"/api/v1/actors/{record.pk}/"

    run_together(
        WRITERS, lambda i: write_until_accepted(LiveClient(live_server.url, token), url, f"w{i}")
    )

    assert sorted(words_of(record.pk)) == sorted(f"w{i}" for i in range(WRITERS))
    assert record.history.count() == 1 + WRITERS


def test_readers_are_answered_while_writers_write(live_server, token):
    record = ActorFactory(description="")
    other = OrganisationFactory()
    url = f"/api/v1/actors/{record.pk}/"
    pages = [url, "/api/v1/actors/", f"/api/v1/actors/{other.pk}/", "/api/v1/search/?q=actor"]

    def work(i):
        if i < WRITERS:
            return read_and_append(LiveClient(live_server.url, token), url, f"w{i}")
        reader = LiveClient(live_server.url, token if i % 2 else None)
        return [reader.get(pages[(i + n) % len(pages)]) for n in range(4)]

    results = run_together(WRITERS + READERS, work)
    writes, reads = results[:WRITERS], [r for answers in results[WRITERS:] for r in answers]
    assert {status for status, _ in writes} <= {200, 412}, writes
    assert [r.status for r in reads] == [200] * len(reads), [r.body[:300] for r in reads]
    accepted = [f"w{i}" for i, (status, _) in enumerate(writes) if status == 200]
    assert accepted
    assert sorted(words_of(record.pk)) == sorted(accepted)


def test_readers_do_not_wait_for_a_long_write(live_server, token):
    # A long write (an import of many rows, say) holds the database's write lock; reads of
    # the API are answered meanwhile, not after it (nor with "database is locked").
    record = ActorFactory()
    holding, done = threading.Event(), threading.Event()

    def long_write():
        try:
            with transaction.atomic():
                OrganisationFactory.create_batch(20)
                holding.set()
                done.wait(HOLD)
        finally:
            connection.close()

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert holding.wait(HOLD)
        pages = [f"/api/v1/actors/{record.pk}/", "/api/v1/actors/", "/api/v1/actors/?brief=1"]
        reads = run_together(4, lambda i: [LiveClient(live_server.url).get(p) for p in pages])
        answered_while_held = not done.is_set() and writer.is_alive()
    finally:
        done.set()
        writer.join()
    assert [r.status for answers in reads for r in answers] == [200] * 12
    assert answered_while_held


def test_two_writers_cannot_make_a_parent_cycle(live_server, token):
    # Each sets the other as its parent: each alone is fine, together they are a cycle.
    first, second = OrganisationFactory(), OrganisationFactory()
    pairs = [(first, second), (second, first)]
    for _ in range(10):

        def write(i):
            child, parent = pairs[i]
            client = LiveClient(live_server.url, token)
            url = f"/api/v1/actors/{child.pk}/"
            # `*`: no version check to stop the second writer, only the cycle check.
            response = client.patch(url, {"parent": parent.pk}, **{"If-Match": "*"})
            return response.status, response.body

        results = run_together(2, write)
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 400], results
        assert "cycle" in next(body for status, body in results if status == 400).decode()
        parents = dict(
            Actor.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "parent")
        )
        assert None in parents.values(), parents
        Actor.objects.filter(pk__in=[first.pk, second.pk]).update(parent=None)


def test_sqlite_is_set_up_for_concurrent_use(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_a_write_given_up_for_another_is_503_to_retry(monkeypatch):
    # PostgreSQL breaking a deadlock, or SQLite's lock not free in time, is no server fault.
    record = ActorFactory()
    client = APIClient()
    client.force_authenticate(User.objects.create_superuser("editor", "", "unused"))
    url = f"/api/v1/actors/{record.pk}/"
    etag = client.get(url)["ETag"]

    def deadlock(*args, **kwargs):
        cause = type("DeadlockDetected", (Exception,), {"pgcode": "40P01"})()
        raise OperationalError("deadlock detected") from cause

    monkeypatch.setattr("nkhr.api.viewsets.lock_record", deadlock)
    response = client.patch(url, {"description": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert Actor.objects.get(pk=record.pk).description == record.description

"""The change feed (`/api/v1/changes/`, nkhr/changes.py): what each reader is told, in which
order, from which cursor; one change per record and transaction whatever path wrote it.

Each block of writes is committed (`commit`: the on-commit hooks run, as at a real commit;
the test's own transaction otherwise folds every write into one)."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from nkhr.api.changes import encode_cursor
from nkhr.changes import record_initial_changes, record_merged
from nkhr.management.commands import bootstrap
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import Actor, Change, Publication
from nkhr.registry import record_types
from nkhr.services import change_publication, restore_deleted
from tests.api_base import count_queries
from tests.factories import AliasFactory, DesignationFactory, PersonFactory, SourceFactory
from tests.import_base import user_in_role
from tests.nkhr.test_import_records import run, write_csv
from tests.nkhr.test_publication_concurrency import editor

FEED = "/api/v1/changes/"
DRAFT = Publication.DRAFT


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed


@pytest.fixture
def public():
    return Client()


def feed(client, **params):
    response = client.get(FEED, params)
    assert response.status_code == 200, response.content
    return response.json()


def events(client, **params):
    return [
        (event["kind"], event["type"], event["id"]) for event in feed(client, **params)["results"]
    ]


def of(record_id, found):
    return [(kind, record_type) for kind, record_type, pk in found if pk == record_id]


def step(record_id, action, name="e"):
    change_publication(Actor.objects.get(pk=record_id), action, editor(f"{name}-{action}"))


@pytest.mark.django_db
def test_staff_see_every_change_the_public_only_the_published_life(commit, public, staff_client):
    with commit():
        person = PersonFactory(id="kim", publication=DRAFT)
    with commit():
        AliasFactory(actor=person)
    with commit():
        step("kim", "publish")
    with commit():
        actor = Actor.objects.get(pk="kim")
        actor.description = "Edited"
        actor.save()
    with commit():
        step("kim", "withdraw")
    with commit():
        Actor.objects.get(pk="kim").delete()

    assert of("kim", events(staff_client)) == [
        ("created", "actors"),
        ("changed", "actors"),
        ("published", "actors"),
        ("changed", "actors"),
        ("withdrawn", "actors"),
        ("deleted", "actors"),
    ]
    # The draft's life is not the public's: it appears when published, ends when withdrawn.
    assert of("kim", events(public)) == [
        ("created", "actors"),
        ("changed", "actors"),
        ("withdrawn", "actors"),
    ]
    answer = feed(public)
    withdrawn = answer["results"][-1]
    assert withdrawn["tombstone"] is True
    assert withdrawn["url"] == "http://testserver/api/v1/actors/kim/"
    assert set(withdrawn) == {
        "cursor",
        "kind",
        "type",
        "id",
        "time",
        "url",
        "tombstone",
        "merged_into",
    }
    assert answer["next"] is None


@pytest.mark.django_db
def test_a_draft_deleted_unseen_never_reaches_the_public(commit, public, staff_client):
    with commit():
        PersonFactory(id="secret", publication=DRAFT)
    with commit():
        Actor.objects.get(pk="secret").delete()
    assert of("secret", events(public)) == []
    assert of("secret", events(staff_client)) == [("created", "actors"), ("deleted", "actors")]


@pytest.mark.django_db
def test_a_record_saved_with_its_rows_through_the_api_is_one_change(commit, staff_client):
    with commit():
        PersonFactory(id="kim")
    cursor = feed(staff_client, after="latest")["cursor"]
    url = "/api/v1/actors/kim/"
    with commit():
        etag = staff_client.get(url)["ETag"]
        response = staff_client.patch(
            url,
            json.dumps({"description": "New", "aliases": [{"name": "Kim A", "kind": "other"}]}),
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
        assert response.status_code == 200, response.content
    assert events(staff_client, after=cursor) == [("changed", "actors", "kim")]


@pytest.mark.django_db
def test_records_that_show_a_record_change_with_it(commit, public):
    with commit():
        designation = DesignationFactory(target=PersonFactory(id="target"))
    cursor = feed(public, after="latest")["cursor"]
    with commit():
        target = Actor.objects.get(pk="target")
        target.name = "Renamed"
        target.save()
    # The designation shows its target's name.
    assert events(public, after=cursor) == [
        ("changed", "actors", "target"),
        ("changed", "designations", designation.pk),
    ]
    cursor = feed(public, after="latest")["cursor"]
    with commit():
        target = Actor.objects.get(pk="target")
        target.description = "Not shown by the designation"
        target.save()
    assert events(public, after=cursor) == [("changed", "actors", "target")]


@pytest.mark.django_db
def test_restored_and_merged(commit, public, staff_client, django_user_model):
    with commit():
        PersonFactory(id="gone")
        survivor = PersonFactory(id="survivor")
    with commit():
        Actor.objects.get(pk="gone").delete()
    superuser = django_user_model.objects.create_superuser("root", "", "unused")
    with commit():
        restore_deleted(Actor, "gone", superuser)
    with commit():
        loser = Actor.objects.get(pk="gone")
        record_merged(loser, survivor)
        loser.delete()
    assert of("gone", events(staff_client)) == [
        ("created", "actors"),
        ("deleted", "actors"),
        ("restored", "actors"),
        ("merged", "actors"),
    ]
    merged = feed(public)["results"][-1]
    assert (merged["kind"], merged["merged_into"], merged["tombstone"]) == (
        "merged",
        "survivor",
        True,
    )


@pytest.mark.django_db
def test_pages_follow_next_and_resume_from_the_cursor(commit, public):
    with commit():
        for number in range(7):
            PersonFactory(id=f"p{number}")
    total = len(feed(public, limit=1000)["results"])  # each with its new source
    seen, url, pages = [], f"{FEED}?limit=3", 0
    while url:
        answer = public.get(url).json()
        assert len(answer["results"]) == 3 or answer["next"] is None
        seen += [event["id"] for event in answer["results"] if event["type"] == "actors"]
        cursor, url, pages = answer["cursor"], answer["next"], pages + 1
    assert seen == [f"p{number}" for number in range(7)]
    assert pages == -(-total // 3)
    # The last page's cursor resumes after everything: nothing new, nothing repeated.
    assert feed(public, after=cursor)["results"] == []
    assert feed(public, after=cursor)["cursor"] == cursor
    with commit():
        PersonFactory(id="later")
    later = feed(public, after=cursor)["results"]
    assert [e["id"] for e in later if e["type"] == "actors"] == ["later"]


@pytest.mark.django_db
def test_types_narrow_the_feed(commit, public):
    with commit():
        designation = DesignationFactory()
    kinds = {event["type"] for event in feed(public)["results"]}
    assert {"actors", "designations", "sources"} <= kinds
    narrowed = feed(public, types="designations,sanctions-regimes")["results"]
    assert {event["type"] for event in narrowed} == {"designations", "sanctions-regimes"}
    assert designation.pk in {event["id"] for event in narrowed}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"types": "actors,people"}, "types"),
        ({"types": ","}, "types"),
        ({"after": "not-a-cursor"}, "after"),
        ({"after": encode_cursor(5)[:-2] + "!!"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"since": "2020"}, "since"),
    ],
)
@pytest.mark.django_db
def test_bad_parameters_are_a_400_naming_them(public, params, named):
    response = public.get(FEED, params)
    assert response.status_code == 400
    assert named in response.json()
    if named == "types" and "people" in params["types"]:
        assert "people" in response.json()["types"][0]


@pytest.mark.django_db
def test_queries_per_page_do_not_grow_with_the_page(commit, public, staff_client):
    with commit():
        for number in range(60):
            PersonFactory(id=f"q{number}")
    feed(public)  # sequenced
    small = count_queries(public, f"{FEED}?limit=5")
    large = count_queries(public, f"{FEED}?limit=100")
    # Whether anything waits for a position, the highest position, the page (and, in a
    # test, the savepoint around them).
    assert small == large <= 5
    assert count_queries(staff_client, f"{FEED}?limit=5") == count_queries(
        staff_client, f"{FEED}?limit=100"
    )


@pytest.mark.django_db
def test_the_paper_loaded_from_fixtures_starts_the_feed_complete(public):
    call_command("loaddata", *paper_fixtures(), verbosity=0)
    written = record_initial_changes()
    assert record_initial_changes() == 0
    published = sum(
        model._base_manager.filter(publication=Publication.PUBLISHED).count()
        for model in {Actor, *[r.model._meta.concrete_model for r in record_types()]}
    )
    created = feed(public, limit=1000)["results"]
    assert written >= len(created) == published
    assert {event["kind"] for event in created} == {"created"}


# --- never skipping a late commit (PostgreSQL: SQLite runs one writer at a time) -------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_a_change_committed_late_with_an_earlier_id_still_reaches_the_reader(transactional_db):
    PersonFactory(id="early", publication=DRAFT)
    PersonFactory(id="late", publication=DRAFT)
    reader = APIClient()
    reader.force_login(editor("reader"))
    cursor = reader.get(FEED, {"after": "latest"}).json()["cursor"]
    first_written, read_meanwhile = threading.Event(), threading.Event()
    errors = []

    def slow_writer():
        try:
            with transaction.atomic():
                record = Actor.objects.get(pk="early")
                record.description = "written first, committed last"
                record.save()
                first_written.set()
                assert read_meanwhile.wait(30)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    def quick_writer():
        try:
            assert first_written.wait(30)
            with transaction.atomic():
                record = Actor.objects.get(pk="late")
                record.description = "written last, committed first"
                record.save()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    quick = threading.Thread(target=quick_writer)
    quick.start()
    quick.join(30)
    answer = reader.get(FEED, {"after": cursor}).json()
    assert [event["id"] for event in answer["results"]] == ["late"]
    read_meanwhile.set()
    slow.join(30)
    assert not errors, errors

    # The early change has the smaller id: a reader going by ids would have skipped it.
    ids = dict(
        Change.objects.filter(record_id__in=["early", "late"])
        .values_list("record_id", "id")
        .order_by("id")
    )
    assert ids["early"] < ids["late"]
    answer = reader.get(FEED, {"after": answer["cursor"]}).json()
    assert [(event["kind"], event["id"]) for event in answer["results"]] == [("changed", "early")]


# --- every path: imports, the bootstrap ------------------------------------------------------


@pytest.mark.django_db
def test_an_import_is_one_created_per_record_and_a_dry_run_none(
    commit, staff_client, tmp_path, django_user_model
):
    editor_user = user_in_role(django_user_model, "Editor")
    with commit():
        SourceFactory(id="kinu-co22-19")
    cursor = feed(staff_client, after="latest")["cursor"]
    path = write_csv(tmp_path / "actors.csv", 5)
    with commit():
        run(path, "--resource", "actors", "--dry-run", "--user", editor_user.username)
    assert feed(staff_client, after=cursor)["results"] == []
    with commit():
        run(path, "--resource", "actors", "--user", editor_user.username)
    found = events(staff_client, after=cursor)
    actors = [(kind, pk) for kind, record_type, pk in found if record_type == "actors"]
    assert sorted(actors) == sorted(
        ("created", pk) for pk in Actor.objects.values_list("pk", flat=True)
    )
    assert len(actors) == 5


@pytest.mark.django_db
def test_the_bootstrap_leaves_a_complete_feed(public, monkeypatch):
    real = bootstrap.call_command
    # The test database is migrated already; the fixtures are loaded as `make run` loads them.
    monkeypatch.setattr(
        bootstrap,
        "call_command",
        lambda name, *a, **k: None if name == "migrate" else real(name, *a, **k),
    )
    call_command("bootstrap", verbosity=0)
    ids = {event["id"] for event in feed(public, limit=1000)["results"]}
    assert "kinu-co22-19" in ids
    assert Actor.objects.filter(publication=Publication.PUBLISHED).count() == len(
        [e for e in feed(public, limit=1000, types="actors")["results"]]
    )


@pytest.mark.django_db
def test_a_merge_is_told_as_merged_into_the_survivor(commit, public):
    # Through the merge service, as the admin and the API merge: the feed says "merged"
    # with the survivor's id where a plain delete would say "deleted".
    from nkhr.merging import merge_records

    with commit():
        PersonFactory(id="twice-spelt")
        survivor = PersonFactory(id="kept")
    with commit():
        merge_records(survivor, Actor.objects.get(pk="twice-spelt"), editor("merging-editor"))
    told = [event for event in feed(public)["results"] if event["id"] == "twice-spelt"]
    assert [(event["kind"], event["merged_into"]) for event in told] == [
        ("created", None),
        ("merged", "kept"),
    ]

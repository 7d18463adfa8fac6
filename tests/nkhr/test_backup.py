"""`manage.py backup FILE` and `manage.py restore FILE` (nkhr/backup.py): a database, history
included, restored into an empty one on the same or the other engine gives the same backup
byte for byte; no version is added on the way; a database with rows is refused.

The round trip runs `manage.py` in processes of its own with DATABASE_URL set, as an operator
would: PostgreSQL → SQLite → PostgreSQL, on databases it creates and drops (on the server at
NKHR_TEST_POSTGRES_URL; skipped without one)."""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nkhr.backup import back_up_to, restore_from
from nkhr.models import Actor, Alias
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get(
    "NKHR_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)

# Run in the source database: the paper's data, then what curators do to it.
POPULATE = """
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from nkhr.models import Actor, Event
from nkhr.resources import ActorResource

call_command("bootstrap", verbosity=0)
alice = get_user_model().objects.create_user("alice", password="a long passphrase 1")
alice.groups.add(Group.objects.get(name="Editor"))
Group.objects.create(name="Reviewers").user_set.add(alice)
Token.objects.create(user=alice)
rows = tablib.Dataset(headers=["name", "kind", "aliases", "citation_source"])
for n in range(12):
    aliases = '["BB%d", {"name": "백업 %d", "language": "ko"}]' % (n, n)
    rows.append(["Backup body %d" % n, "agency", aliases, "kinu-co22-19"])
result = ActorResource().import_data(rows, user=alice, file_name="bodies.csv")
assert not (result.has_errors() or result.has_validation_errors())
body = Actor.objects.get(name="Backup body 1")
body.description = "Edited."
body.save()
Actor.objects.get(name="Backup body 2").delete()  # its versions stay, naming it
event = Event.objects.filter(instruments__isnull=False).first()
event.instruments.remove(event.instruments.first())  # a version for the links
call_command("backup", "{backup}", verbosity=0)
"""

# Run in a restored PostgreSQL database: new rows and versions get fresh ids.
WRITE_AFTER = """
from nkhr.models import Actor, Alias
actor = Actor.objects.get(name="Backup body 3")
Alias.objects.create(actor=actor, name="After restore", language="en")
actor.description = "Changed after the restore."
actor.save()
print("ids", Alias.objects.order_by("-pk").first().pk, Actor.history.order_by("-pk").first().pk)
"""


def manage(database_url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "backup-test-only"}
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def postgres_url_or_skip(name: str, template: str = "") -> str:
    """A new database `name` on the server (a copy of the database `template`, if given)."""
    import psycopg2

    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        server = psycopg2.connect(POSTGRES_URL)
    except psycopg2.Error as error:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {error}")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(
            f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        )
    server.close()
    return f"{base}/{name}"


def drop_postgres(name: str) -> None:
    import psycopg2

    server = psycopg2.connect(POSTGRES_URL)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    server.close()


@pytest.mark.own_database
def test_a_backup_restores_across_engines_byte_for_byte(tmp_path):
    # Names of this run's own (the suite may run twice at once on one server).
    suffix = uuid.uuid4().hex[:8]
    source_name, target_name = f"nkhr_h5_a_{suffix}", f"nkhr_h5_b_{suffix}"
    source = postgres_url_or_skip(source_name)
    try:
        # The PostgreSQL target is a copy of the source as migrated, before any row of the
        # paper (as `migrate` leaves a new database): its restore finds the schema in place,
        # and the SQLite restore below migrates a new file, as an operator's first restore
        # does. One migration fewer, of the three this test would run (13 s each).
        manage(source, "migrate", "--verbosity", "0")
        target = postgres_url_or_skip(target_name, template=source_name)
        sqlite = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        from_postgres = tmp_path / "from-postgresql.jsonl"
        from_sqlite = tmp_path / "from-sqlite.jsonl.gz"
        back_on_postgres = tmp_path / "back-on-postgresql.jsonl"

        manage(source, "shell", "-c", POPULATE.replace("{backup}", str(from_postgres)))
        manage(sqlite, "restore", str(from_postgres))
        manage(sqlite, "backup", str(from_sqlite))
        manage(target, "restore", str(from_sqlite))
        manage(target, "backup", str(back_on_postgres))

        import gzip

        original = from_postgres.read_bytes()
        assert gzip.decompress(from_sqlite.read_bytes()) == original
        assert back_on_postgres.read_bytes() == original

        lines = [json.loads(line) for line in original.decode().splitlines()]
        models = {line["model"] for line in lines}
        # Versions, their links, the grants' ordered priorities, logins and tokens are in.
        assert {"nkhr.historicalactor", "nkhr.historicalalias", "grants.fundingpriority"} <= models
        assert {"auth.user", "authtoken.token"} <= models
        assert "contenttypes.contenttype" not in models and "auth.permission" not in models
        deleted = [
            line
            for line in lines
            if line["model"] == "nkhr.historicalactor" and line["fields"]["history_type"] == "-"
        ]
        assert [line["fields"]["name"] for line in deleted] == ["Backup body 2"]
        # Timestamps to the microsecond.
        assert any(len(line["fields"].get("history_date", "")) == 27 for line in lines)

        # The restored PostgreSQL database takes new rows: its sequences are past the ids.
        output = manage(target, "shell", "-c", WRITE_AFTER)
        alias_id, version_id = output.split("ids ")[-1].split()
        loaded = [line for line in lines if line["model"] == "nkhr.alias"]
        assert int(alias_id) > max(line["pk"] for line in loaded)
        versions = [line for line in lines if line["model"] == "nkhr.historicalactor"]
        assert int(version_id) > max(line["pk"] for line in versions)
    finally:
        drop_postgres(source_name)
        drop_postgres(target_name)


@pytest.mark.django_db
def test_a_restore_refuses_a_database_with_rows(tmp_path):
    factories.OrganisationFactory(id="present", name="Present")
    backup = tmp_path / "backup.jsonl"
    backup.write_text("")

    with pytest.raises(CommandError, match=r"holds rows already \(.*nkhr.Actor"):
        call_command("restore", str(backup), "--no-migrate", stdout=io.StringIO())

    assert list(Actor.objects.values_list("pk", flat=True)) == ["present"]


@pytest.mark.django_db
def test_a_backup_holds_the_versions_of_deleted_records(tmp_path):
    actor = factories.OrganisationFactory(id="gone", name="Gone body")
    factories.AliasFactory(actor=actor, name="GB", language="en")
    actor.delete()
    out = io.StringIO()

    counts = back_up_to(out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    versions = [line for line in lines if line["model"] == "nkhr.historicalalias"]
    # A version names its actor by id, even now that the actor is gone.
    assert {line["fields"]["actor"] for line in versions} == {"gone"}
    assert counts["nkhr.Actor"] == 0 and counts["nkhr.HistoricalActor"] >= 2


@pytest.mark.django_db(transaction=True)
def test_a_restore_adds_no_version(tmp_path):
    # Restored into this (emptied) test database: the versions are the file's, no more.
    event = factories.EventFactory(id="workshop")
    event.instruments.add(factories.ResolutionFactory(id="a-res-1"))
    out = io.StringIO()
    back_up_to(out)
    backup = out.getvalue()
    versions = Actor.history.count() + Alias.history.count()
    # Empty again, as after `migrate` (which makes the role groups, matched by name).
    call_command("flush", interactive=False, verbosity=0)

    restore_from(io.StringIO(backup))

    again = io.StringIO()
    back_up_to(again)
    assert again.getvalue() == backup
    assert Actor.history.count() + Alias.history.count() == versions

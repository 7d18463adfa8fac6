"""Fixtures shared by the whole suite."""

import os
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from nkhr import stats
from nkhr.management.commands.bootstrap import paper_fixtures
from tests.admin_base import log_in_curator


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, as the real one is, not shared memory: a live
    server's threads then each have their own connection and meet the same locks, WAL and
    busy timeout as a server does. One file per test process (xdist worker, or a run of
    another checkout of the project) in the temporary directory; Django deletes it at the
    end."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get(
        "NAME"
    ):
        name = Path(tempfile.gettempdir()) / f"nkhr-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff user (not a superuser) holding every permission."""
    return log_in_curator(client, django_user_model)


@pytest.fixture(scope="session")
def paper_rows(django_db_setup, django_db_blocker) -> dict[str, tuple[list[str], list]]:
    """The rows loading the paper writes, table by table: loaded once per test process, read
    back and rolled back. Two hundred tests use the paper; loading it through the fixtures'
    saves and their signals takes a second each, copying its rows a few milliseconds."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = _row_counts()
        call_command("loaddata", *paper_fixtures(), verbosity=0)
        rows = {}
        with connection.cursor() as cursor:
            for table, count in _row_counts().items():
                if count == before[table]:
                    continue
                if before[table]:
                    # Rows of its own before the paper (none today): load it as it is.
                    rows = {}
                    break
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                columns = [column[0] for column in cursor.description]
                rows[table] = (columns, cursor.fetchall())
        transaction.set_rollback(True)
    return rows


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def paper(db, paper_rows):
    """The paper's own records, as `make run` loads them from the fixtures: their rows
    copied into the test's database, or loaded again where a copy could differ: a table
    the paper fills already has rows, or the test commits (a live server's: the tables,
    content types included, are emptied and filled anew between such tests, so the ids
    the copied rows point at are gone)."""
    if not paper_rows or not connection.in_atomic_block or _any_rows(paper_rows):
        call_command("loaddata", *paper_fixtures(), verbosity=0)
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # In one transaction: the foreign keys (deferred) are checked once all rows are in.
        for table, (columns, rows) in paper_rows.items():
            names = ", ".join(map(quote, columns))
            one = "(" + ", ".join(["%s"] * len(columns)) + ")"
            batch = max(1, 5000 // len(columns))
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([one] * len(chunk))}",
                    [value for row in chunk for value in row],
                )
        # New rows go after the copied ids (PostgreSQL's sequences; SQLite needs nothing).
        tables = set(paper_rows)
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in tables
        ]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    # What the fixtures' saves do beyond their rows: every cached aggregate is stale.
    stats.invalidate()


def _any_rows(paper_rows) -> bool:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in paper_rows:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


@pytest.fixture(autouse=True)
def dumps_dir(settings, tmp_path_factory):
    """Bulk dumps built by a test go to a directory of its own (never the checkout's
    var/dumps/), and their links point at the test client's host."""
    settings.DUMPS_DIR = tmp_path_factory.mktemp("dumps")
    settings.DUMPS_SITE_URL = "http://testserver"
    return settings.DUMPS_DIR

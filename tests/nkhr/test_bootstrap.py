"""`manage.py bootstrap` (what `make run` and `make serve` start with): a missing PostgreSQL
database is created, and a database it cannot reach ends with a message, not a traceback."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import environ
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import ConnectionHandler

from nkhr.management.commands import bootstrap

ROOT = Path(__file__).resolve().parents[2]
# A PostgreSQL server the tests may create and drop databases on (CI starts one).
POSTGRES_URL = os.environ.get(
    "NKHR_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def own_connections(django_db_blocker):
    """Let a test open connections of its own (pytest-django blocks every other one)."""
    with django_db_blocker.unblock():
        yield


def connection_for(url: str):
    """A database connection, outside the test's own, for the database at `url`."""
    return ConnectionHandler({"default": environ.Env.db_url_config(url)})["default"]


def postgres_server_or_skip():
    server = connection_for(POSTGRES_URL)
    try:
        server.ensure_connection()
    except Exception as exc:  # any failure means: no server to test against
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {exc}")
    return server


def database_exists(server, name: str) -> bool:
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.usefixtures("own_connections")
def test_a_missing_postgresql_database_is_created():
    server = postgres_server_or_skip()
    name = f"nkhr_bootstrap_test_{uuid.uuid4().hex[:12]}"
    target = connection_for(POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        assert bootstrap.ensure_database(target) is True
        assert database_exists(server, name)
        target.close()
        # Once it exists, nothing more is created.
        assert bootstrap.ensure_database(target) is False
    finally:
        target.close()
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.close()


@pytest.mark.usefixtures("own_connections")
def test_an_unreachable_postgresql_server_is_a_message():
    # Port 9 (discard) on loopback: nothing listens there.
    target = connection_for("postgres://postgres@127.0.0.1:9/nkhr_unreachable")
    with pytest.raises(CommandError) as raised:
        bootstrap.ensure_database(target)
    message = str(raised.value)
    assert "Cannot connect to the PostgreSQL database 'nkhr_unreachable' on 127.0.0.1:9" in message
    assert "DATABASE_URL" in message


@pytest.mark.usefixtures("own_connections")
def test_an_unopenable_sqlite_file_is_a_message(tmp_path):
    target = connection_for(f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}")
    with pytest.raises(CommandError, match="Cannot connect to the SQLite database"):
        bootstrap.ensure_database(target)


def test_the_command_ends_without_a_traceback_when_the_database_is_unreachable():
    result = subprocess.run(
        [sys.executable, "manage.py", "bootstrap"],
        env={**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:9/nkhr_unreachable"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "CommandError: Cannot connect to the PostgreSQL database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_django_superuser_variables_make_a_superuser_once(monkeypatch, capsys):
    # A database with records already, so only the login step does anything.
    monkeypatch.setattr(bootstrap.Source.objects, "exists", lambda: True)
    monkeypatch.setattr(bootstrap, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long passphrase")
    call_command("bootstrap")
    call_command("bootstrap")
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff
    assert not user.groups.exists()
    assert capsys.readouterr().out.count("Created the superuser 'root'") == 1

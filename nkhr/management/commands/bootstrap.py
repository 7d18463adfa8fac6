"""Prepare a database for use: create it, migrate, load the paper's fixtures into a new one.

Run by `make run` and `make serve`. Safe to repeat: the fixtures are loaded only into a
database that holds no records yet, so a second run never writes over curators' edits.

* A PostgreSQL database named in DATABASE_URL that does not exist yet is created, through
  the server's `postgres` maintenance database, with the same credentials (which need the
  CREATEDB privilege). A server that cannot be reached, or refuses, ends the command with
  what went wrong and what to do, not a traceback.
* With DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD set, it adds that login once:
  a superuser (every permission, in no role group). Logins for a team: `createcurator`.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from nkhr.changes import record_initial_changes
from nkhr.history import Channel, record_initial_versions
from nkhr.models import Source

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"
# Where a PostgreSQL server is asked to create a database, in the order tried.
MAINTENANCE_DATABASES = ("postgres", "template1")


def paper_fixtures() -> list[str]:
    """The fixture files of the paper's data, in a stable order."""
    return sorted(str(path) for path in FIXTURE_DIR.glob("*.json"))


def one_line(error: Exception) -> str:
    """A database error's message on one line (psycopg's run over several)."""
    return " ".join(part.strip() for part in str(error).splitlines() if part.strip())


def describe(connection) -> str:
    """Which database a connection is for, without its password."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite database {config['NAME']}"
    where = config["HOST"] or "the local socket"
    if config["PORT"]:
        where = f"{where}:{config['PORT']}"
    return f"{connection.display_name} database {config['NAME']!r} on {where}"


def maintenance_connection(connection, name: str):
    """A new connection to the same server as `connection`, to its database `name`."""
    return type(connection)({**connection.settings_dict, "NAME": name}, alias="__maintenance__")


def create_postgresql_database(connection, error: Exception) -> bool:
    """Create the database `connection` names, which refused a connection with `error`.

    True when it was created; False when it exists already (so `error` is the real
    problem). Raises CommandError when no maintenance database lets us in, or the server
    refuses to create it."""
    name = connection.settings_dict["NAME"]
    last_error = error
    for maintenance_name in MAINTENANCE_DATABASES:
        maintenance = maintenance_connection(connection, maintenance_name)
        try:
            with maintenance.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    return False
                try:
                    cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
                except DatabaseError as exc:
                    raise CommandError(
                        f"The {describe(connection)} does not exist, and the server refused "
                        f"to create it: {one_line(exc)}\nCreate it (createdb {name}), or give "
                        "the user in DATABASE_URL the CREATEDB privilege."
                    ) from exc
                return True
        except DatabaseError as exc:
            last_error = exc
        finally:
            maintenance.close()
    raise CommandError(
        f"Cannot connect to the {describe(connection)}: {one_line(last_error)}\n"
        "Check that PostgreSQL is running and DATABASE_URL's host, port, user and password."
    )


def ensure_database(connection) -> bool:
    """Make sure `connection` can connect, creating a missing PostgreSQL database.

    True when it created the database. Raises CommandError, with what to do, when the
    database cannot be reached."""
    try:
        connection.ensure_connection()
        return False
    except DatabaseError as exc:
        error = exc
    if connection.vendor == "postgresql" and create_postgresql_database(connection, error):
        return True
    hint = (
        "Check that its folder exists and is writable."
        if connection.vendor == "sqlite"
        else "Check that the server is running and DATABASE_URL."
    )
    raise CommandError(f"Cannot connect to the {describe(connection)}: {one_line(error)}\n{hint}")


class Command(BaseCommand):
    help = "Create the database if missing, migrate, load the paper's fixtures into an empty one."

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if ensure_database(connection):
            self.stdout.write(f"Created the {describe(connection)}.")
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        if Source.objects.exists():
            self.stdout.write("Records present: fixtures not loaded again.")
        else:
            with transaction.atomic():
                call_command("loaddata", *paper_fixtures(), verbosity=options["verbosity"])
                versions = record_initial_versions(
                    Channel.FIXTURE, "Loaded from the paper's fixtures (KINU CO22-19)"
                )
                # Fixtures load raw, without the signals that log changes: the feed starts
                # with a "created" for each record.
                record_initial_changes()
            self.stdout.write(f"Loaded the paper's fixtures ({versions} first versions).")
        self._ensure_superuser()

    def _ensure_superuser(self):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not (username and password):
            return
        users = get_user_model().objects
        if users.filter(username=username).exists():
            return
        users.create_superuser(username=username, password=password, email="")
        self.stdout.write(
            f"Created the superuser {username!r} (every permission; for team logins in a "
            "role, use `manage.py createcurator`)."
        )

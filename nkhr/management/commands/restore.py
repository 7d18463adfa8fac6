"""Load a file written by `manage.py backup` into an empty database (nkhr/backup.py).

    DATABASE_URL=postgres://…/nkhr_new manage.py restore nkhr-2026-12-01.jsonl

The database is migrated first (it may be new); then, if it holds no rows yet (the role
groups a migration makes aside), every row of the file is loaded in one transaction, its
historical versions as they were (none is added), and PostgreSQL's sequences are moved
past the loaded ids. Either engine restores a backup of either. A database with rows is
refused, and nothing is written.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from nkhr.backup import NotEmpty, open_for, restore_from


class Command(BaseCommand):
    help = "Restore a backup (manage.py backup) into an empty database, history included."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--no-migrate", action="store_true", help="The database is migrated already."
        )

    def handle(self, *args, file, database, no_migrate, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        if not no_migrate:
            call_command("migrate", database=database, interactive=False, verbosity=0)
        with open_for(file, "r") as source:
            lines = sum(1 for line in source if line.strip())
        shown = {"tenth": 0}

        def progress(done):
            tenth = 10 * done // lines if lines else 10
            if options["verbosity"] > 0 and tenth > shown["tenth"]:
                shown["tenth"] = tenth
                self.stderr.write(f"  {done:,} of {lines:,} rows loaded")

        try:
            with open_for(file, "r") as source:
                counts = restore_from(source, database, progress)
        except NotEmpty as error:
            tables = error.args[0]
            listed = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
            raise CommandError(
                f"The database holds rows already ({listed}): restore only into an empty "
                "database (a new one, migrated or not). Nothing was written."
            ) from error
        settings = connections[database].settings_dict
        self.stdout.write(
            f"Restored {sum(counts.values()):,} rows of {len(counts)} tables into "
            f"{connections[database].vendor} {settings['NAME']}."
        )

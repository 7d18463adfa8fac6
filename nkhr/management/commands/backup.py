"""Write the whole database, history included, to one file (nkhr/backup.py).

    manage.py backup nkhr-2026-12-01.jsonl          # or .jsonl.gz, or - for stdout

The file is Django's fixture format (JSON Lines), one moment of the database, the same for
the same data on SQLite and PostgreSQL. `manage.py restore FILE` loads it into an empty
database; docs/operations.md, "Backup and restore", has the whole procedure.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from nkhr.backup import back_up_to, open_for


class Command(BaseCommand):
    help = "Write every record, row, historical version, login and token to a JSON Lines file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write (.jsonl, .jsonl.gz, or - for stdout).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, database, **options):
        verbose = options["verbosity"] > 0 and file != "-"

        def progress(label, count):
            if options["verbosity"] > 1:
                self.stderr.write(f"  {label}: {count:,}")

        path = Path(file)
        if file != "-" and path.exists():
            raise CommandError(f"{file} exists already: give a new file name.")
        try:
            if file == "-":
                counts = back_up_to(sys.stdout, database, progress)
            else:
                partial = path.with_name(path.name + ".partial")
                with open_for(partial, "w", name=path.name) as out:
                    counts = back_up_to(out, database, progress)
                partial.rename(path)  # a file under the final name is complete
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error}") from error
        if verbose:
            settings = connections[database].settings_dict
            self.stdout.write(
                f"Wrote {sum(counts.values()):,} rows of {len(counts)} tables from "
                f"{connections[database].vendor} {settings['NAME']} to {file}."
            )

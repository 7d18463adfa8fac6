"""Import a file too big for the admin's import page, as that page would import it.

    manage.py import_records actors.csv --resource actors --dry-run --user alice
    manage.py import_records actors.csv --resource actors --user alice

The file is read like an upload on the import page (CSV, XLSX or JSON, by its extension or
`--format`; XLSX in streaming mode, refused if it unpacks to more than
`IMPORT_MAX_UNPACKED_BYTES` or `--max-unpacked-bytes`), without the page's size and row
limits. The rows are imported by the same resource: every row checked, all rows written or
none in one transaction, every change recorded in history with the channel `import`, as
`--user` (whose permissions apply, as on the page; without it, no publishing). `--dry-run`
checks every row and writes nothing. A progress bar on stderr shows the rows done, the
rate and the time left. Errors are listed (the first `--show-errors`), all of them written
to `--report FILE` as CSV (row, column, message) if asked; the command then fails (exit
status 1) and nothing is written.
"""

import csv
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.text import slugify

from nkhr.import_limits import FileRefused, Limits, format_for, read_dataset
from nkhr.import_reports import REPORT_COLUMNS, error_lines


def import_resources() -> dict[str, tuple]:
    """{name: (model admin, resource class)} of every resource an admin page imports with;
    a resource is named by its model's plural ("actors", "legislation", "designations")."""
    found = {}
    with translation.override("en"):
        for model in apps.get_models():
            if not admin.site.is_registered(model):
                continue
            model_admin = admin.site.get_model_admin(model)
            for resource in getattr(model_admin, "resource_classes", ()):
                found[slugify(str(model._meta.verbose_name_plural))] = (model_admin, resource)
    return found


class Progress:
    """A one-line progress bar: rows done of all, rows a second, time left. On a terminal it
    is redrawn in place, at most every `every` seconds; elsewhere (a log) a line is written
    every tenth of the rows instead."""

    WIDTH = 30

    def __init__(self, stream, every: float = 0.25):
        self.stream = stream  # a command's OutputWrapper
        self.every = every
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.shown_tenth = 0

    def line(self, done: int, total: int) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        return (
            f"[{bar}] {done:,}/{total:,} rows  {rate:,.0f} rows/s  "
            f"{self.clock(elapsed)} elapsed, {self.clock(left)} left"
        )

    @staticmethod
    def clock(seconds: float) -> str:
        seconds = int(seconds + 0.5)
        return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.tty:
            if done < total and now - self.shown_at < self.every:
                return
            self.shown_at = now
            self.stream.write("\r" + self.line(done, total), ending="\n" if done >= total else "")
        else:
            tenth = 10 * done // total if total else 10
            if tenth <= self.shown_tenth and done < total:
                return
            self.shown_tenth = tenth
            self.stream.write(self.line(done, total))
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a CSV, XLSX or JSON file of records as the admin's import page does."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--resource",
            required=True,
            help="What the file holds: " + ", ".join(sorted(import_resources())) + ".",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write none.")
        parser.add_argument("--user", help="Import as this login (its permissions apply).")
        parser.add_argument(
            "--format", choices=("csv", "xlsx", "json"), help="Default: from the extension."
        )
        parser.add_argument(
            "--max-unpacked-bytes",
            type=int,
            default=None,
            help="Refuse an XLSX file unpacking to more (default IMPORT_MAX_UNPACKED_BYTES).",
        )
        parser.add_argument("--report", type=Path, help="Write every error to this CSV file.")
        parser.add_argument(
            "--show-errors", type=int, default=50, help="Errors listed on stderr (default 50)."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        resources = import_resources()
        if options["resource"] not in resources:
            raise CommandError(
                f"Unknown resource {options['resource']!r}: choose one of "
                + ", ".join(sorted(resources))
                + "."
            )
        model_admin, resource_class = resources[options["resource"]]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = self.user(options["user"])
        file_format = self.file_format(path, options["format"], model_admin)
        max_unpacked = options["max_unpacked_bytes"]
        if max_unpacked is None:
            max_unpacked = settings.IMPORT_MAX_UNPACKED_BYTES
        try:
            dataset = read_dataset(
                path.read_bytes(), file_format, Limits(max_unpacked_bytes=max_unpacked)
            )
        except FileRefused as error:
            raise CommandError(str(error)) from error
        verbose = options["verbosity"] > 0
        if verbose:
            action = "Checking" if options["dry_run"] else "Importing"
            self.stderr.write(f"{action} {dataset.height:,} rows of {path.name} …")
        progress = None
        if verbose and not options["no_progress"] and dataset.height:
            progress = Progress(self.stderr)
        started = time.monotonic()
        result = resource_class().import_data(
            dataset,
            dry_run=options["dry_run"],
            user=user,
            file_name=path.name,
            keep_rows=0,
            progress=progress,
        )
        seconds = time.monotonic() - started
        if result.has_errors() or result.has_validation_errors():
            self.fail(result, options)
        totals = result.totals
        summary = (
            f"{dataset.height:,} rows in {seconds:.1f} s: {totals['new']:,} new, "
            f"{totals['update']:,} updated, {totals['skip']:,} unchanged"
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written. {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported. {summary}."))

    def user(self, username):
        if not username:
            return None
        users = get_user_model()._default_manager
        try:
            return users.get(**{get_user_model().USERNAME_FIELD: username})
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No login {username!r}.") from error

    def file_format(self, path: Path, name: str | None, model_admin):
        # The import page's formats: the project's formula quoting is undone the same way.
        formats = model_admin.get_import_formats()
        found = format_for(Path(f"file.{name}") if name else path, formats)
        if found is None:
            raise CommandError(
                f"Cannot tell the format of {path.name}: give --format csv, xlsx or json."
            )
        return found

    def fail(self, result, options):
        lines = list(error_lines(result))
        for number, column, message in lines[: options["show_errors"]]:
            where = f"row {number}" if number else "file"
            if column:
                where += f", {column}"
            self.stderr.write(f"{where}: {message}")
        if len(lines) > options["show_errors"]:
            self.stderr.write(f"… {len(lines) - options['show_errors']:,} more errors.")
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(REPORT_COLUMNS)
                writer.writerows(lines)
            self.stderr.write(f"Every error is in {options['report']}.")
        rows = len(result.invalid_rows) + len(result.error_rows)
        raise CommandError(
            f"Nothing was imported: {counted(len(lines), 'error')} in {counted(rows, 'row')}"
            + (" (the file itself is refused)." if result.base_errors else ".")
        )


def counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")

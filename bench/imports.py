"""Time a bulk import's dry run: a synthetic actors file of N rows, on one database.

    python bench/imports.py --rows 10000                      # a fresh SQLite file
    python bench/imports.py --rows 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/nkhr_h5
    python bench/imports.py --rows 10000 --profile /tmp/dry-run.prof   # and cProfile it

The file is made up: actors called "Synthetic Bureau 000123 (fake)" with two aliases each,
a partial date, a citation of the paper, and a parent named the ways curators name one
(an earlier row's name, a record's public id, an alias). Half the rows give no id, so it
is made from the name. `--bad-every K` spoils the date of every K-th row, to time a dry
run that reports errors.

It measures, each once, on the database given (migrated, the paper's fixtures loaded,
otherwise untouched: a dry run writes nothing):

* `parse`: reading the CSV into rows (`nkhr.import_limits.read_dataset`, the admin's format);
* `dry run`: `ActorResource.import_data(dry_run=True)` as an editor, with its SQL queries;
* `admin page`: the whole dry run through the admin's import page (upload, read, dry run,
  render), with the page's size;
* `command`: `manage.py import_records FILE --resource actors --dry-run`, in a child process.

Only ever talks to 127.0.0.1. Runs with DEBUG off, as production does.
"""

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import HOST, configure, ensure_database  # noqa: E402

COLUMNS = (
    "id",
    "name",
    "kind",
    "country",
    "established",
    "parent",
    "aliases",
    "citation_source",
    "citation_section",
)
KINDS = ("agency", "department", "committee", "ngo", "foundation", "research_institute")
COUNTRIES = ("KR", "JP", "US", "GB", "DE", "FR", "CA", "AU")
# Records of the paper's fixtures a row may name as its parent, by public id and by alias.
PAPER_PARENT_ID = "rok-government"
PAPER_PARENT_ALIAS = "South Korea"
PAPER_SOURCE = "kinu-co22-19"
# The first rows are parents the later rows name.
TOP_ROWS = 100


def synthetic_name(number: int) -> str:
    return f"Synthetic Bureau {number:06d} (fake)"


def actors_csv(rows: int, bad_every: int = 0) -> str:
    """A CSV file of `rows` made-up actors (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for number in range(1, rows + 1):
        if number <= TOP_ROWS:
            parent = PAPER_PARENT_ID if number % 2 else PAPER_PARENT_ALIAS
        else:
            parent = synthetic_name(number % TOP_ROWS + 1)
        month = number % 12 + 1
        established = f"{1990 + number % 30}-{month:02d}"
        if bad_every and number % bad_every == 0:
            established = f"{1990 + number % 30}-13"
        aliases = [
            f"Fake Bureau {number}",
            {"name": f"가짜 기관 {number}", "kind": "native", "language": "ko"},
        ]
        writer.writerow(
            [
                f"syn-import-{number:06d}" if number % 2 else "",
                synthetic_name(number),
                KINDS[number % len(KINDS)],
                COUNTRIES[number % len(COUNTRIES)],
                established,
                parent,
                json.dumps(aliases, ensure_ascii=False),
                PAPER_SOURCE,
                f"{number % 5 + 1}.a",
            ]
        )
    return out.getvalue()


def prepare() -> None:
    from django.core.management import call_command

    call_command("bootstrap", verbosity=0)


def editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return get_user_model().objects.get(pk=user.pk)


class QueryCounter:
    """Counts SQL queries without keeping them (a dry run issues tens of thousands)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure_dry_run(content: str, user, profile: Path | None) -> dict:
    from django.contrib import admin
    from django.db import connection

    from nkhr.import_limits import format_for, read_dataset
    from nkhr.models import Actor
    from nkhr.resources import ActorResource

    # The formats of the admin's import page (and of `manage.py import_records`).
    formats = admin.site.get_model_admin(Actor).get_import_formats()
    started = time.perf_counter()
    dataset = read_dataset(content.encode("utf-8"), format_for(Path("actors.csv"), formats))
    parse_seconds = time.perf_counter() - started

    counter = QueryCounter()
    profiler = cProfile.Profile() if profile else None
    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        result = ActorResource().import_data(
            dataset, dry_run=True, user=user, file_name="synthetic-actors.csv"
        )
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    if profiler:
        profiler.dump_stats(profile)
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        print(text.getvalue())
    return {
        "rows": dataset.height,
        "parse_s": round(parse_seconds, 2),
        "dry_run_s": round(seconds, 2),
        # This process only: SQLite's work, not PostgreSQL's server.
        "cpu_s": round(cpu_seconds, 2),
        "rows_per_s": round(dataset.height / seconds),
        "queries": counter.count,
        "queries_per_row": round(counter.count / dataset.height, 1),
        "invalid_rows": len(result.invalid_rows),
        "base_errors": len(result.base_errors),
    }


def measure_admin_page(content: str, user) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    upload = SimpleUploadedFile("synthetic-actors.csv", content.encode(), content_type="text/csv")
    started = time.perf_counter()
    response = client.post(
        "/admin/nkhr/actor/import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    seconds = time.perf_counter() - started
    context = response.context
    result = context.get("result") if context else None
    form = context.get("form") if context else None
    return {
        "status": response.status_code,
        "seconds": round(seconds, 2),
        "page_kb": round(len(response.content) / 1024),
        "confirm": b'name="confirm"' in response.content,
        "invalid_rows": len(result.invalid_rows) if result else None,
        "form_errors": dict(form.errors) if form is not None and form.errors else {},
    }


def measure_command(path: Path, database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "import_records",
        str(path),
        "--resource",
        "actors",
        "--dry-run",
        "--user",
        "bench-editor",
    ]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    return {
        "returncode": completed.returncode,
        "seconds": round(seconds, 2),
        "stdout": completed.stdout.strip().splitlines()[-3:],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="Defaults to a new SQLite file in a temporary folder.",
    )
    parser.add_argument("--bad-every", type=int, default=0, help="Spoil every K-th row's date.")
    parser.add_argument("--profile", type=Path, help="cProfile the dry run into this file.")
    parser.add_argument(
        "--only",
        type=lambda text: [part.strip() for part in text.split(",")],
        default=["dry-run", "admin", "command"],
        help="Sections: dry-run, admin, command (comma-separated; default all).",
    )
    parser.add_argument("--write-file", type=Path, help="Only write the CSV file here.")
    args = parser.parse_args(argv)

    content = actors_csv(args.rows, args.bad_every)
    if args.write_file:
        args.write_file.write_text(content, encoding="utf-8")
        print(f"Wrote {args.rows:,} rows ({len(content) / 1024:,.0f} KB) to {args.write_file}")
        return 0

    with tempfile.TemporaryDirectory(prefix="nkhr-bench-imports-") as folder:
        database_url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        ensure_database(database_url)
        configure(database_url)
        prepare()
        user = editor()
        from django.db import connection

        print(
            f"{connection.vendor}: {args.rows:,} rows, {len(content) / 1024:,.0f} KB of CSV",
            flush=True,
        )
        results = {"database": connection.vendor, "rows": args.rows}
        if "dry-run" in args.only:
            results["dry_run"] = measure_dry_run(content, user, args.profile)
            print("dry run:", results["dry_run"], flush=True)
        if "admin" in args.only:
            results["admin_page"] = measure_admin_page(content, user)
            print("admin page:", results["admin_page"], flush=True)
        if "command" in args.only:
            path = Path(folder) / "synthetic-actors.csv"
            path.write_text(content, encoding="utf-8")
            connection.close()
            results["command"] = measure_command(path, database_url)
            print("command:", results["command"], flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

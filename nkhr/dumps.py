"""Bulk dumps: every published record in files a downstream system downloads whole.

A build writes, into a directory of its own under `DUMPS_DIR`:

- `records.jsonl.gz`: every public record, one JSON object a line, the bytes of
  `/api/v1/export/`'s lines (its resource's list representation plus `resource`);
- `records-csv.zip`: one CSV per resource, the bytes of `/api/v1/export/?resource=…&format=csv`;
- `ftm.jsonl.gz`: the FollowTheMoney entities of `/api/v1/export/ftm/`;
- `manifest.json`: when, from which data, and per file its records, bytes and sha256.

Only what the public sees is written (a draft is never in a dump, nor a link to one). The
build is written under a temporary name and renamed when complete, so readers only ever
see whole builds and a failed build leaves the previous one in place; the last
`DUMPS_KEEP` builds are kept. A resource whose lines the database can build
(`nkhr.dumps_sql`: designations on PostgreSQL) is written by it, byte for byte what the
Python reader would write; every other resource goes through the export's reader.
"""

import contextlib
import datetime
import fcntl
import gzip
import hashlib
import itertools
import json
import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Count, Max
from django.http import HttpRequest

from nkhr import dumps_sql, ftm
from nkhr.api.export import export_rows, json_line
from nkhr.api.registry import set_site_root
from nkhr.api.renderers import csv_lines
from nkhr.history import is_tracked
from nkhr.progress import Progress
from nkhr.registry import record_types

# Raised when what a dump holds, or how, changes in a way a reader must know about.
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
JSON_LINES = "records.jsonl.gz"
CSV_ZIP = "records-csv.zip"
FTM = "ftm.jsonl.gz"
MEDIA_TYPES = {
    JSON_LINES: "application/gzip",
    CSV_ZIP: "application/zip",
    FTM: "application/gzip",
    MANIFEST: "application/json",
}
# A build in progress: never listed, removed when the build fails.
BUILDING_PREFIX = ".building-"
# Lines handed to the compressor at once.
BLOCK = 2000
HASH_CHUNK = 1 << 20


def current_feed_cursor() -> str | None:
    """The change feed's cursor at this moment (`nkhr.api.changes.current_cursor`): a
    client that loads a dump read after it and then follows the feed from it misses
    nothing (a change committed in between is in both, and applying it again is
    harmless). Taken before the dump's read-only snapshot: it numbers what has committed,
    a write."""
    from nkhr.api.changes import current_cursor

    return current_cursor()


def dumps_dir() -> Path:
    return Path(settings.DUMPS_DIR)


def site_root() -> str:
    """What the records' links in a dump begin with (`https://records.example.org`)."""
    return settings.DUMPS_SITE_URL.rstrip("/")


def public_request() -> HttpRequest:
    """What the public is, for the readers: no login, and links under `DUMPS_SITE_URL`."""
    request = HttpRequest()
    request.user = AnonymousUser()
    set_site_root(request, site_root())
    return request


def resources() -> list[tuple[str, type]]:
    """(resource, viewset) of every record type, in the API's order."""
    return [(record_type.prefix, record_type.viewset) for record_type in record_types()]


def source_fingerprint() -> str:
    """What the dump was built from, in a few indexed reads: per record type its records
    and latest change, and the latest version in every history (so deletions, and changes
    of nested rows, count). Equal fingerprints mean nothing a dump shows has changed."""
    parts: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "site_url": site_root(),
    }
    for record_type in record_types():
        manager = record_type.model._default_manager
        aggregates = {"count": Count("pk")}
        if any(f.name == "updated" for f in record_type.model._meta.concrete_fields):
            aggregates["latest"] = Max("updated")
        parts[record_type.prefix] = manager.aggregate(**aggregates)
    for model in apps.get_models():
        if is_tracked(model) and not model._meta.proxy:
            parts[model._meta.label] = model.history.aggregate(latest=Max("history_id"))
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Written:
    """One file of a build: its records (per resource where it holds several)."""

    name: str
    records: int = 0
    resources: dict[str, int] = field(default_factory=dict)


def _gzip(path: Path):
    return gzip.GzipFile(
        filename="",
        mode="wb",
        fileobj=open(path, "wb"),
        compresslevel=settings.DUMPS_GZIP_LEVEL,
        mtime=0,
    )


@contextlib.contextmanager
def _gzip_file(path: Path):
    compressed = _gzip(path)
    try:
        yield compressed
    finally:
        raw = compressed.fileobj
        compressed.close()
        raw.close()


def _write_lines(out, lines: Iterator[bytes], count: Callable[[int], None]) -> int:
    written = 0
    while block := list(itertools.islice(lines, BLOCK)):
        out.write(b"".join(block))
        written += len(block)
        count(len(block))
    return written


def write_json_lines(path: Path, request, progress: Progress, expected: dict[str, int]) -> Written:
    result = Written(path.name)
    with _gzip_file(path) as out:
        for resource, viewset in resources():

            def count(n, resource=resource):
                progress.advance(n, f"{path.name} {resource}")

            sql = dumps_sql.lines_for(resource, viewset, connection, site_root())
            if sql is not None:
                records = _checked(sql.copy_to(out, connection, count), expected, resource)
            else:
                rows = export_rows(request, [(resource, viewset)])
                records = _write_lines(out, (json_line(row) for row in rows), count)
            result.resources[resource] = records
            result.records += records
    return result


def _checked(records: int, expected: dict[str, int], resource: str) -> int:
    """The database wrote a line per record the public may see (`expected`, counted once
    per build in its snapshot), or the build fails: it must show what the reader shows,
    never a partial dump."""
    if records != expected[resource]:
        raise RuntimeError(
            f"{resource}: the database wrote {records} lines for {expected[resource]} records"
        )
    return records


def write_csv_zip(path: Path, request, progress: Progress, expected: dict[str, int]) -> Written:
    result = Written(path.name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for resource, viewset in resources():

            def count(n, resource=resource):
                progress.advance(n, f"{path.name} {resource}")

            sql = dumps_sql.lines_for(resource, viewset, connection, site_root())
            with archive.open(f"{resource}.csv", "w", force_zip64=True) as member:
                if sql is not None:
                    records = _checked(sql.csv_to(member, connection, count), expected, resource)
                else:
                    records = _python_csv(
                        member, export_rows(request, [(resource, viewset)]), count
                    )
            result.resources[resource] = records
            result.records += records
    return result


def _python_csv(member, rows, count: Callable[[int], None]) -> int:
    lines = csv_lines(rows)
    header = next(lines, None)
    if header is not None:
        member.write(header.encode())
    records = 0
    while block := list(itertools.islice(lines, BLOCK)):
        member.write("".join(block).encode())
        records += len(block)
        count(len(block))
    return records


def write_ftm(path: Path, progress: Progress) -> Written:
    result = Written(path.name)
    with _gzip_file(path) as out:
        lines = (json_line(entity) for entity in ftm.entities(published_only=True))
        result.records = _write_lines(
            out, lines, lambda n: progress.advance(n, f"{path.name} entities")
        )
    return result


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def builds(directory: Path | None = None) -> list[Path]:
    """The complete builds, oldest first (their names are the times they were built)."""
    directory = directory or dumps_dir()
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_dir() and not path.name.startswith(".") and (path / MANIFEST).is_file()
    )


def latest() -> tuple[dict, Path] | None:
    """The newest complete build's manifest and directory, or None if none was built."""
    for path in reversed(builds()):
        try:
            return json.loads((path / MANIFEST).read_text()), path
        except (OSError, ValueError):
            continue  # removed or unreadable under us: the one before
    return None


def _public_counts(request) -> dict[str, int]:
    """Per resource, the records the public may see."""
    return {
        resource: viewset.queryset.visible_to(request.user).count()
        for resource, viewset in resources()
    }


@dataclass
class BuildResult:
    path: Path | None
    manifest: dict | None
    # True when --if-changed found nothing changed since the last build.
    unchanged: bool = False
    # Seconds each file took to write.
    seconds: dict[str, float] = field(default_factory=dict)


def build(
    directory: Path | None = None,
    keep: int | None = None,
    if_changed: bool = False,
    write: Callable[[str], object] | None = None,
    every: float = 1.0,
) -> BuildResult:
    """Write a new build (see the module); with `if_changed`, only if the data changed
    since the newest build. `write` gets the progress lines (stderr by default)."""
    directory = directory or dumps_dir()
    keep = settings.DUMPS_KEEP if keep is None else keep
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    build_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    building = directory / f"{BUILDING_PREFIX}{build_id}-{os.getpid()}"
    request = public_request()
    with _lock(directory):
        return _build(directory, keep, if_changed, write, every, now, build_id, building, request)


class BuildInProgress(Exception):
    """Another build is writing into the same directory."""


@contextlib.contextmanager
def _lock(directory: Path):
    with open(directory / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildInProgress(f"Another build is writing into {directory}.") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(directory, keep, if_changed, write, every, now, build_id, building, request):
    try:
        feed_cursor = current_feed_cursor()
        with _snapshot():
            fingerprint = source_fingerprint()
            previous = _latest_in(directory)
            if if_changed and previous is not None and previous.get("fingerprint") == fingerprint:
                return BuildResult(None, previous, unchanged=True)
            building.mkdir()
            expected = _public_counts(request)
            total = sum(expected.values())
            writers = [
                (
                    JSON_LINES,
                    "records",
                    lambda p, progress: write_json_lines(p, request, progress, expected),
                ),
                (
                    CSV_ZIP,
                    "records",
                    lambda p, progress: write_csv_zip(p, request, progress, expected),
                ),
                # Entities are not records: the count of records only says when it ends.
                (FTM, "records (entities)", write_ftm),
            ]
            written, seconds = [], {}
            for name, label, writer in writers:
                started = time.perf_counter()
                progress = Progress(total, label=label, write=write, every=every)
                written.append(writer(building / name, progress))
                seconds[name] = round(time.perf_counter() - started, 2)
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "build": build_id,
            "built_at": now.isoformat().replace("+00:00", "Z"),
            "feed_cursor": feed_cursor,
            "site_url": site_root(),
            "fingerprint": fingerprint,
            "files": [_describe(building / item.name, item) for item in written],
        }
        with open(building / MANIFEST, "w") as handle:
            json.dump(manifest, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        final = directory / build_id
        building.rename(final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    prune(directory, keep)
    return BuildResult(final, manifest, seconds=seconds)


@contextlib.contextmanager
def _snapshot():
    """On PostgreSQL every file from one snapshot of the database, which holds no lock.
    On SQLite a transaction would take the write lock for the whole build (the project's
    transactions are IMMEDIATE), so each read sees the latest commit instead."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _latest_in(directory: Path) -> dict | None:
    for path in reversed(builds(directory)):
        with contextlib.suppress(OSError, ValueError):
            return json.loads((path / MANIFEST).read_text())
    return None


def _describe(path: Path, item: Written) -> dict:
    described = {
        "name": item.name,
        "media_type": MEDIA_TYPES[item.name],
        "records": item.records,
        "bytes": path.stat().st_size,
        "sha256": _digest(path),
    }
    if item.resources:
        described["resources"] = item.resources
    return described


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` builds (at least one is always kept)."""
    removed = []
    complete = builds(directory)
    for path in complete[: max(len(complete) - max(keep, 1), 0)]:
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed

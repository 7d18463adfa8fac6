"""Benchmark NKHR Records at a given scale, in one run, and write `bench/results.json`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nkhr_bench python bench/run.py --scale 10000

(`make bench SCALE=…` does exactly that.) The run:

1. creates the database if it is missing (PostgreSQL), migrates it, loads the paper's
   fixtures into an empty one, and seeds the synthetic records unless that scale is already
   there (`seeding.synthetic`);
2. API: each scenario in-process through Django's test client (the whole request: URL
   routing, middleware, permissions, filters, serializer, renderer), p50/p95 over
   `--requests` calls after a warm-up, SQL queries per request, and the floor: the same rows
   read with `.values()` and encoded with orjson, with the ratio API/floor;
3. exports, each in a child process so that its peak memory (ru_maxrss) is its own:
   designations as CSV through cursor pages, the JSON Lines export of designations, and the
   FollowTheMoney export, in rows per second;
   The bulk dumps (`manage.py build_dumps`: JSON Lines, CSV zip, FollowTheMoney, manifest)
   built the same way, in a child process each: with the database building the lines it
   can (PostgreSQL) and with Python reading every resource, in records per second (the
   records in the dump over the whole build's time) and peak memory (`dumps`);
4. admin: the designations changelist unfiltered, filtered and searched, the actors
   changelist searched and the designation form's target autocomplete, as a curator;
5. search document upkeep: a person with aliases and designations saved through the ORM
   with the document signal connected and disconnected (`upkeep`); the explorer's page
   types as a visitor (`bench/explorer.py`);
6. HTTP: gunicorn (2 sync workers) on 127.0.0.1 and 16 client threads for `--duration`
   seconds on the designations list and an actor's detail: requests/s, p50, p99, errors;
7. search quality: precision at 1 and recall at 5 of `/api/v1/search/` over labelled
   queries, beside followthemoney's name comparison (`bench/search_quality.py`; skipped
   with `--no-search-quality`).

Only ever talks to 127.0.0.1. Runs with DEBUG off, as production does.
"""

import argparse
import base64
import csv
import datetime
import http.client
import io
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/nkhr_bench"
DEFAULT_OUTPUT = ROOT / "bench" / "results.json"
HOST = "127.0.0.1"
GUNICORN_WORKERS = 2
CONCURRENCY = 16
CSV_PAGE = 1000
LIST_PATH = "/api/v1/designations/"
# A listing-date range that holds a good share of the synthetic listings.
LISTED_AFTER, LISTED_BEFORE = "2012-01-01", "2018-12-31"


# --- environment ------------------------------------------------------------------------------


def configure(database_url: str) -> None:
    """Point Django at the bench database, production-like (DEBUG off), before setup."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    # The bench measures how fast answers come, not the rate limits that protect a server.
    os.environ["API_THROTTLE_ANON"] = os.environ["API_THROTTLE_USER"] = "off"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkhr.settings")
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create a missing PostgreSQL database (SQLite files are created by migrate)."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return
    import psycopg2

    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or HOST,
        port=parts.port or 5432,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                print(f"Created database {name}.")
    finally:
        connection.close()


def prepare(scale: int, seed: int, paper: bool) -> dict:
    """Migrate, load the paper's data, seed the scale if it is not there; return seed stats."""
    from django.core.management import call_command
    from django.db import connection

    from seeding import synthetic

    if paper:
        call_command("bootstrap", verbosity=0)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    stats = {"seeded": False, "scale": scale, "seed": seed}
    if synthetic.synthetic_scale() != scale:
        if synthetic.synthetic_exists():
            print(f"Removing the synthetic records of another scale ({synthetic.remove()} rows).")
        print(f"Seeding scale {scale} …", flush=True)
        started = time.perf_counter()
        progress = synthetic.seed(scale, seed)
        seconds = time.perf_counter() - started
        stats.update(
            seeded=True,
            rows=progress.rows,
            seconds=round(seconds, 2),
            rows_per_second=round(progress.rows / seconds),
        )
        print(
            f"Seeded {progress.rows:,} rows in {seconds:.1f} s ({progress.rows / seconds:,.0f}/s)."
        )
    # Seeded in bulk, without the signals that log changes: the feed gets a "created" for
    # each, as an existing database's records get after the migration.
    from nkhr.changes import record_initial_changes

    started = time.perf_counter()
    written = record_initial_changes()
    if written:
        seconds = time.perf_counter() - started
        stats.update(feed_backfilled=written, feed_backfill_seconds=round(seconds, 2))
        print(f"Wrote {written:,} first changes to the feed in {seconds:.1f} s.")
    # Fresh rows have no planner statistics until autovacuum comes by (PostgreSQL) or
    # someone runs ANALYZE (SQLite, whose planner then sorts a million rows to list 100);
    # a live database has them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return stats


def machine() -> dict:
    meminfo = Path("/proc/meminfo")
    memory_mb = None
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    from django.db import connection

    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory_mb,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "database": connection.vendor,
        "database_version": getattr(connection, "pg_version", None)
        or getattr(connection.Database, "sqlite_version", None),
        "commit": commit,
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


# --- measuring --------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted samples (nearest rank)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def timed(call, repeat: int, warmup: int) -> list[float]:
    """Milliseconds of each of `repeat` calls, after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def count_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def slowest_query(call) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return max(captured.captured_queries, key=lambda q: float(q["time"]))["sql"]


def explain(sql: str) -> list[str]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def new_client():
    from django.test import Client

    # The test client names its host "testserver"; production settings allow 127.0.0.1.
    return Client(HTTP_HOST=HOST)


def fetch(client, path: str, body: dict | None = None) -> bytes:
    """GET `path`, or POST `body` to it as JSON."""
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, json.dumps(body), content_type="application/json")
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- the records the scenarios read ---------------------------------------------------------


def pick_subjects() -> dict:
    """A person with aliases, a position and designations; a bill; a spelling variant."""
    from nkhr.models import Actor, Alias, Legislation, PositionHeld
    from seeding.synthetic import PREFIX

    person = (
        PositionHeld.objects.filter(pk__startswith=PREFIX, person__designations__isnull=False)
        .order_by("pk")
        .values_list("person_id", flat=True)
        .first()
    )
    bill = (
        Legislation.objects.filter(pk__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    ).first()
    # The person's Revised Romanization, spaced rather than hyphenated: a spelling stored
    # nowhere, which only the romanization-folding key can match to the list's spelling.
    romanized = (
        Alias.objects.filter(actor_id=person, language="ko-Latn")
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    full_name = Actor.objects.filter(pk=person).values_list("name", flat=True).first() or ""
    return {
        "person": person,
        "bill": bill,
        "full_name": full_name,
        "variant": romanized.replace("-", " "),
        "typo": typo(full_name),
        "authority": f"{PREFIX}authority-00",
        "regime": f"{PREFIX}regime-00",
    }


def match_queries(count: int) -> dict:
    """A screening batch for `POST /api/v1/match/`: the names of the first `count`
    synthetic persons, as FollowTheMoney entities."""
    from nkhr.models import Actor
    from seeding.synthetic import PREFIX

    names = (
        Actor.objects.filter(pk__startswith=f"{PREFIX}person-")
        .order_by("pk")
        .values_list("name", flat=True)[:count]
    )
    return {
        str(n): {"schema": "Person", "properties": {"name": [name]}} for n, name in enumerate(names)
    }


def typo(name: str) -> str:
    """`name` with the last two letters of its longest word swapped ("Kim Ryong Su" →
    "Kim Ryogn Su"): a slip of the fingers, which only the search's similar keys find."""
    words = name.split(" ")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 3:
        words[longest] = word[:-2] + word[-1] + word[-2]
    return " ".join(words)


# --- floors: the same rows with no framework ---------------------------------------------------

# One hand-written query for a page of designations with everything the API's page carries:
# the page's rows with their linked records' names, each row's measures and citations
# (aggregated as JSON by the database) and the count, capped as the API caps it.
DESIGNATION_PAGE_SQL = """
SELECT d.id, d.publication, d.created, d.updated, d.regime_id, r.title AS regime_title,
       r.kind AS regime_kind, d.authority_id, a.name AS authority_name, d.target_id,
       t.name AS target_name, t.kind AS target_kind, d.round_id, rd.title AS round_title,
       rd.reported_persons, rd.reported_entities, d.listed, d.listed_precision, d.delisted,
       d.delisted_precision, d.basis, d.reference,
       (SELECT {array_of_measures} FROM (
            SELECT m.measure FROM sanctions_designationmeasure m
            WHERE m.designation_id = d.id ORDER BY m.measure) m) AS measures,
       (SELECT {array_of_citations} FROM (
            SELECT s.id AS source, s.title, s.url, c.section, c.footnote, c.paragraph, c.page,
                   c.quote, c.note
            FROM nkhr_citation c JOIN nkhr_source s ON s.id = c.source_id
            WHERE c.content_type_id = %(content_type)s AND c.object_id = d.id
            ORDER BY s.title, c.section) c) AS citations,
       (SELECT COUNT(*) FROM (
            SELECT 1 FROM sanctions_designation d WHERE {where} LIMIT 10001) n) AS total
FROM sanctions_designation d
JOIN nkhr_instrument r ON r.id = d.regime_id
JOIN nkhr_actor a ON a.id = d.authority_id
JOIN nkhr_actor t ON t.id = d.target_id
LEFT JOIN sanctions_designationround rd ON rd.id = d.round_id
WHERE {where}
ORDER BY d.listed DESC, d.id
LIMIT 100
"""
JSON_ARRAYS = {
    "postgresql": (
        "COALESCE(json_agg(m.measure), '[]')::text",
        "COALESCE(json_agg(json_build_object('source', c.source, 'title', c.title, 'url', c.url,"
        " 'section', c.section, 'footnote', c.footnote, 'paragraph', c.paragraph,"
        " 'page', c.page, 'quote', c.quote, 'note', c.note)), '[]')::text",
    ),
    "sqlite": (
        "json_group_array(m.measure)",
        "json_group_array(json_object('source', c.source, 'title', c.title, 'url', c.url,"
        " 'section', c.section, 'footnote', c.footnote, 'paragraph', c.paragraph,"
        " 'page', c.page, 'quote', c.quote, 'note', c.note))",
    ),
}


def designation_floor(authority: str | None = None, listed_range: tuple | None = None):
    import orjson
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from sanctions.models import Designation

    where = ["d.publication = 'published'"]
    params = {"content_type": ContentType.objects.get_for_model(Designation).pk}
    if authority:
        where.append("d.authority_id = %(authority)s")
        params["authority"] = authority
    if listed_range:
        where.append("d.listed >= %(after)s AND d.listed <= %(before)s")
        params.update(after=listed_range[0], before=listed_range[1])
    measures, citations = JSON_ARRAYS[connection.vendor]
    sql = DESIGNATION_PAGE_SQL.format(
        array_of_measures=measures, array_of_citations=citations, where=" AND ".join(where)
    )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            # The database wrote these lists as JSON already; they are embedded as they are.
            row["measures"] = orjson.Fragment(row["measures"])
            row["citations"] = orjson.Fragment(row["citations"])
        return orjson.dumps({"count": rows[0]["total"] if rows else 0, "results": rows})

    return floor


def actor_floor(person: str):
    import orjson

    from nkhr.models import Actor, Alias, PositionHeld
    from sanctions.models import Designation

    def floor():
        return orjson.dumps(
            {
                **Actor.objects.filter(pk=person).values().get(),
                "aliases": list(Alias.objects.filter(actor_id=person).values()),
                "positions": list(
                    PositionHeld.objects.filter(person_id=person).values(
                        "id", "position_id", "position__name", "start", "end"
                    )
                ),
                "designations": list(
                    Designation.objects.filter(target_id=person).values(
                        "id", "regime_id", "regime__title", "listed", "delisted"
                    )
                ),
            }
        )

    return floor


def search_floor(query: str):
    """The search's own candidates and order, one `.values()` query per resource searched."""
    import orjson
    from django.contrib.auth.models import AnonymousUser

    from nkhr.api.registry import is_covered_by_concrete_route
    from nkhr.api.search import CANDIDATES, PER_KIND_LIMIT, SCORED, SearchView
    from nkhr.search import document_query, searching_as, sharing_candidate_ids

    def floor():
        hits = []
        searched = [
            viewset
            for _resource, viewset in SearchView.resources
            if not is_covered_by_concrete_route(viewset.queryset.model)
        ]
        # The search's own shape: as the public, a term's candidates read once per model.
        with searching_as(AnonymousUser()), sharing_candidate_ids():
            for viewset in searched:
                model, filterset = viewset.queryset.model, viewset.filterset_class
                fields = {f.name for f in model._meta.fields}
                # What the hit is called: its name or title (a designation, its target's).
                name = next((f for f in ("name", "title") if f in fields), "target__name")
                condition = filterset.ranked_candidates(query, CANDIDATES, enough=SCORED)
                if condition is None:
                    continue
                matches = (
                    model._default_manager.published()
                    .filter(condition)
                    .order_by(document_query(model).rank(query), "pk")
                )
                hits += list(matches.values("pk", name)[:PER_KIND_LIMIT])
        return orjson.dumps(hits)

    return floor


def bill_floor(bill: str):
    import orjson

    from nkhr.models import Legislation, LegislativeAction

    def floor():
        return orjson.dumps(
            {
                **Legislation.objects.filter(pk=bill).values().get(),
                "actions": list(LegislativeAction.objects.filter(legislation_id=bill).values()),
            }
        )

    return floor


# --- sections -----------------------------------------------------------------------------------


def api_scenarios(subjects: dict) -> list[dict]:
    filtered = urlencode(
        {
            "authority": subjects["authority"],
            "listed_after": LISTED_AFTER,
            "listed_before": LISTED_BEFORE,
            "limit": 100,
        }
    )
    return [
        {
            "name": "designations list (limit 100)",
            "path": f"{LIST_PATH}?limit=100",
            "floor": designation_floor(),
            "explain": True,
        },
        {
            "name": "designations by authority + listed range",
            "path": f"{LIST_PATH}?{filtered}",
            "floor": designation_floor(subjects["authority"], (LISTED_AFTER, LISTED_BEFORE)),
            "explain": True,
        },
        {
            # Four grouped counts beside a one-row page (README, "Facets").
            # Unfiltered: kept with the cached aggregates after the first (warm-up) request.
            "name": "designations facets (4 fields)",
            "path": f"{LIST_PATH}?"
            + urlencode({"limit": 1, "facets": "authority,regime,target_kind,listed_year"}),
            "explain": True,
        },
        {
            # Under a filter: counted for each request.
            "name": "designations facets (4 fields), listed range",
            "path": f"{LIST_PATH}?"
            + urlencode(
                {
                    "limit": 1,
                    "facets": "authority,regime,target_kind,listed_year",
                    "listed_after": LISTED_AFTER,
                    "listed_before": LISTED_BEFORE,
                }
            ),
            "explain": True,
        },
        {
            "name": "actor detail (person)",
            "path": f"/api/v1/actors/{subjects['person']}/",
            "floor": actor_floor(subjects["person"]),
        },
        {
            "name": "search 'Kim'",
            "path": "/api/v1/search/?" + urlencode({"q": "Kim"}),
            "floor": search_floor("Kim"),
            "explain": True,
        },
        {
            "name": f"search full name '{subjects['full_name']}'",
            "path": "/api/v1/search/?" + urlencode({"q": subjects["full_name"]}),
            "floor": search_floor(subjects["full_name"]),
            "explain": True,
        },
        {
            "name": f"search variant '{subjects['variant']}'",
            "path": "/api/v1/search/?" + urlencode({"q": subjects["variant"]}),
            "floor": search_floor(subjects["variant"]),
            "explain": True,
        },
        {
            "name": f"search typo '{subjects['typo']}'",
            "path": "/api/v1/search/?" + urlencode({"q": subjects["typo"]}),
            "floor": search_floor(subjects["typo"]),
            "explain": True,
        },
        {
            "name": "actors list ?search=Kim",
            "path": "/api/v1/actors/?" + urlencode({"search": "Kim"}),
            "explain": True,
        },
        {
            "name": "designations list ?search=Kim",
            "path": f"{LIST_PATH}?" + urlencode({"search": "Kim"}),
            "explain": True,
        },
        {
            "name": "match: 100 persons by name",
            "path": "/api/v1/match/",
            "body": {"queries": match_queries(100)},
        },
        {
            "name": "change feed page (limit 1000)",
            "path": "/api/v1/changes/?limit=1000",
        },
        {
            "name": "change feed, designations only (limit 1000)",
            "path": "/api/v1/changes/?types=designations&limit=1000",
        },
        {
            "name": "bill detail with actions",
            "path": f"/api/v1/legislation/{subjects['bill']}/",
            "floor": bill_floor(subjects["bill"]),
        },
    ]


def run_api(subjects: dict, repeat: int, warmup: int, with_explain: bool) -> dict:
    client = new_client()
    results = []
    for scenario in api_scenarios(subjects):
        path, body = scenario["path"], scenario.get("body")

        def call(path=path, body=body):
            return fetch(client, path, body)

        samples = timed(call, repeat, warmup)
        # A scenario without a floor (a list searched) is timed alone.
        floor = scenario.get("floor")
        floor_samples = timed(floor, repeat, warmup) if floor else []
        p50 = statistics.median(samples)
        floor_p50 = statistics.median(floor_samples) if floor else None
        row = {
            "scenario": scenario["name"],
            "path": path,
            "requests": repeat,
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(samples, 0.95), 2),
            "queries": count_queries(call),
            "floor_p50_ms": round(floor_p50, 2) if floor else None,
            "floor_queries": count_queries(floor) if floor else None,
            "ratio": round(p50 / floor_p50, 1) if floor_p50 else None,
            "bytes": len(call()),
        }
        if with_explain and scenario.get("explain"):
            row["explain"] = explain(slowest_query(call))
        results.append(row)
    # The same list at page sizes 10 and 1000: a constant query count means no N+1.
    page_queries = {
        str(limit): count_queries(lambda limit=limit: fetch(client, f"{LIST_PATH}?limit={limit}"))
        for limit in (10, 1000)
    }
    # Whether the search finds the person by its full name, by a spelling it does not store
    # and by a typo of its name (rank among the hits, None when not found).
    found = {}
    for kind in ("full_name", "variant", "typo"):
        found[kind] = None
        if subjects["person"]:
            page = json.loads(fetch(client, "/api/v1/search/?" + urlencode({"q": subjects[kind]})))
            ids = [hit["id"] for hit in page["results"]]
            found[kind] = ids.index(subjects["person"]) + 1 if subjects["person"] in ids else None
    return {
        "scenarios": results,
        "list_queries_by_limit": page_queries,
        "variant_found": found["variant"] is not None,
        "person_rank": found,
    }


def export_worker(kind: str) -> dict:
    """Run one export to the end in this (child) process and measure it."""
    client = new_client()
    fetch(client, "/api/v1/")  # imports and URL resolution belong to the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    first_line = None
    rows = 0
    if kind == "csv":
        cursor = None
        while True:
            query = {"format": "csv", "mode": "cursor", "limit": CSV_PAGE}
            if cursor:
                query["cursor"] = cursor
            text = fetch(client, f"{LIST_PATH}?{urlencode(query)}").decode()
            if first_line is None:
                first_line = time.perf_counter() - started
            page = list(csv.DictReader(io.StringIO(text)))
            rows += len(page)
            if len(page) < CSV_PAGE:
                break
            # A CSV page carries no `next` link, so the cursor is made as DRF makes it:
            # the position (last public id) in base64.
            cursor = base64.b64encode(urlencode({"p": page[-1]["id"]}).encode()).decode()
    else:
        path = STREAMS[kind]
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        for chunk in response.streaming_content:
            if first_line is None:
                first_line = time.perf_counter() - started
            rows += chunk.count(b"\n")
        if kind == "csv-stream":
            rows -= 1  # the header (synthetic cells hold no line breaks)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        # Until the first rows arrived (the first page, for the paged CSV).
        "first_line_s": round(first_line, 2) if first_line is not None else None,
        "peak_rss_mb": round(peak / 1024, 1),
        "baseline_rss_mb": round(baseline / 1024, 1),
    }


STREAMS = {
    "csv-stream": "/api/v1/export/?resource=designations&format=csv",
    "jsonl": "/api/v1/export/?resource=designations",
    "ftm": "/api/v1/export/ftm/",
}
EXPORTS = {
    "csv": "designations CSV (cursor pages of 1000)",
    "csv-stream": "designations CSV stream (/export/?format=csv)",
    "jsonl": "designations JSON Lines (/export/?resource=designations)",
    "ftm": "FollowTheMoney (/export/ftm/)",
}


def run_exports() -> list[dict]:
    results = []
    for kind, label in EXPORTS.items():
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--export-worker", kind],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )
        if completed.returncode != 0:
            raise RuntimeError(f"export {kind} failed:\n{completed.stderr}")
        results.append({"export": label, **json.loads(completed.stdout.strip().splitlines()[-1])})
    return results


DUMPS = {
    "sql": "bulk dumps, lines built by the database where it can",
    "python": "bulk dumps, every resource read by Python (DUMPS_SQL=false)",
}


def dumps_worker(mode: str) -> dict:
    """Build every dump once in this (child) process, into a temporary directory."""
    import tempfile

    from django.test import override_settings

    from nkhr import dumps

    dumps.resources()  # imports and the registry belong to the baseline
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with (
        tempfile.TemporaryDirectory() as directory,
        override_settings(DUMPS_SQL=mode == "sql"),
    ):
        started = time.perf_counter()
        result = dumps.build(directory=Path(directory), keep=1, write=lambda line: None)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files = {item["name"]: item for item in result.manifest["files"]}
    records = files[dumps.JSON_LINES]["records"]
    return {
        "records": records,
        "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds) if seconds else None,
        "file_seconds": result.seconds,
        "megabytes": round(sum(item["bytes"] for item in files.values()) / 1e6, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "baseline_rss_mb": round(baseline / 1024, 1),
    }


def run_dumps() -> list[dict]:
    from django.db import connection

    results = []
    for mode, label in DUMPS.items():
        if mode == "python" and connection.vendor != "postgresql":
            continue  # elsewhere Python reads every resource anyway
        completed = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--dumps-worker", mode],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ.copy(),
        )
        if completed.returncode != 0:
            raise RuntimeError(f"dumps ({mode}) failed:\n{completed.stderr}")
        results.append({"build": label, **json.loads(completed.stdout.strip().splitlines()[-1])})
    return results


def run_admin(subjects: dict, repeat: int, warmup: int) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    users = get_user_model().objects
    curator, _ = users.get_or_create(username="bench-curator", defaults={"is_staff": True})
    curator.groups.add(Group.objects.get(name="Curator"))
    client = new_client()
    client.force_login(curator)
    base = "/admin/sanctions/designation/"
    # The designation form's target field offers actors through Django's autocomplete view,
    # named by the model and field that refer to them.
    target = {"app_label": "sanctions", "model_name": "designation", "field_name": "target"}
    pages = [
        ("changelist", base),
        ("changelist filtered by regime", f"{base}?regime__id__exact={subjects['regime']}"),
        ("changelist searched 'Kim'", f"{base}?q=Kim"),
        ("changelist searched 'Kim Ryong su'", f"{base}?" + urlencode({"q": "Kim Ryong su"})),
        ("actors searched 'Kim'", "/admin/nkhr/actor/?q=Kim"),
        (
            "actors searched 'Kim Ryong su'",
            "/admin/nkhr/actor/?" + urlencode({"q": "Kim Ryong su"}),
        ),
        (
            "autocomplete target 'Kim'",
            "/admin/autocomplete/?" + urlencode({**target, "term": "Kim"}),
        ),
        (
            f"autocomplete target '{subjects['full_name']}'",
            "/admin/autocomplete/?" + urlencode({**target, "term": subjects["full_name"]}),
        ),
    ]
    results = []
    for name, path in pages:
        samples = timed(lambda path=path: fetch(client, path), repeat, warmup)
        results.append(
            {
                "page": name,
                "path": path,
                "requests": repeat,
                "p50_ms": round(statistics.median(samples), 1),
                "p95_ms": round(percentile(samples, 0.95), 1),
                "queries": count_queries(lambda path=path: fetch(client, path)),
            }
        )
    return results


class _RolledBack(Exception):
    pass


def run_upkeep(subjects: dict, repeat: int, warmup: int) -> list[dict]:
    """What keeping search documents current costs a single save: the person (with its
    aliases, a position and designations) edited and saved through the ORM, with document
    upkeep on and off (`nkhr.documents.disconnect_saves()`). Two edits: its description
    (no document is rebuilt) and its name, between two spellings (its document and its
    designations' are rewritten). In a transaction rolled back at the end: the saves
    leave no history and no change."""
    from django.db import transaction

    from nkhr import documents
    from nkhr.models import Actor

    person = Actor.objects.get(pk=subjects["person"])
    size = f"{person.aliases.count()} aliases, {person.designations.count()} designations"
    spellings = [person.name, person.name.replace(" ", "-", 1)]
    edits = {
        "description edited": lambda n: setattr(person, "description", f"Edit {n}."),
        "renamed": lambda n: setattr(person, "name", spellings[n % 2]),
    }
    results = []
    try:
        with transaction.atomic():
            for edit, change in edits.items():
                rows = []
                for connected in (True, False):
                    if not connected:
                        documents.disconnect_saves()
                    count = iter(range(10**9))

                    def save(change=change, count=count):
                        change(next(count))
                        person.save()

                    try:
                        samples = timed(save, repeat, warmup)
                        queries = count_queries(save)
                    finally:
                        documents.connect()
                    rows.append(
                        {
                            "save": f"person ({size}), {edit}, signals "
                            + ("connected" if connected else "disconnected"),
                            "requests": repeat,
                            "p50_ms": round(statistics.median(samples), 2),
                            "p95_ms": round(percentile(samples, 0.95), 2),
                            "queries": queries,
                        }
                    )
                rows[0]["ratio"] = round(rows[0]["p50_ms"] / rows[1]["p50_ms"], 2)
                results += rows
            raise _RolledBack
    except _RolledBack:
        pass
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def load(port: int, path: str, seconds: float, concurrency: int) -> dict:
    """`concurrency` threads requesting `path` back to back for `seconds`."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = http_get(port, path) == 200
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "requests_per_second": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
    }


def run_http(subjects: dict, seconds: float) -> list[dict]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "nkhr.wsgi:application",
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"{HOST}:{port}",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=os.environ.copy(),
    )
    try:
        wait_until_up(port, server)
        targets = [
            ("designations list (limit 100)", f"{LIST_PATH}?limit=100"),
            ("actor detail (person)", f"/api/v1/actors/{subjects['person']}/"),
        ]
        results = []
        for name, path in targets:
            for _ in range(2 * GUNICORN_WORKERS):
                http_get(port, path)  # each worker's first request pays for lazy setup
            results.append(
                {
                    "target": name,
                    "path": path,
                    "workers": GUNICORN_WORKERS,
                    "concurrency": CONCURRENCY,
                    "seconds": seconds,
                    **load(port, path, seconds, CONCURRENCY),
                }
            )
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            if http_get(port, "/api/v1/") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# --- report -------------------------------------------------------------------------------------


def table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    cells = [[title for _key, title in columns]]
    cells += [
        ["" if row.get(key) is None else str(row.get(key)) for key, _t in columns] for row in rows
    ]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    lines = []
    for n, line in enumerate(cells):
        lines.append(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def report(results: dict) -> str:
    meta = results["machine"]
    parts = [
        f"NKHR Records bench — scale {results['seed']['scale']}, {meta['database']} "
        f"{meta['database_version']}, {meta['cpus']} CPUs, {meta['memory_mb']} MB, "
        f"load {meta['load_average']} → {meta.get('load_average_end')}",
    ]
    if results["seed"].get("seeded"):
        seed = results["seed"]
        parts.append(
            f"Seeded {seed['rows']:,} rows in {seed['seconds']} s ({seed['rows_per_second']:,} rows/s)"
        )
    if "api" in results:
        parts += report_api(results["api"])
    if "exports" in results:
        parts += report_exports(results["exports"])
    if "dumps" in results:
        parts += report_dumps(results["dumps"])
    if "admin" in results:
        parts += report_admin(results["admin"])
    if "upkeep" in results:
        parts += report_upkeep(results["upkeep"])
    if "explorer" in results:
        from bench.explorer import report_explorer

        parts += report_explorer(results["explorer"], table)
    if "http" in results:
        parts += report_http(results["http"])
    if "search_quality" in results:
        from bench.search_quality import report_lines

        parts += report_lines(results["search_quality"])
    return "\n".join(parts)


def report_api(api: dict) -> list[str]:
    return [
        "",
        "API (in-process, Django test client)",
        table(
            api["scenarios"],
            [
                ("scenario", "scenario"),
                ("p50_ms", "p50 ms"),
                ("p95_ms", "p95 ms"),
                ("queries", "queries"),
                ("floor_p50_ms", "floor p50 ms"),
                ("floor_queries", "floor q"),
                ("ratio", "API/floor"),
            ],
        ),
        f"designations list queries by page size: {api['list_queries_by_limit']}; "
        f"romanization variant finds the person: {api['variant_found']}; "
        f"the person's rank among the hits: {api.get('person_rank')}",
    ]


def report_exports(exports: list) -> list[str]:
    return [
        "",
        "Exports (each in its own process)",
        table(
            exports,
            [
                ("export", "export"),
                ("rows", "rows"),
                ("seconds", "s"),
                ("rows_per_second", "rows/s"),
                ("first_line_s", "first s"),
                ("peak_rss_mb", "peak RSS MB"),
                ("baseline_rss_mb", "before MB"),
            ],
        ),
    ]


def report_dumps(built: list) -> list[str]:
    return [
        "",
        "Bulk dumps (manage.py build_dumps, each in its own process)",
        table(
            built,
            [
                ("build", "build"),
                ("records", "records"),
                ("seconds", "s"),
                ("records_per_second", "records/s"),
                ("megabytes", "MB"),
                ("peak_rss_mb", "peak RSS MB"),
                ("baseline_rss_mb", "before MB"),
            ],
        ),
        "seconds per file: "
        + "; ".join(
            f"{row['build'].split(',')[1].strip()}: {row['file_seconds']}" for row in built
        ),
    ]


def report_admin(admin: list) -> list[str]:
    return [
        "",
        "Admin (curator)",
        table(
            admin,
            [("page", "page"), ("p50_ms", "p50 ms"), ("p95_ms", "p95 ms"), ("queries", "queries")],
        ),
    ]


def report_upkeep(upkeep: list) -> list[str]:
    return [
        "",
        "Search document upkeep (a single save through the ORM)",
        table(
            upkeep,
            [
                ("save", "save"),
                ("p50_ms", "p50 ms"),
                ("p95_ms", "p95 ms"),
                ("queries", "queries"),
                ("ratio", "connected/disconnected p50"),
            ],
        ),
    ]


def report_http(http: list) -> list[str]:
    return [
        "",
        f"HTTP (gunicorn, {GUNICORN_WORKERS} sync workers, {CONCURRENCY} clients, 127.0.0.1)",
        table(
            http,
            [
                ("target", "target"),
                ("seconds", "s"),
                ("requests", "requests"),
                ("requests_per_second", "req/s"),
                ("p50_ms", "p50 ms"),
                ("p99_ms", "p99 ms"),
                ("errors", "errors"),
            ],
        ),
    ]


SECTIONS = ("api", "exports", "dumps", "admin", "upkeep", "explorer", "http", "search_quality")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="Defaults to $DATABASE_URL, else the dedicated nkhr_bench database.",
    )
    parser.add_argument("--requests", type=int, default=None, help="Timed requests per scenario.")
    parser.add_argument("--duration", type=float, default=None, help="Seconds of HTTP load.")
    parser.add_argument("--quick", action="store_true", help="Few requests, 1 s of load.")
    parser.add_argument("--no-paper", action="store_true", help="Skip the paper's fixtures.")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL).")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--only",
        type=lambda text: [part.strip() for part in text.split(",")],
        default=list(SECTIONS),
        help=f"Sections to measure, comma-separated (default: {','.join(SECTIONS)}).",
    )
    parser.add_argument(
        "--no-search-quality", action="store_true", help="Skip the search-quality section."
    )
    parser.add_argument("--export-worker", choices=sorted(EXPORTS), help=argparse.SUPPRESS)
    parser.add_argument("--dumps-worker", choices=sorted(DUMPS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.export_worker:
        configure(args.database_url)
        print(json.dumps(export_worker(args.export_worker)))
        return 0
    if args.dumps_worker:
        configure(args.database_url)
        print(json.dumps(dumps_worker(args.dumps_worker)))
        return 0

    repeat = args.requests or (5 if args.quick else 50)
    warmup = 1 if args.quick else 5
    duration = args.duration or (1.0 if args.quick else 20.0 if args.scale >= 10000 else 5.0)

    sections = {}
    started = time.perf_counter()

    def lap(name):
        nonlocal started
        now = time.perf_counter()
        sections[name] = round(now - started, 1)
        started = now

    ensure_database(args.database_url)
    configure(args.database_url)
    seed_stats = prepare(args.scale, args.seed, paper=not args.no_paper)
    subjects = pick_subjects()
    results = {"machine": machine(), "seed": seed_stats, "subjects": subjects}
    lap("prepare")
    if "api" in args.only:
        print("API …", flush=True)
        results["api"] = run_api(subjects, repeat, warmup, args.explain)
        lap("api")
    if "exports" in args.only:
        print("Exports …", flush=True)
        results["exports"] = run_exports()
        lap("exports")
    if "dumps" in args.only:
        print("Bulk dumps …", flush=True)
        results["dumps"] = run_dumps()
        lap("dumps")
    if "admin" in args.only:
        print("Admin …", flush=True)
        results["admin"] = run_admin(subjects, max(3, repeat // 2), warmup)
        lap("admin")
    if "upkeep" in args.only:
        print("Document upkeep …", flush=True)
        results["upkeep"] = run_upkeep(subjects, repeat, warmup)
        lap("upkeep")
    if "explorer" in args.only:
        print("Explorer …", flush=True)
        from bench.explorer import run_explorer

        results["explorer"] = run_explorer(
            subjects, max(3, repeat // 2), warmup, timed, percentile, count_queries
        )
        lap("explorer")
    if "http" in args.only:
        print(f"HTTP ({duration:g} s per target) …", flush=True)
        from django.db import connection

        connection.close()  # the server's workers open their own
        results["http"] = run_http(subjects, duration)
        lap("http")
    if "search_quality" in args.only and not args.no_search_quality:
        print("Search quality …", flush=True)
        from bench.search_quality import run_search_quality

        # Without the paper only the synthetic persons' cases can be found; a few of them
        # per hundred records (thirty at most), so that a tiny scale stays quick.
        results["search_quality"] = run_search_quality(
            min(30, max(1, args.scale // 100)), args.seed, paper=not args.no_paper
        )
        lap("search_quality")
    results["section_seconds"] = sections
    # Other work on the machine skews every number: the load at the end is kept beside it.
    results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    text = report(results)
    print()
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nSeconds per section: {sections}. Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

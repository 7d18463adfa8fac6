"""Deterministic synthetic records at scale, for benchmarks (`manage.py seed_synthetic`).

`seed(scale, seed)` writes, beside whatever else the database holds:

* `scale` actors: ~70% people, the rest organisations (companies, bureaus, ten designating
  authorities, and positions such as "Director of …"). Each has 2-3 aliases: its name in
  Hangul and in Revised Romanization, plus McCune-Reischauer where that spelling differs,
  so that searching one romanization must find the name written in another;
* ~50 sanctions regimes, a few hundred designation rounds and `scale` designations, each
  with its measures;
* `scale / 10` bills with a sponsor and 5 actions, `scale / 5` reports, `scale / 2` events
  with an organiser, a position held by every tenth person;
* one citation for every record, of one of five synthetic sources.

Every public id starts with `syn-` (`syn-person-000123`), every record is published, and
the same `seed` gives the same rows, timestamps included.

Rows are made as tuples of column values, not model instances, and written through the
driver: `COPY … FROM STDIN` on PostgreSQL, streamed as it is generated (the server inserts
on one core while Python generates on the other), `executemany` elsewhere. `Table` fills
every column a section leaves out with one value for all rows (the fixed timestamps, the
publication state, else the field's default, as `bulk_create` would). Derived keys are
computed with the functions `refresh_derived()` calls (`name_key`, `compact`,
`detect_script`; names that recur are keyed once); the few rows built as model instances
(sources, authorities, regimes, rounds) go through `refresh_derived()` itself.

From `BULK_LOAD_SCALE` on, the secondary indexes of the tables written (and, on
PostgreSQL, their foreign keys; on SQLite, the triggers of their FTS5 tables) are dropped
first and rebuilt at the end (`bulk_load`). Everything happens
in one transaction: a failure leaves no row, and the indexes and keys as they were.

No history is written: these rows are generated, not the work of a curator, and a first
version of each would double the rows written for nothing anyone will read.
"""

import datetime
import functools
import json
import operator
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import accumulate, islice
from types import SimpleNamespace
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from mechanisms.models import Report
from nkhr.dates import DatePrecision, with_precisions
from nkhr.documents import document, entries_of, has_document
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    EventParticipant,
    Instrument,
    Legislation,
    LegislativeAction,
    PositionHeld,
    Publication,
    Source,
    Sponsorship,
)
from nkhr.models.base import DOCUMENT_FIELDS
from nkhr.registry import record_type_for
from nkhr.text import compact, detect_script, name_key
from sanctions.models import Designation, DesignationMeasure, DesignationRound

PREFIX = "syn-"
DEFAULT_SEED = 1
# Fixed, so that the same seed gives the same rows down to the timestamps.
STAMP = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
PUBLISHED = Publication.PUBLISHED
DAY, YEAR = DatePrecision.DAY, DatePrecision.YEAR

# --- Korean names --------------------------------------------------------------------------
# (Hangul, the spelling sanctions lists use, Revised Romanization, McCune-Reischauer)
SURNAMES = [
    ("김", "Kim", "Kim", "Kim"),
    ("리", "Ri", "Ri", "Ri"),
    ("박", "Pak", "Bak", "Pak"),
    ("최", "Choe", "Choe", "Ch'oe"),
    ("정", "Jong", "Jeong", "Chŏng"),
    ("강", "Kang", "Gang", "Kang"),
    ("조", "Jo", "Jo", "Cho"),
    ("윤", "Yun", "Yun", "Yun"),
    ("장", "Jang", "Jang", "Chang"),
    ("한", "Han", "Han", "Han"),
    ("오", "O", "O", "O"),
    ("서", "So", "Seo", "Sŏ"),
    ("신", "Sin", "Sin", "Sin"),
    ("황", "Hwang", "Hwang", "Hwang"),
    ("안", "An", "An", "An"),
    ("송", "Song", "Song", "Song"),
    ("류", "Ryu", "Ryu", "Ryu"),
    ("홍", "Hong", "Hong", "Hong"),
    ("전", "Jon", "Jeon", "Chŏn"),
    ("고", "Ko", "Go", "Ko"),
]
# Roughly how common each surname is (Kim about one in five), so "Kim" is a common search.
SURNAME_WEIGHTS = [22, 15, 8, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2]
SURNAME_CUM_WEIGHTS = list(accumulate(SURNAME_WEIGHTS))

# (Hangul, Revised Romanization, McCune-Reischauer) of syllables used in given names
SYLLABLES = [
    ("영", "yeong", "yŏng"),
    ("철", "cheol", "ch'ŏl"),
    ("수", "su", "su"),
    ("민", "min", "min"),
    ("성", "seong", "sŏng"),
    ("호", "ho", "ho"),
    ("혁", "hyeok", "hyŏk"),
    ("남", "nam", "nam"),
    ("일", "il", "il"),
    ("광", "gwang", "kwang"),
    ("명", "myeong", "myŏng"),
    ("준", "jun", "chun"),
    ("현", "hyeon", "hyŏn"),
    ("경", "gyeong", "kyŏng"),
    ("택", "taek", "t'aek"),
    ("은", "eun", "ŭn"),
    ("희", "hui", "hŭi"),
    ("국", "guk", "kuk"),
    ("진", "jin", "chin"),
    ("용", "yong", "yong"),
    ("학", "hak", "hak"),
    ("만", "man", "man"),
    ("석", "seok", "sŏk"),
    ("훈", "hun", "hun"),
    ("혜", "hye", "hye"),
    ("옥", "ok", "ok"),
    ("순", "sun", "sun"),
    ("춘", "chun", "ch'un"),
    ("룡", "ryong", "ryong"),
    ("길", "gil", "kil"),
    ("봉", "bong", "pong"),
    ("선", "seon", "sŏn"),
    ("원", "won", "wŏn"),
    ("태", "tae", "t'ae"),
    ("향", "hyang", "hyang"),
    ("금", "geum", "kŭm"),
    ("동", "dong", "tong"),
]

# (English, Hangul, Revised Romanization, McCune-Reischauer, actor kind) of organisations
ORGANISATION_TYPES = [
    ("Trading Corporation", "무역회사", "Muyeok Hoesa", "Muyŏk Hoesa", Actor.Kind.COMPANY),
    ("Shipping Company", "해운회사", "Haeun Hoesa", "Haeun Hoesa", Actor.Kind.COMPANY),
    ("Mining Company", "광업회사", "Gwangeop Hoesa", "Kwangŏp Hoesa", Actor.Kind.COMPANY),
    ("Bank", "은행", "Eunhaeng", "Ŭnhaeng", Actor.Kind.COMPANY),
    ("Technology Company", "기술회사", "Gisul Hoesa", "Kisul Hoesa", Actor.Kind.COMPANY),
    ("General Bureau", "총국", "Chongguk", "Ch'ongguk", Actor.Kind.DEPARTMENT),
    ("Committee", "위원회", "Wiwonhoe", "Wiwŏnhoe", Actor.Kind.COMMITTEE),
    ("Security Department", "보위부", "Bowibu", "Powibu", Actor.Kind.AGENCY),
]
KOREA = ("조선", "Joseon", "Chosŏn")

# (country, name) of the authorities that designate; a regime belongs to one of them.
AUTHORITIES = [
    ("US", "Synthetic Office of Sanctions (United States)"),
    ("EU", "Synthetic Council Sanctions Unit (European Union)"),
    ("GB", "Synthetic Sanctions Implementation Office (United Kingdom)"),
    ("KR", "Synthetic Sanctions Directorate (Republic of Korea)"),
    ("JP", "Synthetic Sanctions Bureau (Japan)"),
    ("AU", "Synthetic Sanctions Office (Australia)"),
    ("CA", "Synthetic Sanctions Division (Canada)"),
    ("CH", "Synthetic Sanctions Section (Switzerland)"),
    ("NZ", "Synthetic Sanctions Unit (New Zealand)"),
    ("FR", "Synthetic Directorate of Restrictive Measures (France)"),
]
PERSON_COUNTRIES = ["KP"] * 18 + ["CN", "RU"]
ORGANISATION_COUNTRIES = ["KP"] * 14 + ["CN", "RU", "HK", "AE", "SG", "MY"]
BILL_JURISDICTIONS = ["US", "KR", "JP", "GB", "CA", "AU", "DE", "FR"]
BILL_THEMES = [
    "North Korean Human Rights",
    "Separated Families Reunion",
    "Refugee Protection",
    "Accountability for Abuses",
    "Freedom of Information",
    "Detainee Release",
    "Forced Labour Prevention",
]
ACTION_KINDS = [
    LegislativeAction.Kind.INTRODUCED,
    LegislativeAction.Kind.REFERRED,
    LegislativeAction.Kind.REPORTED,
    LegislativeAction.Kind.PASSED_CHAMBER,
    LegislativeAction.Kind.PASSED_CHAMBER,
]
REPORT_KINDS = [k for k in Report.Kind.values if k != Report.Kind.STATE_PARTY_REPORT]
SOURCE_KINDS = [
    Source.Kind.UN_DOCUMENT,
    Source.Kind.OFFICIAL_NOTICE,
    Source.Kind.PRESS_RELEASE,
    Source.Kind.NEWS,
    Source.Kind.GOVERNMENT_PUBLICATION,
]
SOURCES = 5
FIRST_DAY = datetime.date(2005, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days


@dataclass(frozen=True)
class Plan:
    """How many of each thing a scale means; every count follows from `scale` alone (and
    is worked out once: rows look them up by the million)."""

    scale: int

    @functools.cached_property
    def persons(self) -> int:
        return self.scale * 7 // 10

    @functools.cached_property
    def organisations(self) -> int:
        """Every actor that is not a person: authorities, positions and other bodies."""
        return self.scale - self.persons

    @functools.cached_property
    def authorities(self) -> int:
        return max(1, min(len(AUTHORITIES), self.organisations // 4))

    @functools.cached_property
    def positions(self) -> int:
        return max(1, self.organisations // 6)

    @functools.cached_property
    def bodies(self) -> int:
        return self.organisations - self.authorities - self.positions

    @functools.cached_property
    def regimes(self) -> int:
        return min(50, max(2, self.scale // 100))

    @functools.cached_property
    def rounds(self) -> int:
        return min(300, max(self.regimes, self.scale // 30))

    @functools.cached_property
    def targets(self) -> int:
        """Persons and bodies can be designated (not authorities nor positions)."""
        return self.persons + self.bodies

    @functools.cached_property
    def bills(self) -> int:
        return self.scale // 10

    @functools.cached_property
    def reports(self) -> int:
        return self.scale // 5

    @functools.cached_property
    def events(self) -> int:
        return self.scale // 2

    @functools.cached_property
    def width(self) -> int:
        return max(6, len(str(self.scale)))


def public_id(kind: str, number: int, width: int = 6) -> str:
    return f"{PREFIX}{kind}-{number:0{width}d}"


# --- writing rows ------------------------------------------------------------------------------

# Columns that every record (and, without `publication`, every row) gets at one value.
STAMPS = {"created": STAMP, "updated": STAMP}
RECORD = {**STAMPS, "publication": PUBLISHED}
# Rows per COPY or executemany; also how many persons, bodies or bills are generated before
# their aliases, actions and sponsorships are written.
BATCH_SIZE = 100_000
# Rows rendered per read of a COPY stream.
COPY_LINES = 2_000
# From this scale on, secondary indexes (and PostgreSQL's foreign keys) are rebuilt after
# the rows are in (see `bulk_load`): below it, rebuilding costs more than it saves.
BULK_LOAD_SCALE = 20_000

# Internal types whose Python values (str, int, None) both drivers take as they are; other
# values (dates) are prepared by their field before an executemany.
NATIVE_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        # Given as JSON text (`json_text`), as the field writes it.
        "JSONField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
_count_nulls = operator.methodcaller("count", None)


class Table:
    """How rows of one model are written: the columns a section gives, in its order, then
    every other concrete column at one value for all rows: `constants`, else the field's
    default, as `bulk_create` would fill it in. The auto-incremented primary key is left to
    the database, so ids follow the order rows are written in."""

    def __init__(self, model: type[models.Model], columns, constants: dict, connection):
        meta = model._meta
        fields = {f.attname: f for f in meta.concrete_fields}
        unknown = {*columns, *constants} - fields.keys()
        if unknown:
            raise ValueError(f"{meta.label} has no column {', '.join(sorted(unknown))}.")
        fixed = {}
        for f in meta.concrete_fields:
            if f.attname in columns or f is meta.auto_field:
                continue
            if f.attname in constants:
                value = constants[f.attname]
            elif f.has_default() and callable(f.default):
                # A default computed per row (a timestamp) would make two seeds differ.
                raise ValueError(f"{meta.label}.{f.attname} needs a value of its own.")
            else:
                value = f.get_default()
            fixed[f.attname] = f.get_db_prep_save(value, connection)
        self.label = meta.label
        self.db_table = meta.db_table
        self.columns = [fields[name].column for name in (*columns, *fixed)]
        self.fixed = tuple(fixed.values())
        self.prepare = [
            (i, fields[name])
            for i, name in enumerate(columns)
            if fields[name].get_internal_type() not in NATIVE_TYPES
        ]


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    # A search document's JSON holds backslashes (`\\uXXXX`) in most rows: escaped by
    # `replace`, which scans in C, where `translate` looks up every character.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class CopyStream:
    """Rows as the text format of `COPY … FROM STDIN`, rendered as the driver reads them, so
    that the server inserts what it was sent while the next rows are generated."""

    def __init__(self, rows: Iterable[tuple], table: Table):
        self.rows = iter(rows)
        self.count = 0
        fixed = [_copy_value(value) for value in table.fixed]
        self.end = "".join("\t" + value for value in fixed) + "\n"
        self.end_backslashes = sum(value.count("\\") for value in fixed)
        self.tabs = len(table.columns) - 1

    def read(self, size: int = -1) -> str:
        rows = list(islice(self.rows, COPY_LINES))
        if not rows:
            return ""
        self.count += len(rows)
        end = self.end
        text = end.join(["\t".join(["\\N" if v is None else str(v) for v in row]) for row in rows])
        text += end
        # Escaping every value costs more than rendering it; the counts tell in one pass over
        # the text whether any value held a tab, a line break or a backslash.
        n = len(rows)
        if (
            text.count("\t") != n * self.tabs
            or text.count("\n") != n
            or "\r" in text
            or text.count("\\") != sum(map(_count_nulls, rows)) + n * self.end_backslashes
        ):
            text = end.join(["\t".join([_copy_value(v) for v in row]) for row in rows]) + end
        return text


class Writer:
    """Writes rows through the database driver: `COPY` on PostgreSQL (psycopg2), else one
    `executemany` per batch, with values already in the form the driver takes."""

    def __init__(self, connection):
        self.connection = connection

    def write(self, table: Table, rows: Iterable[tuple]) -> int:
        connection = self.connection
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in table.columns)
        try:
            with connection.wrap_database_errors:
                if hasattr(cursor, "copy_expert"):
                    stream = CopyStream(rows, table)
                    cursor.copy_expert(
                        f"COPY {quote(table.db_table)} ({columns}) FROM STDIN", stream
                    )
                    return stream.count
                return self._executemany(cursor, table, columns, rows)
        finally:
            cursor.close()

    def _executemany(self, cursor, table: Table, columns: str, rows: Iterable[tuple]) -> int:
        connection, fixed, prepare = self.connection, table.fixed, table.prepare
        mark = "?" if connection.Database.paramstyle == "qmark" else "%s"
        sql = (
            f"INSERT INTO {connection.ops.quote_name(table.db_table)} ({columns}) "
            f"VALUES ({', '.join([mark] * len(table.columns))})"
        )
        written, iterator = 0, iter(rows)
        while batch := list(islice(iterator, BATCH_SIZE)):
            if prepare:
                batch = [_prepared(row, prepare, connection) for row in batch]
            cursor.executemany(sql, [row + fixed for row in batch])
            written += len(batch)
        return written


def _prepared(row: tuple, prepare, connection) -> tuple:
    values = list(row)
    for i, field_ in prepare:
        values[i] = field_.get_db_prep_save(values[i], connection)
    return tuple(values)


@contextmanager
def bulk_load(connection, models_: Iterable[type[models.Model]], notice=None):
    """Drop the secondary indexes (neither unique nor behind a constraint) of the tables
    written and, on PostgreSQL, their foreign keys (on SQLite, the triggers that keep their
    FTS5 tables in step); recreate them once the rows are in: one sorted build per index,
    one join per key and one rebuild per FTS5 table cost much less than updating every
    index, checking every key and tokenizing every row as it is inserted. Everything is read
    from the catalog as it is, so nothing here names an index. Inside the seed's transaction: if it fails, the rows go
    and the indexes and keys come back; re-adding a key checks every row of its table.
    Other sessions wait for the tables until the seed commits."""
    postgresql = connection.vendor == "postgresql"
    if not postgresql and connection.vendor != "sqlite":
        yield
        return
    tables = [model._meta.db_table for model in models_]
    quoted = [connection.ops.quote_name(table) for table in tables]
    keys, triggers, fts_tables = [], [], []
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                " FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[])"
                " AND NOT i.indisunique AND NOT i.indisprimary AND NOT EXISTS"
                " (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [quoted],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conrelid::regclass::text, quote_ident(conname),"
                " pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
                [quoted],
            )
            keys = cursor.fetchall()
        else:
            # Indexes SQLite makes for UNIQUE and PRIMARY KEY have no SQL of their own.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
                tables,
            )
            indexes = [
                (connection.ops.quote_name(name), sql)
                for name, sql in cursor.fetchall()
                if not sql.upper().startswith("CREATE UNIQUE")
            ]
            # External-content FTS5 tables over the tables written, and the triggers that
            # write each row into them (`nkhr.db.fts_index`).
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
                " AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%' ORDER BY name"
            )
            fts_tables = [
                name
                for name, sql in cursor.fetchall()
                if any(f"content='{table}'" in sql for table in tables)
            ]
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                f" AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
                tables,
            )
            triggers = [
                (connection.ops.quote_name(name), sql)
                for name, sql in cursor.fetchall()
                if any(f'INTO "{fts}"' in sql for fts in fts_tables)
            ]
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for fts in fts_tables:
            fts = connection.ops.quote_name(fts)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        for _, definition in triggers:
            cursor.execute(definition)
        # Planner statistics for the new rows: without them SQLite lists a page of
        # designations by sorting all of them instead of walking the listing-order index.
        for table in quoted:
            cursor.execute(f"ANALYZE {table}")
    if notice:
        notice(
            f"{len(indexes)} indexes, {len(keys)} foreign keys"
            f" and {len(fts_tables)} FTS5 tables rebuilt",
            time.perf_counter() - started,
        )


@dataclass
class SeedProgress:
    """Rows written so far, reported per model through `report(label, rows, seconds)`;
    other steps (rebuilding indexes) through `notice(what, seconds)`."""

    report: Callable[[str, int, float], None] = lambda label, rows, seconds: None
    rows: int = 0
    counts: dict = field(default_factory=dict)
    notice: Callable[[str, float], None] = lambda what, seconds: None
    # False for measurement only (`seed_synthetic --no-documents`): what seeding costs
    # without search documents; the rows' documents stay NULL and searches miss them.
    documents: bool = True

    def insert(self, model: type[models.Model], objects: Iterable[models.Model]):
        """Write model instances, each after `refresh_derived()` and with its search
        document (bulk writes skip the signals that make them), with the values
        `bulk_create` would send. The instances keep their documents: records linking
        to them take their names from there."""
        fields_ = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
        objects = list(objects)
        if has_document(model) and self.documents:
            spec = search_spec(model)
            for obj in objects:
                # A new record has no aliases yet; its links are read before the rows
                # stream (no other query can run while a COPY does).
                aliases = {relation: () for relation in spec.aliases}
                linked = {link: getattr(obj, link) for link in spec.links}
                for name, value in document(entries_of(obj, spec, aliases, linked)).items():
                    setattr(obj, name, value)

        def rows():
            for obj in objects:
                obj.refresh_derived()
                yield tuple(
                    json_text(f.get_prep_value(f.pre_save(obj, True)))
                    if isinstance(f, models.JSONField)
                    else f.get_prep_value(f.pre_save(obj, True))
                    for f in fields_
                )

        self.insert_rows(model, [f.attname for f in fields_], rows())

    def insert_rows(
        self,
        model: type[models.Model],
        columns,
        rows: Iterable[tuple],
        constants: dict | None = None,
    ):
        """Write tuples of `columns` values (derived keys included: the caller computes them
        with the functions `refresh_derived()` uses); every other column gets `constants`
        or its default. A report per `BATCH_SIZE` rows."""
        table = Table(model, columns, constants or {}, connection)
        writer, iterator, first = Writer(connection), iter(rows), True
        while True:
            started = time.perf_counter()
            written = writer.write(table, islice(iterator, BATCH_SIZE))
            if written or first:
                self.counts[table.label] = self.counts.get(table.label, 0) + written
                self.rows += written
                self.report(table.label, written, time.perf_counter() - started)
            # A full batch may not be the last: only an empty read tells.
            if written < BATCH_SIZE:
                return
            first = False


# --- search documents --------------------------------------------------------------------------


def search_spec(model: type[models.Model]):
    """What `model`'s records are searched by: the spec their documents are built from."""
    return record_type_for(model).search


def json_text(value) -> str | None:
    """`value` as a JSONField writes it (`json.dumps`, no encoder), None as NULL."""
    return None if value is None else json.dumps(value)


class NameRow(NamedTuple):
    """An alias as `entries_of` reads one."""

    name: str
    language: str
    script: str


class Linked(NamedTuple):
    """A linked record as `entries_of` reads one: its document's entries (every synthetic
    record is published)."""

    search_names: list
    publication: str = PUBLISHED


def document_of(model, values: dict, aliases: Iterable[NameRow] = (), linked=None) -> dict:
    """The search document (`nkhr.documents.document`) of a record of `model` whose row
    holds `values` (at least its spec's fields), with `aliases` (under each of its spec's
    alias relations) and `linked` (link → `Linked`): built by `nkhr.documents` as the ORM
    builds it, from plain values."""
    spec = search_spec(model)
    aliases = {relation: tuple(aliases) for relation in spec.aliases}
    linked = {link: (linked or {}).get(link) for link in spec.links}
    return document(entries_of(SimpleNamespace(**values), spec, aliases, linked))


# A row's document columns when documents are not written (`SeedProgress.documents`).
NO_DOCUMENT = (None, None, None)


def document_row(columns: dict) -> tuple:
    """A document's columns as written, in the order of `DOCUMENT_FIELDS`."""
    return (
        json_text(columns["search_names"]),
        columns["search_keys"],
        columns["search_keys_hidden"],
    )


def _day(rng: random.Random, start: int = 0, span: int = DAYS) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=start + rng.randrange(span))


def _year(value: datetime.date) -> datetime.date:
    return value.replace(month=1, day=1)


def _capitalised(syllables: list[str], joiner: str) -> str:
    word = joiner.join(syllables)
    return word[:1].upper() + word[1:]


def _unmarked(mccune_reischauer: str) -> str:
    """McCune-Reischauer as sanctions lists print it: no breves, no apostrophes."""
    return mccune_reischauer.replace("'", "").replace("ŏ", "o").replace("ŭ", "u")


def _draw_person(rng: random.Random) -> tuple:
    """A surname and two syllables of a given name; the draws that make a person's name."""
    return (
        rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0],
        rng.choice(SYLLABLES),
        rng.choice(SYLLABLES),
    )


def _draw_organisation(rng: random.Random) -> tuple:
    return rng.choice(ORGANISATION_TYPES), rng.choice(SYLLABLES), rng.choice(SYLLABLES)


def _person_name(surname: tuple, *given: tuple) -> dict:
    hangul_surname, listed_surname, rr_surname, mr_surname = surname
    plain_mr = [_unmarked(syllable[2]) for syllable in given]
    return {
        "name": f"{listed_surname} {' '.join(part.capitalize() for part in plain_mr)}",
        "hangul": hangul_surname + "".join(syllable[0] for syllable in given),
        "rr": f"{rr_surname} {_capitalised([s[1] for s in given], '-')}",
        "mr": f"{mr_surname} {_capitalised([s[2] for s in given], '-')}",
    }


def _organisation_name(kind: tuple, *word: tuple) -> dict:
    english, hangul_type, rr_type, mr_type, actor_kind = kind
    plain_mr = [_unmarked(s[2]) for s in word]
    return {
        "name": f"Korea {_capitalised(plain_mr, '')} {english}",
        "hangul": KOREA[0] + "".join(s[0] for s in word) + hangul_type,
        "rr": f"{KOREA[1]} {_capitalised([s[1] for s in word], '')} {rr_type}",
        "mr": f"{KOREA[2]} {_capitalised([s[2] for s in word], '')} {mr_type}",
        "kind": actor_kind,
    }


def korean_person_name(rng: random.Random) -> dict:
    """A person's name as a list spells it, in Hangul, and in two romanizations."""
    return _person_name(*_draw_person(rng))


def korean_organisation_name(rng: random.Random) -> dict:
    return _organisation_name(*_draw_organisation(rng))


class _Names(NamedTuple):
    """An actor's name, its key, its aliases as (name, key, kind, language, script), its
    search document's columns as written and, for the records linking to it, its entries."""

    name: str
    key: str
    aliases: tuple
    document: tuple
    linked: Linked


def _names(names: dict, documents: bool = True) -> _Names:
    """Hangul and Revised Romanization always; McCune-Reischauer where it is spelt apart.
    Keys and scripts come from the functions `refresh_derived()` calls."""
    spellings = [
        (names["hangul"], Alias.Kind.NATIVE, "ko"),
        (names["rr"], Alias.Kind.ROMANIZATION, "ko-Latn"),
    ]
    if names["mr"] != names["rr"]:
        spellings.append((names["mr"], Alias.Kind.ROMANIZATION, "ko-Latn"))
    aliases = tuple(
        (spelling, name_key(spelling), kind, language, detect_script(spelling))
        for spelling, kind, language in spellings
    )
    # In the order the ORM reads an actor's aliases (`Alias.Meta.ordering`: by name).
    rows = sorted(
        NameRow(spelling, language, script) for spelling, _, _, language, script in aliases
    )
    if not documents:
        return _Names(names["name"], name_key(names["name"]), aliases, NO_DOCUMENT, Linked(None))
    columns = document_of(Actor, {"name": names["name"]}, rows)
    return _Names(
        names["name"],
        name_key(names["name"]),
        aliases,
        document_row(columns),
        Linked(columns["search_names"]),
    )


# A few tens of thousands of distinct names recur across a million actors: each is spelt,
# keyed and scripted once.
@functools.cache
def _person_names(documents: bool, surname: tuple, first: tuple, second: tuple) -> _Names:
    return _names(_person_name(surname, first, second), documents)


@functools.cache
def _organisation_names(
    documents: bool, kind: tuple, first: tuple, second: tuple
) -> tuple[_Names, str]:
    names = _organisation_name(kind, first, second)
    return _names(names, documents), names["kind"]


# The columns each section gives, in the order of its tuples.
ACTOR_COLUMNS = (
    "id",
    "name",
    "name_key",
    "kind",
    "country",
    "parent_id",
    *with_precisions("established"),
    *DOCUMENT_FIELDS,
)
ALIAS_COLUMNS = ("actor_id", "source_id", "name", "name_key", "kind", "language", "script")
POSITION_HELD_COLUMNS = (
    "id",
    "person_id",
    "position_id",
    *with_precisions("start", "end"),
)
DESIGNATION_COLUMNS = (
    "id",
    "regime_id",
    "authority_id",
    "target_id",
    "round_id",
    *with_precisions("listed", "delisted"),
    "basis",
    "reference",
    *DOCUMENT_FIELDS,
)
MEASURE_COLUMNS = ("designation_id", "measure")
LEGISLATION_COLUMNS = (
    "id",
    "jurisdiction",
    "chamber",
    "session",
    "kind",
    "bill_number",
    "bill_number_key",
    "title",
    "status",
    *with_precisions("introduced"),
    "summary",
    *DOCUMENT_FIELDS,
)
ACTION_COLUMNS = (
    "legislation_id",
    "order",
    *with_precisions("date"),
    "kind",
    "chamber",
    "description",
    "source_id",
)
SPONSORSHIP_COLUMNS = ("legislation_id", "actor_id", "role", "date", "date_precision")
REPORT_COLUMNS = (
    "id",
    "title",
    "title_key",
    "kind",
    "symbol",
    "symbol_key",
    "author_id",
    *with_precisions("date"),
    "country",
    "summary",
    *DOCUMENT_FIELDS,
)
EVENT_COLUMNS = (
    "id",
    "title",
    "title_key",
    "kind",
    *with_precisions("start"),
    "location",
    "country",
    *DOCUMENT_FIELDS,
)
PARTICIPANT_COLUMNS = ("event_id", "actor_id", "role")
CITATION_COLUMNS = ("source_id", "content_type_id", "object_id", "page")


class Seeder:
    """Writes one scale's worth of synthetic records; see the module docstring.

    `bulk_load` rebuilds secondary indexes (and, on PostgreSQL, foreign keys) after the
    rows are in; by default from `BULK_LOAD_SCALE` on."""

    def __init__(
        self,
        scale: int,
        seed: int = DEFAULT_SEED,
        progress: SeedProgress | None = None,
        bulk_load: bool | None = None,
    ):
        self.plan = Plan(scale)
        self.seed = seed
        self.progress = progress or SeedProgress()
        self.width = self.plan.width
        self.bulk_load = scale >= BULK_LOAD_SCALE if bulk_load is None else bulk_load

    def rng(self, section: str) -> random.Random:
        # One generator per section, so each section's rows depend on the seed alone.
        return random.Random(f"{self.seed}:{section}")

    # ids ------------------------------------------------------------------------------------
    def source_id(self, i: int) -> str:
        return f"{PREFIX}source-{i + 1}"

    def authority_id(self, i: int) -> str:
        return public_id("authority", i, 2)

    def person_id(self, i: int) -> str:
        return public_id("person", i, self.width)

    def body_id(self, i: int) -> str:
        return public_id("org", i, self.width)

    def position_id(self, i: int) -> str:
        return public_id("position", i, self.width)

    def regime_id(self, i: int) -> str:
        return public_id("regime", i, 2)

    def round_id(self, i: int) -> str:
        return public_id("round", i, 3)

    def target_id(self, i: int) -> str:
        persons = self.plan.persons
        return self.person_id(i) if i < persons else self.body_id(i - persons)

    def regime_authority(self, regime: int) -> int:
        return regime % self.plan.authorities

    def ids(self, kind: str, count: int) -> Iterator[str]:
        prefix, width = f"{PREFIX}{kind}-", self.width
        return (f"{prefix}{i:0{width}d}" for i in range(count))

    def document_row(self, model, values: dict, aliases=(), linked=None) -> tuple:
        """The document columns of a row (`document_of`), unless documents are not written."""
        if not self.progress.documents:
            return NO_DOCUMENT
        return document_row(document_of(model, values, aliases, linked))

    # sections -------------------------------------------------------------------------------
    def run(self) -> SeedProgress:
        loading = bulk_load(connection, WRITTEN, self.progress.notice)
        with transaction.atomic(), loading if self.bulk_load else nullcontext():
            self.citations: list[tuple[type[models.Model], Iterable[str]]] = []
            self.sources()
            self.actors()
            self.positions_held()
            self.regimes_and_rounds()
            self.designations()
            self.legislation()
            self.reports()
            self.events()
            self.write_citations()
        return self.progress

    def sources(self):
        rng = self.rng("sources")
        self.progress.insert(
            Source,
            (
                Source(
                    id=self.source_id(i),
                    title=f"Synthetic source {i + 1} (benchmark data, not a real document)",
                    kind=SOURCE_KINDS[i],
                    publisher="NKHR Records benchmark",
                    url=f"https://example.org/nkhr-synthetic/{i + 1}",
                    published=_day(rng),
                    published_precision=DAY,
                    language="en",
                    **RECORD,
                )
                for i in range(SOURCES)
            ),
        )

    def actors(self):
        plan, insert = self.plan, self.progress.insert_rows
        documents = self.progress.documents
        sources = [self.source_id(i) for i in range(SOURCES)]
        authorities = [
            Actor(
                id=self.authority_id(i),
                name=name,
                kind=Actor.Kind.GOVERNMENT,
                country=country,
                **RECORD,
            )
            for i, (country, name) in enumerate(AUTHORITIES[: plan.authorities])
        ]
        self.progress.insert(Actor, authorities)
        # What the reports they write take from them (written with their documents).
        self.authorities_linked = [Linked(authority.search_names) for authority in authorities]
        # What the designations of persons and bodies take from them, by number.
        self.person_names: list[_Names] = []
        self.body_names: list[_Names] = []
        self._cite(Actor, (self.authority_id(i) for i in range(plan.authorities)))

        def insert_with_aliases(actor_rows, count: int):
            # A batch's aliases are collected while its actors stream to the database.
            for start in range(0, count, BATCH_SIZE):
                aliases = []
                stop = min(start + BATCH_SIZE, count)
                insert(Actor, ACTOR_COLUMNS, actor_rows(start, stop, aliases), RECORD)
                insert(Alias, ALIAS_COLUMNS, aliases, STAMPS)

        # Bodies before positions, which belong to them.
        rng = self.rng("bodies")
        position_bodies = {}

        def bodies(start: int, stop: int, aliases: list):
            for i in range(start, stop):
                names, kind = _organisation_names(documents, *_draw_organisation(rng))
                actor_id = self.body_id(i)
                # A parent is an earlier body, so the hierarchy can never be a cycle.
                parent = self.body_id(rng.randrange(i)) if i and rng.random() < 0.2 else None
                country = rng.choice(ORGANISATION_COUNTRIES)
                established = _year(_day(rng, -20 * 365, 40 * 365))
                yield (
                    actor_id,
                    names.name,
                    names.key,
                    kind,
                    country,
                    parent,
                    established,
                    YEAR,
                    *names.document,
                )
                self.body_names.append(names)
                source = sources[i % SOURCES]
                aliases.extend((actor_id, source, *alias) for alias in names.aliases)
                if i < plan.positions:
                    position_bodies[i] = names.name

        insert_with_aliases(bodies, plan.bodies)
        self._cite(Actor, self.ids("org", plan.bodies))

        # Body names recur: so do their positions' names, each documented once.
        @functools.cache
        def position_document(name: str) -> tuple:
            return self.document_row(Actor, {"name": name})

        # A position is an office inside a body ("Director of …"), so it can be held.
        def positions():
            for i in range(plan.positions):
                name = f"Director of {position_bodies.get(i, 'a synthetic body')}"
                parent = self.body_id(i) if i < plan.bodies else None
                yield (
                    self.position_id(i),
                    name,
                    name_key(name),
                    Actor.Kind.POSITION,
                    "KP",
                    parent,
                    None,
                    "",
                    *position_document(name),
                )

        insert(Actor, ACTOR_COLUMNS, positions(), RECORD)
        self._cite(Actor, self.ids("position", plan.positions))

        rng = self.rng("persons")
        random_, choice = rng.random, rng.choice

        def persons(start: int, stop: int, aliases: list):
            for i in range(start, stop):
                names = _person_names(documents, *_draw_person(rng))
                actor_id = self.person_id(i)
                born = random_() < 0.6
                country = choice(PERSON_COUNTRIES)
                if born:
                    established, precision = _year(_day(rng, -60 * 365, 40 * 365)), YEAR
                else:
                    established, precision = None, ""
                yield (
                    actor_id,
                    names.name,
                    names.key,
                    Actor.Kind.PERSON,
                    country,
                    None,
                    established,
                    precision,
                    *names.document,
                )
                self.person_names.append(names)
                source = sources[i % SOURCES]
                aliases.extend((actor_id, source, *alias) for alias in names.aliases)

        insert_with_aliases(persons, plan.persons)
        self._cite(Actor, self.ids("person", plan.persons))

    def positions_held(self):
        """Every tenth person holds a position, from a day to (sometimes) a later one."""
        rng = self.rng("positions-held")
        holders = range(0, self.plan.persons, 10)

        def rows():
            for n, person in enumerate(holders):
                start = _day(rng)
                ended = rng.random() < 0.3
                end = start + datetime.timedelta(days=rng.randrange(1, 2000)) if ended else None
                yield (
                    public_id("held", n, self.width),
                    self.person_id(person),
                    self.position_id(n % self.plan.positions),
                    start,
                    DAY,
                    end,
                    DAY if ended else "",
                )

        self.progress.insert_rows(PositionHeld, POSITION_HELD_COLUMNS, rows(), RECORD)
        self._cite(PositionHeld, self.ids("held", len(holders)))

    def regimes_and_rounds(self):
        plan, rng = self.plan, self.rng("regimes")
        regimes = []
        for i in range(plan.regimes):
            country, _ = AUTHORITIES[self.regime_authority(i) % len(AUTHORITIES)]
            thematic = i % 5 == 4
            adopted = _day(rng, 0, 365 * 8)
            regimes.append(
                Instrument(
                    id=self.regime_id(i),
                    kind=Instrument.Kind.SANCTIONS_REGIME,
                    title=f"Synthetic {'global human rights' if thematic else 'North Korea'} "
                    f"sanctions regime {i + 1:02d} ({country})",
                    symbol=f"SYN-REG-{i + 1:02d}",
                    status=Instrument.Status.IN_FORCE,
                    adopted_by_id=self.authority_id(self.regime_authority(i)),
                    adopted=adopted,
                    adopted_precision=DAY,
                    scope=Instrument.Scope.GLOBAL if thematic else Instrument.Scope.COUNTRY,
                    target_country="" if thematic else "KP",
                    **RECORD,
                )
            )
        self.progress.insert(Instrument, regimes)
        self._cite(Instrument, [r.id for r in regimes])

        # Round j belongs to regime j % regimes, announced after the regime was adopted.
        rounds, self.round_days = [], []
        self.rounds_of_regime: list[list[int]] = [[] for _ in range(plan.regimes)]
        for j in range(plan.rounds):
            regime = j % plan.regimes
            announced = regimes[regime].adopted + datetime.timedelta(days=rng.randrange(3650))
            reported = rng.random() < 0.3
            rounds.append(
                DesignationRound(
                    id=self.round_id(j),
                    regime_id=self.regime_id(regime),
                    authority_id=self.authority_id(self.regime_authority(regime)),
                    title=f"Synthetic designations {j + 1:03d} under regime {regime + 1:02d}",
                    announced=announced,
                    announced_precision=DAY,
                    reported_persons=rng.randrange(1, 40) if reported else None,
                    reported_entities=rng.randrange(0, 20) if reported else None,
                    notice_url=f"https://example.org/nkhr-synthetic/notice/{j + 1}",
                    **RECORD,
                )
            )
            self.round_days.append(announced)
            self.rounds_of_regime[regime].append(j)
        self.progress.insert(DesignationRound, rounds)
        self._cite(DesignationRound, [r.id for r in rounds])

    def designations(self):
        """`scale` designations; the k-th of one target is under the regime after its
        (k-1)-th, so (regime, target, listed) never repeats."""
        plan, rng = self.plan, self.rng("designations")
        regimes, persons = plan.regimes, plan.persons
        regime_ids = [self.regime_id(r) for r in range(regimes)]
        authority_ids = [self.authority_id(self.regime_authority(r)) for r in range(regimes)]
        round_ids = [self.round_id(j) for j in range(plan.rounds)]
        round_days, rounds_of_regime = self.round_days, self.rounds_of_regime
        basis = "Synthetic basis: involvement in serious human rights abuses."
        first_regime: list[int] = []
        randrange, random_, choice = rng.randrange, rng.random, rng.choice
        targets = [names.linked for names in (*self.person_names, *self.body_names)]

        def rows():
            ids = self.ids("designation", plan.scale)
            for i, designation_id in enumerate(ids):
                target, k = i % plan.targets, i // plan.targets
                if k == 0:
                    first_regime.append(randrange(regimes))
                regime = (first_regime[target] + k) % regimes
                round_ = choice(rounds_of_regime[regime])
                listed = round_days[round_]
                if random_() < 0.05:
                    delisted = listed + datetime.timedelta(days=randrange(30, 3000))
                    delisted_precision = DAY
                else:
                    delisted, delisted_precision = None, ""
                reference = f"SYN-{i:0{self.width}d}"
                yield (
                    designation_id,
                    regime_ids[regime],
                    authority_ids[regime],
                    self.target_id(target),
                    round_ids[round_],
                    listed,
                    DAY,
                    delisted,
                    delisted_precision,
                    basis,
                    reference,
                    *self.document_row(
                        Designation, {"reference": reference}, linked={"target": targets[target]}
                    ),
                )

        def measures():
            freeze, travel = (
                DesignationMeasure.Measure.ASSET_FREEZE,
                DesignationMeasure.Measure.TRAVEL_BAN,
            )
            for i, designation_id in enumerate(self.ids("designation", plan.scale)):
                yield (designation_id, freeze)
                if i % plan.targets < persons:
                    yield (designation_id, travel)

        self.progress.insert_rows(Designation, DESIGNATION_COLUMNS, rows(), RECORD)
        self.progress.insert_rows(DesignationMeasure, MEASURE_COLUMNS, measures(), STAMPS)
        self._cite(Designation, self.ids("designation", plan.scale))

    def legislation(self):
        plan, rng = self.plan, self.rng("legislation")
        sources = [self.source_id(i) for i in range(SOURCES)]

        def bills(start: int, stop: int, actions: list, sponsorships: list):
            for i in range(start, stop):
                bill_id = public_id("bill", i, self.width)
                introduced = _day(rng, 0, DAYS - 400)
                theme = rng.choice(BILL_THEMES)
                bill_number = f"SYN {i}"
                title = f"{theme} Act of {introduced.year} (synthetic bill {i})"
                values = {"title": title, "short_title": "", "bill_number": bill_number}
                yield (
                    bill_id,
                    rng.choice(BILL_JURISDICTIONS),
                    "lower",
                    f"Synthetic session {i % 10 + 1}",
                    Legislation.Kind.BILL,
                    bill_number,
                    compact(bill_number),
                    title,
                    Legislation.Status.PASSED_LOWER,
                    introduced,
                    DAY,
                    "A synthetic bill for benchmarks.",
                    *self.document_row(Legislation, {**values, "law_number": ""}),
                )
                day, source = introduced, sources[i % SOURCES]
                for order, kind in enumerate(ACTION_KINDS, start=1):
                    chamber = "upper" if order == 5 else "lower"
                    actions.append(
                        (bill_id, order, day, DAY, kind, chamber, f"Synthetic step {order}", source)
                    )
                    day += datetime.timedelta(days=rng.randrange(1, 60))
                sponsor = self.person_id(i % plan.persons)
                sponsorships.append((bill_id, sponsor, Sponsorship.Role.SPONSOR, introduced, DAY))

        insert = self.progress.insert_rows
        for start in range(0, plan.bills, BATCH_SIZE):
            actions, sponsorships = [], []
            stop = min(start + BATCH_SIZE, plan.bills)
            insert(
                Legislation, LEGISLATION_COLUMNS, bills(start, stop, actions, sponsorships), RECORD
            )
            insert(LegislativeAction, ACTION_COLUMNS, actions, STAMPS)
            insert(Sponsorship, SPONSORSHIP_COLUMNS, sponsorships, STAMPS)
        self._cite(Legislation, self.ids("bill", plan.bills))

    def reports(self):
        plan, rng = self.plan, self.rng("reports")
        authorities = [self.authority_id(a) for a in range(plan.authorities)]

        def rows():
            for i, report_id in enumerate(self.ids("report", plan.reports)):
                author = i % plan.authorities
                title = f"Synthetic report {i} on the human rights situation in North Korea"
                symbol = f"SYN/R/{i}"
                yield (
                    report_id,
                    title,
                    name_key(title),
                    rng.choice(REPORT_KINDS),
                    symbol,
                    compact(symbol),
                    authorities[author],
                    _day(rng),
                    DAY,
                    "KP",
                    "A synthetic report for benchmarks.",
                    *self.document_row(
                        Report,
                        {"title": title, "symbol": symbol},
                        linked={"author": self.authorities_linked[author]},
                    ),
                )

        self.progress.insert_rows(Report, REPORT_COLUMNS, rows(), RECORD)
        self._cite(Report, self.ids("report", plan.reports))

    def events(self):
        plan, rng = self.plan, self.rng("events")
        kinds = Event.Kind.values
        authorities = [self.authority_id(a) for a in range(plan.authorities)]

        def rows():
            for i, event_id in enumerate(self.ids("event", plan.events)):
                title = f"Synthetic {rng.choice(BILL_THEMES).lower()} meeting {i}"
                kind = rng.choice(kinds)
                start = _day(rng)
                country = rng.choice(BILL_JURISDICTIONS)
                yield (
                    event_id,
                    title,
                    name_key(title),
                    kind,
                    start,
                    DAY,
                    "Synthetic City",
                    country,
                    *self.document_row(Event, {"title": title}),
                )

        def participants():
            organiser = EventParticipant.Role.ORGANISER
            for i, event_id in enumerate(self.ids("event", plan.events)):
                yield (event_id, authorities[i % plan.authorities], organiser)

        self.progress.insert_rows(Event, EVENT_COLUMNS, rows(), RECORD)
        self.progress.insert_rows(EventParticipant, PARTICIPANT_COLUMNS, participants(), STAMPS)
        self._cite(Event, self.ids("event", plan.events))

    # citations ------------------------------------------------------------------------------
    def _cite(self, model: type[models.Model], ids: Iterable[str]):
        self.citations.append((model, ids))

    def write_citations(self):
        sources = [self.source_id(i) for i in range(SOURCES)]

        # Looked up before the rows stream: no other query can run while a COPY does.
        content_types = [ContentType.objects.get_for_model(model).pk for model, _ in self.citations]

        def rows():
            n = 0
            for content_type, (_, ids) in zip(content_types, self.citations, strict=True):
                for object_id in ids:
                    yield (sources[n % SOURCES], content_type, object_id, str(n % 400 + 1))
                    n += 1

        self.progress.insert_rows(Citation, CITATION_COLUMNS, rows(), STAMPS)


# --- removal ----------------------------------------------------------------------------------

# What to delete, children before parents: (model, the field that holds a synthetic id, the
# row's own primary key or the key of the synthetic record it belongs to).
REMOVAL_ORDER = [
    (Citation, "object_id"),
    (DesignationMeasure, "designation"),
    (Designation, "pk"),
    (DesignationRound, "pk"),
    (Instrument, "pk"),
    (LegislativeAction, "legislation"),
    (Sponsorship, "legislation"),
    (Legislation, "pk"),
    (Report, "pk"),
    (EventParticipant, "event"),
    (Event, "pk"),
    (PositionHeld, "pk"),
    (Alias, "actor"),
    (Actor, "pk"),
    (Source, "pk"),
]
WRITTEN = [model for model, _ in REMOVAL_ORDER]


def synthetic_exists() -> bool:
    return Actor._base_manager.filter(pk__startswith=PREFIX).exists()


def synthetic_scale() -> int:
    """The scale the database holds now (its number of synthetic designations)."""
    return Designation._base_manager.filter(pk__startswith=PREFIX).count()


def remove() -> int:
    """Delete every synthetic row in one transaction; return how many went.

    A plain DELETE per table: Django's collector would load every row to send delete
    signals, and history would then record a deletion of each generated row."""
    deleted = 0
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model, name in REMOVAL_ORDER:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            # PREFIX holds no LIKE wildcard (`%`, `_`).
            cursor.execute(
                f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(field.column)} LIKE %s",
                [f"{PREFIX}%"],
            )
            deleted += cursor.rowcount
    return deleted


def seed(
    scale: int,
    seed: int = DEFAULT_SEED,
    progress: SeedProgress | None = None,
    bulk_load: bool | None = None,
) -> SeedProgress:
    return Seeder(scale, seed, progress, bulk_load).run()

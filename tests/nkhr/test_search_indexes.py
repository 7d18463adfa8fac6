"""Indexes follow from the search specs: every column a record type's `SearchSpec` searches
(its search document's key columns and its text columns) and every key column an admin
searches has the index its lookup needs, read from the database
the migrations built. On PostgreSQL a GIN trigram index on the column for a key matched with
`contains`, on `UPPER(column::text)` for text matched with `icontains`; on SQLite the
column's FTS5 trigram table (`nkhr.db.fts_table`) with its three triggers.

A spec that names a column without an index fails here, naming the table and column: add a
migration for it (`nkhr.db.search_indexes`)."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.urls import get_resolver

from nkhr.api.filtering import RecordFilterSet
from nkhr.db import fts_table

CONTAINS, ICONTAINS = "contains", "icontains"


def record_filtersets() -> list[type[RecordFilterSet]]:
    """Every resource's filter set (the URLconf imports them all)."""
    get_resolver().url_patterns  # noqa: B018 (loads the URLconf, and with it every view)
    found, pending = [], list(RecordFilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        pending += filterset.__subclasses__()
        if filterset._meta.model is not None:
            found.append(filterset)
    return sorted(found, key=lambda filterset: filterset.__qualname__)


def column_of(model, path: str) -> tuple[str, str]:
    """The table and column at the end of a lookup path from `model`, through relations
    (an inherited column is on its parent's table)."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.get_field(name)
    return field.model._meta.concrete_model._meta.db_table, field.column


def searched_columns() -> set[tuple[str, str, str, str]]:
    """(table, column, lookup, who searches it) for every column searched by a spec, or
    by an admin's key search."""
    columns = set()
    for filterset in record_filtersets():
        spec, model = filterset.search_spec, filterset._meta.model
        who = f"{filterset.__qualname__}.search_spec"
        # Names, aliases, keys and links are searched in the record's document.
        for path, _ in spec.key_paths():
            columns.add((*column_of(model, path), CONTAINS, who))
        for path in spec.text_paths:
            columns.add((*column_of(model, path), ICONTAINS, who))
    for model, model_admin in admin.site._registry.items():
        for path, _ in getattr(model_admin, "key_search_fields", ()):
            columns.add((*column_of(model, path), CONTAINS, type(model_admin).__qualname__))
    return columns


# --- what the database has --------------------------------------------------------------------

_TRIGRAM = re.compile(r"USING gin \((?P<column>\w+) gin_trgm_ops\)")
# `upper((name)::text)`, or `upper(text)` for a column of type text (the cast is a no-op).
_UPPER_TRIGRAM = re.compile(r"USING gin \(upper\(\(?(?P<column>\w+)\)?(?:::text)?\) gin_trgm_ops\)")


def postgres_indexed() -> set[tuple[str, str, str]]:
    """(table, column, lookup) served by a GIN trigram index, from pg_indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        )
        rows = cursor.fetchall()
    indexed = set()
    for table, definition in rows:
        for pattern, lookup in ((_TRIGRAM, CONTAINS), (_UPPER_TRIGRAM, ICONTAINS)):
            match = pattern.search(definition)
            if match:
                indexed.add((table, match["column"], lookup))
    return indexed


def sqlite_indexed() -> set[tuple[str, str, str]]:
    """(table, column, lookup) with an FTS5 trigram table over the column and the triggers
    that keep it in step, from sqlite_master. It serves both lookups."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
        rows = cursor.fetchall()
    tables = {name: sql for kind, name, _, sql in rows if kind == "table"}
    triggers = {(name, table) for kind, name, table, _ in rows if kind == "trigger"}
    indexed = set()
    for table, column, _, _ in searched_columns():
        fts = fts_table(table, column)
        sql = tables.get(fts) or ""
        complete = (
            f"content='{table}'" in sql
            and "tokenize='trigram'" in sql
            and f'fts5("{column}"' in sql
            and all((f"{fts}_{event}", table) in triggers for event in ("ai", "ad", "au"))
        )
        if complete:
            indexed |= {(table, column, CONTAINS), (table, column, ICONTAINS)}
    return indexed


def indexed() -> set[tuple[str, str, str]]:
    if connection.vendor == "postgresql":
        return postgres_indexed()
    return sqlite_indexed()


def missing_indexes() -> list[str]:
    have = indexed()
    return sorted(
        f"{table}.{column} ({lookup}, searched by {who})"
        for table, column, lookup, who in searched_columns()
        if (table, column, lookup) not in have
    )


# --- the tests ----------------------------------------------------------------------------------


def test_every_record_type_declares_what_it_searches():
    # A resource without a spec would offer `?search=` that matches nothing.
    assert len(record_filtersets()) >= 12
    for filterset in record_filtersets():
        assert filterset.search_spec.paths(), filterset


@pytest.mark.django_db
def test_every_searched_column_has_its_index():
    assert missing_indexes() == []


@pytest.mark.django_db
def test_a_searched_column_without_its_index_is_named():
    # The check bites: drop one searched column's index (inside the test's transaction,
    # rolled back after it) and the column is reported.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX nkhr_source_publisher_utrgm")
        else:
            cursor.execute('DROP TRIGGER "nkhr_source_publisher_fts_au"')
    missing = missing_indexes()
    assert missing and all(line.startswith("nkhr_source.publisher ") for line in missing)


@pytest.mark.django_db
def test_the_search_consults_the_fts_tables_the_database_has():
    if connection.vendor != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    from nkhr.db import fts_indexed

    have = fts_indexed(connection)
    for table, column, _, _ in searched_columns():
        assert (table, column) in have, (table, column)


@pytest.mark.django_db
def test_every_document_looked_up_by_whole_keys_has_their_index_on_postgresql():
    """A type found by its own names has a GIN index of its documents' whole keys
    (`nkhr.db.key_list_index`): a name equal to the query is one lookup there."""
    if connection.vendor != "postgresql":
        pytest.skip("the whole-key index is PostgreSQL's; SQLite reads the FTS5 tables")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        )
        definitions = cursor.fetchall()
    missing = []
    for filterset in record_filtersets():
        spec, model = filterset.search_spec, filterset._meta.model
        if not (spec.names or spec.aliases or spec.keys):
            continue  # found through the records it links to (a designation's target)
        for path, _ in spec.key_paths():
            table, column = column_of(model, path)
            expression = f"string_to_array({column}, '|'::text)"
            if not any(t == table and expression in d for t, d in definitions):
                missing.append(f"{table}.{column} (searched by {filterset.__qualname__})")
    assert sorted(set(missing)) == []

"""Database helpers for migrations that only one backend can carry out, the indexes that
serve substring search (`nkhr.search`) on each backend, and the `in_list()` condition.

A searched column gets, on PostgreSQL, a GIN trigram index (on the column for a stored key
matched with `contains`, on `UPPER(column)` for text matched with `icontains`, as Django
writes those lookups), and on SQLite an FTS5 table with the trigram tokenizer, kept in step
with its table by triggers. Which columns a search spec names is the record types' own
business (`nkhr.search.SearchSpec`); each migration writes out the columns it indexes, and
tests/nkhr/test_search_indexes.py checks that every searched column has its index. The
search asks the database which FTS5 tables exist (`fts_indexed`), so that it consults only
tables that do.
"""

import contextlib
import functools

from django.db import connections, migrations, models


class VendorOnlySQL(migrations.RunSQL):
    """Raw SQL for one database vendor, skipped on the others."""

    vendor = ""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class PostgresOnlySQL(VendorOnlySQL):
    """Raw SQL for PostgreSQL, skipped on other databases (the embedded SQLite)."""

    vendor = "postgresql"


class SQLiteOnlySQL(VendorOnlySQL):
    """Raw SQL for SQLite, skipped on PostgreSQL."""

    vendor = "sqlite"


class InList(models.Lookup):
    """`in_list("field", […])`: the values as they are, without `__in`'s per-element
    preparation (which for a thousand ids costs more than the query). On PostgreSQL the
    list is one parameter, `= ANY(array)`: a plain condition, where `IN (subquery)` would
    be a join that a page keeping its written join order (`ValuesReader.keep_join_order`)
    could not start from. On SQLite a placeholder per value, so that the planner knows how
    few there are (a list it cannot count makes it walk a whole table in another order)."""

    lookup_name = "in_list"

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


class InSet(InList):
    """`in_set("field", […])`: as `in_list`, but on PostgreSQL `IN (SELECT unnest(array))`,
    a join the planner starts from, knowing how many values there are. Given `= ANY(array)`
    on a page ordered by name with a linked record joined, it walked the name index past
    360,000 actors to meet 100 of 2,368 ids (0.8 s, against 16 ms from the ids)."""

    lookup_name = "in_set"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # Typed: an empty list is an array of unknown type to PostgreSQL.
        array_type = f"{self.lhs.output_field.cast_db_type(connection)}[]"
        return f"{lhs} IN (SELECT unnest(%s::{array_type}))", [*lhs_params, self.rhs]


def in_set(name: str, values) -> InSet:
    """The condition `name` is one of `values`, a set to start a query from (`InSet`)."""
    return InSet(models.F(name), values)


def in_list(name: str, values) -> InList:
    """The condition `name` is one of `values`, for `filter()`: `name` as `F()` takes it (a
    field, a link, a path through links). Used as an expression, not registered as a
    lookup on every field of every app."""
    return InList(models.F(name), values)


def distinct_values(model, field_name: str) -> list:
    """The distinct non-null values of `model`'s column `field_name`, read from its index:
    on PostgreSQL a skip scan (the next value above the last, once per value), where
    `SELECT DISTINCT` reads every entry of the index (a million actors for a dozen
    countries: half a second on each changelist); SQLite's planner skips ahead by itself."""
    field = model._meta.get_field(field_name)
    table = model._meta.concrete_model._meta.db_table
    quote = connections[model._base_manager.db].ops.quote_name
    column, table = quote(field.column), quote(table)
    if connections[model._base_manager.db].vendor == "postgresql":
        sql = (
            f"WITH RECURSIVE found(value) AS ("
            f"SELECT MIN({column}) FROM {table} "
            f"UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.value) "
            f"FROM found WHERE found.value IS NOT NULL) "
            f"SELECT value FROM found WHERE value IS NOT NULL"
        )
    else:
        sql = f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"
    with connections[model._base_manager.db].cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def serial_plans(using: str = "default"):
    """Within it, on PostgreSQL, statements are planned without parallel workers. A ranked
    search runs tens of small index lookups whose rows the planner cannot estimate (a key
    held by no record is guessed to be held by 2% of them); it then starts workers, whose
    start costs 7 ms, twenty times the lookup. Inside a transaction the setting ends with
    it (`SET LOCAL`, so a failed transaction needs no reset); in autocommit (the API's
    reads) it is reset when the block ends. On SQLite it changes nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    in_transaction = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET {'LOCAL ' if in_transaction else ''}max_parallel_workers_per_gather = 0"
        )
    try:
        yield
    finally:
        if not in_transaction:
            with connection.cursor() as cursor:
                cursor.execute("RESET max_parallel_workers_per_gather")


def trigram_index(table: str, column: str) -> PostgresOnlySQL:
    """A GIN trigram index, so `LIKE '%term%'` on a search key uses an index, not a scan."""
    name = f"{table}_{column}_trgm"
    return PostgresOnlySQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops);",
        f"DROP INDEX IF EXISTS {name};",
    )


def upper_trigram_index(table: str, column: str) -> PostgresOnlySQL:
    """A GIN trigram index on `UPPER(column::text)`: the expression Django's `icontains`
    compares on PostgreSQL, which an index on the bare column cannot serve."""
    name = f"{table}_{column}_utrgm"
    return PostgresOnlySQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin ((UPPER(({column})::text)) gin_trgm_ops);",
        f"DROP INDEX IF EXISTS {name};",
    )


def key_list(column: str) -> str:
    """A search document's key column as an array of its keys (`|a|b|` → {"", a, b, ""}):
    the expression both the index below and the search's exact lookups (`nkhr.search`)
    are written with, so that PostgreSQL matches one to the other."""
    return f"string_to_array({column}, '|')"


def key_list_index(table: str, column: str) -> PostgresOnlySQL:
    """A GIN index of a document's whole keys, for `key_list(column) && ARRAY[…]`: a name
    equal to the query's key is then one index lookup, where `LIKE '%|kim|%'` on the
    trigram index reads every document holding the trigrams of "kim" (a fifth of a million
    actors) and rechecks each."""
    name = f"{table}_{column}_keys"
    return PostgresOnlySQL(
        [
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({key_list(column)}));",
            # Statistics of the indexed expression: without them the planner guesses a
            # key holds for 0.5% of the rows and starts parallel workers for one lookup.
            f"ANALYZE {table};",
        ],
        f"DROP INDEX IF EXISTS {name};",
    )


TRIGRAM_EXTENSION = PostgresOnlySQL(
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop
)


# --- SQLite: FTS5 trigram tables ------------------------------------------------------------


def fts_indexed(connection) -> frozenset[tuple[str, str]]:
    """The (table, column) pairs that have an FTS5 trigram table in `connection`'s SQLite
    database, read from sqlite_master once per database and process (migrations create
    them; a process that searches does not migrate)."""
    return _fts_indexed(connection.alias, str(connection.settings_dict["NAME"]))


@functools.cache
def _fts_indexed(alias: str, name: str) -> frozenset[tuple[str, str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {row[0] for row in cursor.fetchall()}
        indexed = set()
        for fts in tables:
            if not fts.endswith("_fts"):
                continue
            # An external-content FTS5 table names its content table and column.
            cursor.execute(f'PRAGMA table_info("{fts}")')
            columns = [row[1] for row in cursor.fetchall()]
            for column in columns:
                table = fts.removesuffix(f"_{column}_fts")
                if table in tables and fts_table(table, column) == fts:
                    indexed.add((table, column))
    return frozenset(indexed)


# A trigram table finds substrings of three characters or more; shorter ones match nothing.
FTS_MIN_LENGTH = 3


def fts_table(table: str, column: str) -> str:
    return f"{table}_{column}_fts"


def fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase: with the trigram tokenizer, rows containing it anywhere."""
    return '"' + text.replace('"', '""') + '"'


def fts_index(table: str, column: str) -> SQLiteOnlySQL:
    """An FTS5 trigram table over `table.column` (external content, keyed by rowid), filled
    from the table and kept in step by triggers. Case-insensitive, like SQLite's LIKE.

    Rowids of a table without an integer primary key can change under VACUUM or when a
    migration rebuilds the table; `INSERT INTO <fts>(<fts>) VALUES ('rebuild')` then
    re-reads it (the search rechecks every row it is given, so a stale table can miss rows
    but never returns a wrong one)."""
    fts = fts_table(table, column)
    return SQLiteOnlySQL(
        [
            f'CREATE VIRTUAL TABLE "{fts}" USING fts5("{column}", '
            f"content='{table}', tokenize='trigram');",
            f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\');',
            f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new.rowid, new."{column}"); END;',
            f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '
            f"VALUES ('delete', old.rowid, old.\"{column}\"); END;",
            f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF "{column}" ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '
            f"VALUES ('delete', old.rowid, old.\"{column}\"); "
            f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new.rowid, new."{column}"); END;',
        ],
        [
            f'DROP TRIGGER IF EXISTS "{fts}_au";',
            f'DROP TRIGGER IF EXISTS "{fts}_ad";',
            f'DROP TRIGGER IF EXISTS "{fts}_ai";',
            f'DROP TABLE IF EXISTS "{fts}";',
        ],
    )


def dropped(operation: VendorOnlySQL) -> VendorOnlySQL:
    """`operation` undone: an index or FTS5 table of an earlier migration dropped, made
    again if the migration is reversed."""
    return type(operation)(operation.reverse_sql, operation.sql)


def search_indexes(table: str, *, keys=(), text=()) -> list[migrations.RunSQL]:
    """Both backends' indexes for the key columns (`contains`) and text columns
    (`icontains`) of `table`."""
    operations = []
    for column in keys:
        operations.append(trigram_index(table, column))
    for column in text:
        operations.append(upper_trigram_index(table, column))
    for column in (*keys, *text):
        operations.append(fts_index(table, column))
    return operations

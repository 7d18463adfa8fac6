"""Database helpers for migrations that only PostgreSQL can carry out."""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """Raw SQL for PostgreSQL, skipped on other databases (the embedded SQLite)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def trigram_index(table: str, column: str) -> PostgresOnlySQL:
    """A GIN trigram index, so `LIKE '%term%'` on a search key uses an index, not a scan."""
    name = f"{table}_{column}_trgm"
    return PostgresOnlySQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops);",
        f"DROP INDEX IF EXISTS {name};",
    )


TRIGRAM_EXTENSION = PostgresOnlySQL(
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;", migrations.RunSQL.noop
)

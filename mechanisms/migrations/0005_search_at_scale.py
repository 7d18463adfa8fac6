"""Substring search at scale: the report title's trigram index (PostgreSQL) and FTS5
trigram tables for the searched columns (SQLite)."""

from django.db import migrations

from nkhr.db import fts_index, search_indexes


class Migration(migrations.Migration):
    dependencies = [("mechanisms", "0004_search_indexes"), ("nkhr", "0005_search_at_scale")]

    operations = [
        fts_index("mechanisms_report", "title_key"),
        fts_index("mechanisms_report", "symbol_key"),
        fts_index("mechanisms_mechanism", "name_key"),
        *search_indexes("mechanisms_report", text=["title"]),
    ]

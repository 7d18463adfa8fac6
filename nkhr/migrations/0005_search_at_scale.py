"""Indexes for substring search at scale: on PostgreSQL, trigram indexes for the text columns
searched case-insensitively; on SQLite, FTS5 trigram tables for every searched column."""

from django.db import migrations

from nkhr.db import fts_index, search_indexes


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0004_search_indexes")]

    operations = [
        # The key columns' PostgreSQL indexes come from 0004; SQLite gets their FTS here.
        fts_index("nkhr_actor", "name_key"),
        fts_index("nkhr_alias", "name_key"),
        fts_index("nkhr_instrument", "title_key"),
        fts_index("nkhr_instrument", "symbol_key"),
        fts_index("nkhr_legislation", "bill_number_key"),
        fts_index("nkhr_event", "title_key"),
        fts_index("nkhr_source", "symbol_key"),
        *search_indexes("nkhr_actor", text=["name", "id", "wikidata_id"]),
        *search_indexes("nkhr_alias", text=["name"]),
        *search_indexes("nkhr_legislation", text=["title", "short_title", "law_number"]),
    ]

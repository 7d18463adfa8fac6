"""The trigram indexes (PostgreSQL) and FTS5 tables (SQLite) of key columns that nothing
searches any more: every search of these record types reads their search documents
(`search_keys`, 0011). Each written row paid for them (a trigram build, an FTS5 trigger);
their b-tree indexes stay (imports match duplicates on the keys exactly)."""

from django.db import migrations

from nkhr.db import dropped, fts_index, trigram_index

UNREAD_KEYS = [
    ("nkhr_event", "title_key"),
    ("nkhr_instrument", "title_key"),
    ("nkhr_instrument", "symbol_key"),
    ("nkhr_legislation", "bill_number_key"),
    ("nkhr_legislationalias", "name_key"),
    ("nkhr_source", "symbol_key"),
]


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0012_document_key_lists")]

    operations = [
        dropped(operation)
        for table, column in UNREAD_KEYS
        for operation in (trigram_index(table, column), fts_index(table, column))
    ]

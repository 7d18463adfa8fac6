"""The trigram indexes (PostgreSQL) and FTS5 tables (SQLite) of key columns that nothing
searches any more: every search of reports and mechanisms reads their search documents
(`search_keys`, 0008). Their b-tree indexes stay (imports match duplicates on them)."""

from django.db import migrations

from nkhr.db import dropped, fts_index, trigram_index

UNREAD_KEYS = [
    ("mechanisms_report", "title_key"),
    ("mechanisms_report", "symbol_key"),
    ("mechanisms_mechanism", "name_key"),
]


class Migration(migrations.Migration):
    dependencies = [("mechanisms", "0009_document_key_lists")]

    operations = [
        dropped(operation)
        for table, column in UNREAD_KEYS
        for operation in (trigram_index(table, column), fts_index(table, column))
    ]

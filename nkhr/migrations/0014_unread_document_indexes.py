"""The substring indexes (PostgreSQL trigram, SQLite FTS5) of a search document that no
search reads: the type has no names of its own, and every search finds its records through
the documents of the records it links to (`nkhr.search.SearchSpec.key_paths`). The
document stays, for scoring and showing what matched."""

from django.db import migrations

from nkhr.db import dropped, fts_index, trigram_index

UNREAD = [("nkhr_recommendation", "search_keys"), ("nkhr_recommendation", "search_keys_hidden")]


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0013_unread_key_indexes")]

    operations = [
        dropped(operation)
        for table, column in UNREAD
        for operation in (trigram_index(table, column), fts_index(table, column))
    ]

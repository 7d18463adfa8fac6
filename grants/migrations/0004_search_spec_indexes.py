"""Indexes for the priorities' text a programme's search spec names (a trigram index on
`UPPER(text)` on PostgreSQL, an FTS5 trigram table on SQLite)."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0003_history_and_publication"),
        ("nkhr", "0007_search_spec_indexes"),
    ]

    operations = [
        TRIGRAM_EXTENSION,
        *search_indexes("grants_fundingpriority", text=["text"]),
    ]

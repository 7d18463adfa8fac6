"""Indexes for the round title its search spec names (a trigram index on `UPPER(title)` on
PostgreSQL, an FTS5 trigram table on SQLite)."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0005_designation_regime_order"),
        ("nkhr", "0007_search_spec_indexes"),
    ]

    operations = [
        TRIGRAM_EXTENSION,
        *search_indexes("sanctions_designationround", text=["title"]),
    ]

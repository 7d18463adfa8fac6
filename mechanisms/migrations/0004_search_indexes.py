"""Trigram indexes for substring search on reports and mechanisms (PostgreSQL only)."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, trigram_index


class Migration(migrations.Migration):
    dependencies = [("mechanisms", "0003_history_and_publication"), ("nkhr", "0004_search_indexes")]

    operations = [
        TRIGRAM_EXTENSION,
        trigram_index("mechanisms_report", "title_key"),
        trigram_index("mechanisms_report", "symbol_key"),
        trigram_index("mechanisms_mechanism", "name_key"),
    ]

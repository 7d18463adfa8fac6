"""Trigram indexes for substring search on the core records' keys (PostgreSQL only)."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, trigram_index


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0003_roles")]

    operations = [
        TRIGRAM_EXTENSION,
        trigram_index("nkhr_actor", "name_key"),
        trigram_index("nkhr_alias", "name_key"),
        trigram_index("nkhr_instrument", "title_key"),
        trigram_index("nkhr_instrument", "symbol_key"),
        trigram_index("nkhr_legislation", "bill_number_key"),
        trigram_index("nkhr_event", "title_key"),
        trigram_index("nkhr_source", "symbol_key"),
    ]

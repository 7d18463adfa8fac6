"""Indexes for the text columns the core records' search specs name that had none: a source's
title, author and publisher, an instrument's titles, a recommendation's title and text (a
trigram index on `UPPER(column)` on PostgreSQL, an FTS5 trigram table on SQLite)."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, search_indexes


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0006_list_order_indexes")]

    operations = [
        TRIGRAM_EXTENSION,
        *search_indexes("nkhr_source", text=["title", "author", "publisher"]),
        *search_indexes("nkhr_instrument", text=["title", "short_title"]),
        *search_indexes("nkhr_recommendation", text=["title", "text"]),
    ]

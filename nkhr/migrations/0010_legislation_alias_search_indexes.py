"""Indexes for finding a bill by an alias: on PostgreSQL a trigram index on the alias's key
and on its name as written; on SQLite an FTS5 trigram table for each (`nkhr.db`)."""

from django.db import migrations

from nkhr.db import search_indexes


class Migration(migrations.Migration):
    dependencies = [("nkhr", "0009_legislation_aliases")]

    operations = [*search_indexes("nkhr_legislationalias", keys=["name_key"], text=["name"])]

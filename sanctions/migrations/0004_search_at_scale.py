"""Substring search of designations by reference and public id, indexed on both backends."""

from django.db import migrations

from nkhr.db import TRIGRAM_EXTENSION, search_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0003_designation_order_indexes"),
        ("nkhr", "0005_search_at_scale"),
    ]

    operations = [
        TRIGRAM_EXTENSION,
        *search_indexes("sanctions_designation", text=["reference", "id"]),
    ]

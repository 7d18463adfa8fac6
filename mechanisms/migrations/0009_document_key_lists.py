"""Whole-key indexes of the search documents (PostgreSQL): a name equal to the query's
key is one GIN lookup (`nkhr.db.key_list_index`)."""

from django.db import migrations

from nkhr.db import key_list_index

DOCUMENT_COLUMNS = ("search_keys", "search_keys_hidden")


class Migration(migrations.Migration):
    dependencies = [
        ("mechanisms", "0008_search_documents"),
    ]

    operations = [
        *(key_list_index("mechanisms_mechanism", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("mechanisms_report", column) for column in DOCUMENT_COLUMNS),
    ]

"""Whole-key indexes of the search documents (PostgreSQL): a name equal to the query's
key is one GIN lookup (`nkhr.db.key_list_index`)."""

from django.db import migrations

from nkhr.db import key_list_index

DOCUMENT_COLUMNS = ("search_keys", "search_keys_hidden")


class Migration(migrations.Migration):
    dependencies = [
        ("nkhr", "0011_search_documents"),
    ]

    operations = [
        *(key_list_index("nkhr_actor", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("nkhr_event", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("nkhr_instrument", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("nkhr_legislation", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("nkhr_recommendation", column) for column in DOCUMENT_COLUMNS),
        *(key_list_index("nkhr_source", column) for column in DOCUMENT_COLUMNS),
    ]

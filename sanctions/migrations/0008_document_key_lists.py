"""Whole-key indexes of the search documents (PostgreSQL): a name equal to the query's
key is one GIN lookup (`nkhr.db.key_list_index`). Designations have none: they are found
through their targets' documents (`nkhr.search.ranked_candidates`)."""

from django.db import migrations

from nkhr.db import key_list_index

DOCUMENT_COLUMNS = ("search_keys", "search_keys_hidden")


class Migration(migrations.Migration):
    dependencies = [
        ("sanctions", "0007_search_documents"),
    ]

    operations = [
        *(key_list_index("sanctions_designationround", column) for column in DOCUMENT_COLUMNS),
    ]

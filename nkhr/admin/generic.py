"""The admin page of a record type registered without one (`nkhr.registry.register`): a
`RecordAdmin` made from the model, so that curators can find, edit and trace records of a
new type as soon as it is registered.

It lists the record's name (or title) and publication state, searches by the type's search
spec, chooses linked records by autocomplete and shows citations inline (as every
`RecordAdmin` does). A type whose
curators need more (inlines of its own rows, list filters, fieldsets) declares its own
admin on `RecordAdmin`, as the project's types do.
"""

from django.contrib import admin

from nkhr.admin.base import RecordAdmin
from nkhr.models.base import record_links


def default_admin(model, search=None):
    """Register and return the admin class of `model`; an admin the app already
    registered is kept as it is."""
    if admin.site.is_registered(model):
        return type(admin.site.get_model_admin(model))
    names = {field.name for field in model._meta.concrete_fields}
    shown = next((name for name in ("name", "title") if name in names), "__str__")
    links = [field.name for field in record_links(model)]
    attributes = {
        "list_display": [shown, "publication", "id"],
        "list_filter": ["publication"],
        "search_fields": ["id"],
        "autocomplete_fields": links,
    }
    if search is not None:
        attributes["key_search_fields"] = search.key_paths()
    model_admin = type(f"{model.__name__}Admin", (RecordAdmin,), attributes)
    admin.site.register(model, model_admin)
    return model_admin

"""The admin index as curators use it: what they open, grouped and in that order.

* The record apps come first, in the order of their record types in the registry (core
  records, UN, sanctions, funding), each listing first the records its curators open most
  (the app's `AppConfig.admin_opened_first`), then its other record types in registry
  order, then any other models alphabetically; the apps of logins and tokens come last.
* Rows inside records (aliases, citations, participants, provisions, positions held …),
  which curators edit inline on their record's page, are left off the index and the
  navigation sidebar. They stay registered, so their change links and lists work, and the
  app's own page (/admin/nkhr/) still lists them, after the records.

`arrange_index(site)` applies this to an admin site, leaving the rest of the site as it is.
"""

from django.apps import apps
from django.contrib.admin import AdminSite

from nkhr.admin.base import CitationInline
from nkhr.registry import LAST, record_types

# Logins, groups and API tokens: set up once, after the records.
LAST_APPS = ("auth", "authtoken")


def row_models(site: AdminSite) -> set:
    """The models edited inline inside records on `site` (with citations, which every
    cited record's page adds)."""
    models = {CitationInline.model}
    for model in apps.get_models():
        if site.is_registered(model):
            models.update(inline.model for inline in site.get_model_admin(model).inlines)
    return models


def opened_first(app_label: str) -> tuple[str, ...]:
    """The model names an app's curators open most, first: its AppConfig's
    `admin_opened_first`, declared by the app itself."""
    try:
        return tuple(getattr(apps.get_app_config(app_label), "admin_opened_first", ()))
    except LookupError:
        return ()


def type_positions() -> dict:
    """Each registered record type's model and its position (`nkhr.registry`)."""
    return {record_type.model: record_type.position for record_type in record_types()}


def app_position(app: dict, positions: dict) -> tuple:
    """Record apps first, in the order of their first record type; logins and tokens last."""
    label = app["app_label"]
    mine = [position for model, position in positions.items() if model._meta.app_label == label]
    if mine:
        return (0, min(mine), "")
    return (2 if label in LAST_APPS else 1, 0, str(app["name"]).lower())


def arrange_index(site: AdminSite) -> None:
    """Group and order `site`'s index and sidebar as described in the module docstring."""
    build_app_list = site.get_app_list

    def get_app_list(request, app_label=None):
        app_list = build_app_list(request, app_label)
        rows = row_models(site)
        positions = type_positions()

        for app in app_list:
            first = opened_first(app["app_label"])

            def position(entry, first=first):
                model = entry["model"]
                name = model._meta.model_name
                order = first.index(name) if name in first else LAST + positions.get(model, LAST)
                return (model in rows, order, str(entry["name"]).lower())

            if app_label is None:
                app["models"] = [entry for entry in app["models"] if entry["model"] not in rows]
            app["models"].sort(key=position)
        shown = [app for app in app_list if app["models"]]
        return sorted(shown, key=lambda app: app_position(app, positions))

    site.get_app_list = get_app_list

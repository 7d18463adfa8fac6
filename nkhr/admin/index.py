"""The admin index as curators use it: what they open, grouped and in that order.

* The record apps come first (core records, UN, sanctions, funding), each listing its
  records in the order of `OPENED_FIRST`, then any others alphabetically; the apps of
  logins and tokens come last.
* Rows inside records (aliases, citations, participants, provisions, positions held …),
  which curators edit inline on their record's page, are left off the index and the
  navigation sidebar. They stay registered, so their change links and lists work, and the
  app's own page (/admin/nkhr/) still lists them, after the records.

`arrange_index(site)` applies this to an admin site, leaving the rest of the site as it is.
"""

from django.apps import apps
from django.contrib.admin import AdminSite

from nkhr.admin.base import CitationInline

# Within each record app, the records curators open most, first.
OPENED_FIRST = {
    "nkhr": ("actor", "legislation", "event", "recommendation", "instrument", "source"),
    "mechanisms": ("resolution", "treaty", "mechanism", "report"),
    "sanctions": ("designation", "designationround", "sanctionsregime"),
    "grants": ("fundingprogramme", "award"),
}
RECORD_APPS = tuple(OPENED_FIRST)
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


def app_position(app: dict) -> tuple:
    label = app["app_label"]
    if label in RECORD_APPS:
        return (0, RECORD_APPS.index(label), "")
    return (2 if label in LAST_APPS else 1, 0, str(app["name"]).lower())


def arrange_index(site: AdminSite) -> None:
    """Group and order `site`'s index and sidebar as described in the module docstring."""
    build_app_list = site.get_app_list

    def get_app_list(request, app_label=None):
        app_list = build_app_list(request, app_label)
        rows = row_models(site)
        for app in app_list:
            first = OPENED_FIRST.get(app["app_label"], ())

            def position(entry, first=first):
                name = entry["object_name"].lower()
                order = first.index(name) if name in first else len(first)
                return (entry["model"] in rows, order, str(entry["name"]).lower())

            if app_label is None:
                app["models"] = [entry for entry in app["models"] if entry["model"] not in rows]
            app["models"].sort(key=position)
        return sorted((app for app in app_list if app["models"]), key=app_position)

    site.get_app_list = get_app_list

"""The admin pages of the paper's records, for tests that open every kind of page."""

from django.contrib.admin.utils import quote
from django.test import RequestFactory
from django.urls import reverse

from nkhr.models import CitedRecord
from tests.admin_base import model_admins

RECORD_APPS = ("nkhr", "mechanisms", "sanctions", "grants")


def record_model_admins() -> list:
    """(model, ModelAdmin) of every registered model of the record apps, proxies included."""
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in model_admins()
            if model._meta.app_label in RECORD_APPS
        ),
        key=lambda item: item[0]._meta.label,
    )


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(model, obj) -> str:
    """`obj`'s change page on `model`'s admin (a proxy's page for a proxy)."""
    return admin_url(model, "change", quote(obj.pk))


def records_of(model_admin, user):
    """The records `user` finds in `model_admin`'s list (a proxy's kind only)."""
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.get_queryset(request)


def inline_link(model, inline):
    """The foreign key of `inline`'s rows to `model`: the one `fk_name` names, else the one
    pointing at `model` (a proxy itself or its concrete model) or a parent of it."""
    if inline.fk_name:
        return inline.model._meta.get_field(inline.fk_name)
    concrete = model._meta.concrete_model
    targets = {model, concrete, *concrete._meta.get_parent_list()}
    (link,) = (
        field
        for field in inline.model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model in targets
    )
    return link


def row_count(model_admin, obj) -> int:
    """Rows on `obj`'s change page: its inlines' rows and its citations."""
    count = obj.citations.count() if isinstance(obj, CitedRecord) else 0
    for inline in model_admin.inlines:
        fk = inline_link(model_admin.model, inline)
        count += inline.model._default_manager.filter(**{fk.name: obj.pk}).count()
    return count


def fullest_record(model_admin, user):
    """The record of `model_admin` with the most rows on its change page, or None."""
    return max(
        records_of(model_admin, user), key=lambda obj: row_count(model_admin, obj), default=None
    )

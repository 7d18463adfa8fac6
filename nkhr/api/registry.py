"""Which API route shows which model, so any record can be linked in brief form."""

from django.db import models
from rest_framework.reverse import reverse

# model class -> router basename, filled in by nkhr.api.urls as resources are registered
_BASENAMES: dict[type[models.Model], str] = {}


def register(model: type[models.Model], basename: str) -> None:
    _BASENAMES[model] = basename


def basename_for(model: type[models.Model]) -> str | None:
    """The route of `model`; a proxy without a route of its own links to its concrete model."""
    return _BASENAMES.get(model) or _BASENAMES.get(model._meta.concrete_model)


def record_url(instance, request=None) -> str | None:
    basename = basename_for(type(instance))
    if basename is None:
        return None
    return reverse(f"api:{basename}-detail", kwargs={"pk": instance.pk}, request=request)


def record_name(instance) -> str:
    for attribute in ("name", "title"):
        value = getattr(instance, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(instance)


def record_kind(instance) -> str:
    kind = getattr(instance, "kind", None)
    return kind if isinstance(kind, str) and kind else instance._meta.model_name


def brief(instance, request=None) -> dict:
    """`{id, url, name, kind}` of a record."""
    return {
        "id": instance.pk,
        "url": record_url(instance, request),
        "name": record_name(instance),
        "kind": record_kind(instance),
    }

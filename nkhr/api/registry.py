"""Which API route shows which model, so any record can be linked in brief form."""

from django.db import models
from django.urls import reverse

# model class -> router basename, filled in by nkhr.api.urls as resources are registered
_BASENAMES: dict[type[models.Model], str] = {}


def register(model: type[models.Model], basename: str) -> None:
    _BASENAMES[model] = basename


def basename_for(model: type[models.Model], kind: str | None = None) -> str | None:
    """The route of `model`. An instrument whose kind has a route of its own (a sanctions
    regime) links there; a proxy without a route links to its concrete model."""
    if kind is not None:
        for registered, basename in _BASENAMES.items():
            if (
                registered._meta.proxy
                and registered._meta.concrete_model is model._meta.concrete_model
                and getattr(registered, "kind_value", None) == kind
            ):
                return basename
    return _BASENAMES.get(model) or _BASENAMES.get(model._meta.concrete_model)


def is_covered_by_concrete_route(model: type[models.Model]) -> bool:
    """A proxy whose records are also served by its concrete model's route."""
    return model._meta.proxy and model._meta.concrete_model in _BASENAMES


_PK_PLACEHOLDER = "__pk__"
# (model, kind) -> the detail path with a placeholder for the public id
_PATHS: dict[tuple, str] = {}


def record_path(model: type[models.Model], kind: str | None, pk) -> str | None:
    """The API path of the record `pk` of `model` (of `kind`), or None if it has no route."""
    path = _PATHS.get((model, kind))
    if path is None:
        basename = basename_for(model, kind)
        if basename is None:
            return None  # not remembered: routes are registered as the URLconf loads
        # Reversed once per route: a page of a hundred designations links several hundred
        # records, and URL reversing is the costliest part of a brief link. Django's
        # reverse, not DRF's: links must not inherit this response's ?format=.
        path = reverse(f"api:{basename}-detail", kwargs={"pk": _PK_PLACEHOLDER})
        _PATHS[model, kind] = path
    return path.replace(_PK_PLACEHOLDER, str(pk))


def site_root(request) -> str:
    root = getattr(request, "_nkhr_site_root", None)
    if root is None:
        root = request._nkhr_site_root = request.build_absolute_uri("/").rstrip("/")
    return root


def record_url(instance, request=None) -> str | None:
    path = record_path(type(instance), getattr(instance, "kind", None), instance.pk)
    if path is None:
        return None
    return site_root(request) + path if request is not None else path


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

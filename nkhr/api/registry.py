"""Which API route shows which model, so any record can be linked in brief form."""

from django.db import models
from django.urls import reverse

from nkhr import registry
from nkhr.api.permissions import is_visible


def _basenames() -> dict[type[models.Model], str]:
    """model class -> router basename, from the record types (nkhr/registry.py)."""
    return {record_type.model: record_type.basename for record_type in registry.record_types()}


def basename_for(model: type[models.Model], kind: str | None = None) -> str | None:
    """The route of `model`. An instrument whose kind has a route of its own (a sanctions
    regime) links there; a proxy without a route links to its concrete model."""
    basenames = _basenames()
    if kind is not None:
        for registered, basename in basenames.items():
            if (
                registered._meta.proxy
                and registered._meta.concrete_model is model._meta.concrete_model
                and getattr(registered, "kind_value", None) == kind
            ):
                return basename
    return basenames.get(model) or basenames.get(model._meta.concrete_model)


def is_covered_by_concrete_route(model: type[models.Model]) -> bool:
    """A proxy whose records are also served by its concrete model's route."""
    return model._meta.proxy and model._meta.concrete_model in _basenames()


_PK_PLACEHOLDER = "__pk__"
# (model, kind) -> the detail path with a placeholder for the public id
_PATHS: dict[tuple, str] = {}


def record_path(model: type[models.Model], kind: str | None, pk) -> str | None:
    """The API path of the record `pk` of `model` (of `kind`), or None if it has no route."""
    path = _PATHS.get((model, kind))
    if path is None:
        basename = basename_for(model, kind)
        if basename is None:
            return None  # a model of no record type
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


def set_site_root(request, root: str) -> None:
    """Make links read under `request` start with `root` (`https://records.example.org`),
    for reads that have no request of their own (the bulk dumps)."""
    request._nkhr_site_root = root.rstrip("/")


def record_url(instance, request=None) -> str | None:
    path = record_path(type(instance), getattr(instance, "kind", None), instance.pk)
    if path is None:
        return None
    return site_root(request) + path if request is not None else path


# What stands for a name the reader may not see (a draft target's, in a designation's name).
HIDDEN_NAME = "(not public)"


def record_name(instance, request=None) -> str:
    for attribute in ("name", "title"):
        value = getattr(instance, attribute, None)
        if isinstance(value, str) and value:
            return value
    if hasattr(instance, "name_from_values"):
        needed, function = instance.name_from_values
        return function(*[_value_through(instance, path, request) for path in needed])
    return str(instance)


def _value_through(instance, path: str, request):
    """The value at `path` (`target__name`) from `instance`, or HIDDEN_NAME where a record
    on the way may not be seen by the reader."""
    value = instance
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
        if isinstance(value, models.Model) and not is_visible(value, request):
            return HIDDEN_NAME
    return value


def record_kind(instance) -> str:
    kind = getattr(instance, "kind", None)
    return kind if isinstance(kind, str) and kind else instance._meta.model_name


def brief(instance, request=None) -> dict:
    """`{id, url, name, kind}` of a record."""
    return {
        "id": instance.pk,
        "url": record_url(instance, request),
        "name": record_name(instance, request),
        "kind": record_kind(instance),
    }

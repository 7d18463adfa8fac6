"""The API of a record type registered without one of its own (`nkhr.registry.RecordType`
with no viewset): a serializer, filterset and viewset made from the model, so that a type
is served, searched and exported as soon as it is registered.

What they show is read off the model: every editable column (a partial date with its
precision), every link to another record (as a brief link, writable by public id), every
many-to-many link without rows of its own, and the citations of a cited record. A type
that needs more (nested rows, links shown on the detail page only, ordering by its own
fields) declares its own classes on the same bases, as the project's types do.
"""

from django.db import models

from nkhr.api.base import RecordSerializer
from nkhr.api.filtering import RecordFilterSet
from nkhr.api.serializers import RECORD_FIELDS
from nkhr.api.views import CITATIONS
from nkhr.api.viewsets import RecordViewSet
from nkhr.models.base import record_links

# Columns every record has, shown by RECORD_FIELDS or not at all.
_RECORD_COLUMNS = frozenset({"id", "publication", "created", "updated"})


def _columns(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and field.name not in _RECORD_COLUMNS
    ]


def _links(model) -> list[str]:
    return [field.name for field in record_links(model)]


def _partial_dates(model) -> tuple[str, ...]:
    names = {field.name for field in model._meta.concrete_fields}
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField) and f"{field.name}_precision" in names
    )


def default_serializer(model) -> type[RecordSerializer]:
    fields = [*RECORD_FIELDS, *(field.name for field in _columns(model))]
    fields += [
        field.name
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    if hasattr(model, "citations"):
        fields.append("citations")
    meta = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}Serializer", (RecordSerializer,), {"Meta": meta})


def default_filterset(model, search=None) -> type[RecordFilterSet]:
    choices = [field.name for field in _columns(model) if field.choices and not field.many_to_one]
    meta = type("Meta", (), {"model": model, "fields": [*_links(model), *choices]})
    attributes = {"Meta": meta, "partial_dates": _partial_dates(model)}
    if search is not None:
        attributes["search_spec"] = search
    return type(f"{model.__name__}FilterSet", (RecordFilterSet,), attributes)


def default_viewset(model, search=None) -> type[RecordViewSet]:
    queryset = model._default_manager.select_related(*_links(model))
    if hasattr(model, "citations"):
        queryset = queryset.prefetch_related(CITATIONS)
    named = [
        field.name
        for field in _columns(model)
        if not field.many_to_one and not isinstance(field, models.TextField)
    ]
    attributes = {
        "queryset": queryset,
        "serializer_class": default_serializer(model),
        "filterset_class": default_filterset(model, search),
        "ordering_fields": ["id", *named, "created", "updated"],
        "__doc__": f"{str(model._meta.verbose_name_plural).capitalize()}, by public id.",
    }
    return type(f"{model.__name__}ViewSet", (RecordViewSet,), attributes)

"""Filtering building blocks every resource reuses.

`RecordFilterSet` gives each list `updated_since`, `created_after`/`created_before`,
`<date>_after`/`<date>_before` for every partial date it names, and `search`, matched as
its `search_spec` (`nkhr.search.SearchSpec`) says, on keys that ignore case, spacing,
punctuation and romanization (see `nkhr.text`). Unknown query parameters are refused
before a list is read (`nkhr.api.parameters`), so a mistyped filter is a 400, not ignored.

Each filter set also says which fields its list counts by value (`?facets=`, `Facet`):
by default every choice and every link to another record it filters by, and the year of
each partial date (`<date>_year`).
"""

import datetime
import functools
import hashlib
import json
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Count, F, Q
from django.db.models.functions import ExtractYear
from django_filters import ChoiceFilter, ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter

from nkhr.api.permissions import is_visible
from nkhr.dates import PartialDate
from nkhr.search import (
    BY_IDS,
    BY_ROWS,
    COMMON_ROWS,
    SearchSpec,
    list_search_condition,
    ranked_candidates,
    searching_as,
)

# Values of one facet at most (the most frequent first): a facet is an overview.
FACET_VALUES = 100


def in_utc(value: datetime.datetime) -> datetime.datetime:
    """`value` in UTC, where every database can compare it: an offset like -23:59 moves
    9999-12-31T23:59 past year 9999 (an OverflowError), and PostgreSQL refuses offsets
    beyond 15:59 in a query."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise ValidationError(
            "Out of range: in UTC the time falls before year 1 or after year 9999.",
            code="invalid",
        ) from exc


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time, compared in UTC (`in_utc`)."""

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else in_utc(value)


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class PartialDateFilterField(forms.CharField):
    """Takes `YYYY`, `YYYY-MM` or `YYYY-MM-DD`."""

    def to_python(self, value):
        value = super().to_python(value)
        return PartialDate.parse(value) if value else None


class PartialDateFilter(django_filters.Filter):
    """`after` keeps dates on or after the start of the given period, `before` those on or
    before its end: `listed_before=2017` keeps everything up to 2017-12-31."""

    field_class = PartialDateFilterField

    def __init__(self, *args, bound, **kwargs):
        self.bound = bound
        kwargs.setdefault(
            "help_text",
            f"Dates {'on or after' if bound == 'after' else 'on or before'} "
            "this YYYY, YYYY-MM or YYYY-MM-DD.",
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "after":
            return qs.filter(**{f"{self.field_name}__gte": value.date})
        return qs.filter(**{f"{self.field_name}__lte": value.end})


class RecordFilterSet(django_filters.FilterSet):
    """Base of every resource's FilterSet."""

    updated_since = UTCDateTimeFilter(
        field_name="updated",
        lookup_expr="gte",
        help_text="Records changed at or after this ISO 8601 time, for incremental pulls.",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="Words matched against names, aliases, titles, symbols and numbers, "
        "ignoring case, spacing, punctuation and romanization.",
    )

    # Partial dates to offer `<name>_after` / `<name>_before` filters for.
    partial_dates: tuple[str, ...] = ()
    # What `search` matches: the record type's one spec, which its admin reads too.
    search_spec = SearchSpec()
    # A term matching this many rows in a searched column is tested row by row in the
    # list's order (`nkhr.search.list_search_condition`).
    common_search_rows = COMMON_ROWS
    # The fields `?facets=` counts by, by name (`Facet`); None: every choice and link it
    # filters by (not through a to-many relation) and `<date>_year` of each partial date.
    facets: tuple[str, ...] | None = None

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name in ("created", *cls.partial_dates):
            for bound in ("after", "before"):
                filters[f"{name}_{bound}"] = PartialDateFilter(field_name=name, bound=bound)
        return filters

    @classmethod
    def facet_names(cls) -> list[str]:
        return list(facets_of(cls))

    def filter_search(self, queryset, name, value):
        with searching_as(getattr(self.request, "user", None)):
            condition, tested_per_row = list_search_condition(
                self._meta.model,
                value,
                self.search_spec.key_paths(),
                self.search_spec.text,
                common_rows=self.common_search_rows,
            )
        if condition is not None and self.request is not None:
            # A common term's page is read with one row more, not counted (pagination).
            self.request.search_shape = BY_ROWS if tested_per_row else BY_IDS
        return queryset if condition is None else queryset.filter(condition)

    # The search's parts depend on the class alone: the cross-resource search uses them
    # without building a filter set per resource (which copies every filter).
    @classmethod
    def ranked_candidates(
        cls, value: str, cap: int, similar: bool = False, enough: int | None = None
    ) -> Q | None:
        """The records a ranked search scores (`nkhr.search.ranked_candidates`)."""
        return ranked_candidates(
            cls._meta.model, value, cls.search_spec, cap=cap, similar=similar, enough=enough
        )


def filters_given(request, filterset_class) -> bool:
    """Whether `request` names one of `filterset_class`'s filters (else the list is whole)."""
    return bool(_given(request, filterset_class))


def filters_key(request, filterset_class) -> str:
    """The filters `request` gives, as a short key ('' for none): equal keys, equal lists.
    A filter's values are taken in any order and repeats count once, as the filter reads
    them."""
    given = sorted(
        (name, sorted(set(request.query_params.getlist(name))))
        for name in _given(request, filterset_class)
    )
    if not given:
        return ""
    return hashlib.sha256(json.dumps(given).encode()).hexdigest()[:32]


def _given(request, filterset_class) -> set[str]:
    """The names of `filterset_class`'s filters that `request` gives."""
    if filterset_class is None:
        return set()
    return set(request.query_params) & set(filterset_class.base_filters)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, read only when a filter is given. Unknown parameters never reach it:
    the view refuses them first (`nkhr.api.parameters`)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if not filters_given(request, filterset_class):
            # Nothing to filter by: building the filter set (it copies every filter and
            # binds a form) would cost more than the page's query.
            return queryset
        return super().filter_queryset(request, queryset, view)


# --- ordering ------------------------------------------------------------------------------------


def nulls_placed(model, terms) -> list:
    """`terms` of an `order_by()` with every nullable column of `model` ordered the same
    way on every database: records without a value last, first when reversed (`-`).
    PostgreSQL does that by itself, SQLite the other way round; said explicitly, both
    agree, and PostgreSQL still reads the list's indexes (its default is the same order).
    Links (ordered by the linked model's own ordering) and expressions are left as given."""
    placed = []
    for term in terms:
        if isinstance(term, str) and "__" not in term and term.lstrip("-") not in ("pk", "?"):
            name = term.lstrip("-")
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and field.concrete and field.null and not field.is_relation:
                term = (
                    F(name).desc(nulls_first=True)
                    if term.startswith("-")
                    else F(name).asc(nulls_last=True)
                )
        placed.append(term)
    return placed


class NullsLastOrderingFilter(OrderingFilter):
    """`?ordering=` as DRF reads it, with empty values placed alike on every database
    (`nulls_placed`). The view has already refused fields it does not offer."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*nulls_placed(queryset.model, ordering))
        return queryset

    def get_schema_operation_parameters(self, view):
        from nkhr.api.parameters import ordering_parameter

        return [ordering_parameter(view.ordering_fields).openapi()]


# --- facets --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    """A field a list counts its records by (`?facets=<name>`).

    `path` is the ORM path of the value counted; `kind` is "choice" (labelled by the
    field's choices), "link" (a record, labelled by its name; one the reader may not see
    is counted as no value, as the list shows it) or "year" (of a date)."""

    name: str
    path: str
    kind: str

    def counts(self, queryset, request) -> list[dict]:
        """The records of `queryset` per value, the most frequent first: one query."""
        model = queryset.model
        # Rows repeated by a to-many filter are counted once.
        count = Count("pk", distinct=bool(queryset.query.distinct))
        value = ExtractYear(self.path) if self.kind == "year" else F(self.path)
        labelled_by = None
        if self.kind == "link":
            label = label_column(_final_field(model, self.path).related_model)
            labelled_by = f"{self.path}__{label}" if label else None
        # A value read through (or of) a record the reader may not see is no value to them,
        # as the list shows it.
        shown_by = _publication_columns(model, self.path, self.kind == "link")
        columns = ["facet_value", *([labelled_by] if labelled_by else []), *shown_by]
        rows = (
            queryset.order_by()
            .annotate(facet_value=value)
            .values(*columns)
            .annotate(facet_count=count)
            .order_by("-facet_count", "facet_value")[:FACET_VALUES]
        )
        choices = self._choice_labels(model)
        counted: dict = {}
        for row in rows:
            value = row["facet_value"]
            if value is not None and not all(
                is_visible(_State(row[column]), request) for column in shown_by
            ):
                value = None
            if value is None:
                label = None
            elif labelled_by:
                label = row[labelled_by] or value
            elif choices is not None:
                label = choices.get(value, value)
            else:
                label = value
            entry = counted.setdefault(
                value, {"value": value, "label": None if label is None else str(label), "count": 0}
            )
            entry["count"] += row["facet_count"]
        return sorted(
            counted.values(),
            key=lambda entry: (-entry["count"], entry["value"] is None, str(entry["value"])),
        )

    def _choice_labels(self, model) -> dict | None:
        if self.kind != "choice":
            return None
        field = _final_field(model, self.path)
        return {value: str(label) for value, label in field.flatchoices}


class _State:
    """Stands for a linked record whose publication state alone was read."""

    def __init__(self, publication):
        self.publication = publication


def _final_field(model, path: str):
    field = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    return field


def _publication_columns(model, path: str, with_last: bool) -> list[str]:
    """The publication columns of the records `path` passes through (and, `with_last`, of
    the record it ends at)."""
    names = path.split("__")
    columns = []
    for end in range(1, len(names) + (1 if with_last else 0)):
        prefix = "__".join(names[:end])
        related = _final_field(model, prefix).related_model
        if related is not None and _has_field(related, "publication"):
            columns.append(f"{prefix}__publication")
    return columns


def _single_valued(model, path: str) -> bool:
    """Whether `path` reaches one value per record (no to-many hop, no method's name)."""
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return False
        model = field.related_model or model
    return True


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def label_column(model) -> str | None:
    """The column that names a record of `model` in a list: its name, else its title."""
    for name in ("name", "title"):
        if _has_field(model, name):
            return name
    return None


@functools.cache
def facets_of(filterset_class) -> dict[str, Facet]:
    """The facets a filter set offers (`RecordFilterSet.facets`), by name."""
    found = {}
    for name, filter_ in filterset_class.base_filters.items():
        path = filter_.field_name
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter | ModelChoiceFilter):
            kind = "link"
        elif isinstance(filter_, django_filters.MultipleChoiceFilter | ChoiceFilter):
            kind = "choice"
        else:
            continue
        if not _single_valued(filterset_class._meta.model, path):
            continue  # a to-many value: a record would count under several
        found[name] = Facet(name, path, kind)
    for date in filterset_class.partial_dates:
        found[f"{date}_year"] = Facet(f"{date}_year", date, "year")
    declared = filterset_class.facets
    if declared is None:
        return found
    return {name: found[name] for name in declared}

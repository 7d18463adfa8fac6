"""Filtering building blocks every resource reuses.

`RecordFilterSet` gives each list `updated_since`, `created_after`/`created_before`,
`<date>_after`/`<date>_before` for every partial date it names, and `search`, matched as
its `search_spec` (`nkhr.search.SearchSpec`) says, on keys that ignore case, spacing,
punctuation and romanization (see `nkhr.text`). The filter
backend refuses unknown query parameters, so a mistyped filter is a 400, not ignored.
"""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from nkhr.dates import PartialDate
from nkhr.search import (
    BY_IDS,
    BY_ROWS,
    COMMON_ROWS,
    SearchSpec,
    key_condition,
    key_rank,
    linked_models,
    list_search_condition,
    ranked_candidates,
    searching_as,
)

# Query parameters that are not filters but are understood by every list.
GENERAL_PARAMETERS = frozenset(
    {"format", "brief", "limit", "offset", "cursor", "mode", "ordering", "count"}
)


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

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name in ("created", *cls.partial_dates):
            for bound in ("after", "before"):
                filters[f"{name}_{bound}"] = PartialDateFilter(field_name=name, bound=bound)
        return filters

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
    def search_condition(cls, value: str, candidates: int | None = None) -> Q | None:
        spec = cls.search_spec
        return key_condition(cls._meta.model, value, spec.key_paths(), spec.text, candidates)

    @classmethod
    def ranked_candidates(
        cls, value: str, cap: int, similar: bool = False, enough: int | None = None
    ) -> Q | None:
        """The records a ranked search scores (`nkhr.search.ranked_candidates`)."""
        return ranked_candidates(
            cls._meta.model, value, cls.search_spec, cap=cap, similar=similar, enough=enough
        )

    @classmethod
    def linked_models(cls) -> set:
        """Models searched through a link (a designation's target), whose candidates a
        cross-resource search reads once (`nkhr.search.sharing_candidates`)."""
        return linked_models(cls._meta.model, cls.search_spec.links)

    @classmethod
    def search_rank(cls, value: str):
        """An expression ordering exact, then prefix matches of the record's own keys first."""
        return key_rank(cls._meta.model, value, cls.search_spec.key_paths())


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus a 400 for any query parameter the resource does not know."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(GENERAL_PARAMETERS)
        if filterset_class is not None:
            known |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown query parameter."] for name in unknown}
            )
        if filterset_class is None or not set(request.query_params) & set(
            filterset_class.base_filters
        ):
            # Nothing to filter by: building the filter set (it copies every filter and
            # binds a form) would cost more than the page's query.
            return queryset
        return super().filter_queryset(request, queryset, view)

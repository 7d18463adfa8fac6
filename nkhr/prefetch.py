"""Prefetching rows into plain lists.

Django's default `prefetch_related` gives every parent row a QuerySet of its own to hold
the prefetched rows; at a page of a hundred designations with their citations and measures
that bookkeeping costs more than the queries. `rows()` prefetches into a plain list
attribute instead, and `related_rows()` reads it (or falls back to the relation when the
rows were not prefetched), so serializers and exporters work either way.
"""

from django.db.models import Prefetch

PREFIX = "prefetched_"


def rows(relation: str, queryset=None) -> Prefetch:
    """Prefetch `relation` into the list `prefetched_<relation>` on each parent row."""
    return Prefetch(relation, queryset=queryset, to_attr=PREFIX + relation)


def related_rows(instance, relation: str):
    """The rows of `relation`: the prefetched list if there is one, else a fresh query."""
    cached = instance.__dict__.get(PREFIX + relation)
    return cached if cached is not None else getattr(instance, relation).all()


def prefetched_lists(instance):
    """Every list `rows()` prefetched onto `instance`."""
    return [value for key, value in vars(instance).items() if key.startswith(PREFIX)]

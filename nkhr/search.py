"""Search conditions over stored keys, shared by the API's `?search=` and the admin.

A search names lookup paths to key columns and the function that turns a typed term into a
key (`nkhr.text.name_key` for names, `compact` for symbols and bill numbers). Each path
becomes its own condition, and a path through a relation becomes an `IN (subquery)` on the
related table rather than a join, so that no row is repeated and each key column's index
(a trigram index on PostgreSQL) can serve its own branch of the OR.
"""

import operator
from collections.abc import Callable, Iterable
from functools import reduce

from django.db import models

from nkhr.text import compact

KeyFunction = Callable[[str], str]


def _path_condition(model, path: str, lookup: str, value) -> models.Q:
    name, _, rest = path.partition("__")
    if not rest:
        return models.Q(**{f"{name}__{lookup}": value})
    field = model._meta.get_field(name)
    related = field.related_model
    inner = related._base_manager.filter(_path_condition(related, rest, lookup, value))
    if field.many_to_one or (field.one_to_one and not field.auto_created):
        return models.Q(**{f"{field.attname}__in": inner.values("pk")})
    # A reverse relation (aliases of an actor): ids of the rows' owners.
    return models.Q(pk__in=inner.values(field.field.attname))


def key_condition(
    model, term: str, paths: Iterable[tuple[str, KeyFunction]], text_paths: Iterable[str] = ()
) -> models.Q | None:
    """OR of every key path containing the term's key and every text path containing the
    term (case-insensitively); None when the term has nothing to search for."""
    if not compact(term):
        return None
    branches = [
        _path_condition(model, path, "contains", make_key(term))
        for path, make_key in paths
        if make_key(term)
    ]
    branches += [_path_condition(model, path, "icontains", term.strip()) for path in text_paths]
    return reduce(operator.or_, branches) if branches else None

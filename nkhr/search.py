"""Search conditions over stored keys and text, shared by the API's `?search=`, the
cross-resource search and the admin.

A search names lookup paths to columns and how the typed term is matched there: a key
function (`nkhr.text.name_key` for names, `compact` for symbols and bill numbers) whose
result the stored key must contain, or the term as typed, contained case-insensitively.

Each path becomes a query of its own for the ids of the searched model: on the column's own
table, through relations as `IN (subquery)` (no join, so no row is repeated). The condition
is `pk IN (branch UNION ALL branch …)`, never an OR of branches: an OR across tables makes
the database read the whole searched table and test every row, while each branch of a
union is answered from its column's index: a GIN trigram index on PostgreSQL
(`nkhr.db`), an FTS5 trigram table on SQLite, which the branch consults first and then
rechecks the lookup itself, so both databases find exactly the rows the lookup defines.
"""

from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils.text import smart_split, unescape_string_literal

from nkhr.db import FTS_MIN_LENGTH, SEARCH_INDEXED, fts_phrase, fts_table
from nkhr.text import compact

KeyFunction = Callable[[str], str]

# Lookups whose pattern is "contains": the ones an FTS5 trigram table can narrow down.
_CONTAINS_LOOKUPS = {"contains", "icontains"}


def _column_condition(model, name: str, lookup: str, value) -> models.Q:
    """`name__lookup=value` on `model`'s own column, narrowed on SQLite by the column's FTS5
    trigram table when it has one."""
    if name == "pk":
        name = model._meta.pk.name
    condition = models.Q(**{f"{name}__{lookup}": value})
    if connection.vendor != "sqlite" or lookup not in _CONTAINS_LOOKUPS:
        return condition
    field = model._meta.get_field(name)
    table, column = model._meta.db_table, field.column
    if (table, column) not in SEARCH_INDEXED or len(value) < FTS_MIN_LENGTH:
        return condition
    pk_column = model._meta.pk.column
    fts = fts_table(table, column)
    candidates = RawSQL(
        f'SELECT "{pk_column}" FROM "{table}" WHERE rowid IN '
        f'(SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s)',
        [fts_phrase(value)],
    )
    return models.Q(pk__in=candidates) & condition


Spec = tuple[str, str, object]  # (lookup path, lookup, value)


def _capped(model, ids: models.QuerySet, cap: int | None, column: str = "pk"):
    """At most `cap` of the ids (any `cap` of them), as an `IN (… LIMIT cap)` that both
    databases accept inside a union; all of them when `cap` is None."""
    if cap is None:
        return ids
    return model._base_manager.filter(**{f"{column}__in": ids[:cap]}).order_by().values(column)


def _owner_ids(field, path: str, lookup: str, value, cap: int | None) -> models.QuerySet:
    """Owner ids (`field` is a reverse relation: the actors of aliases) of the related rows
    whose `path` matches, read from the related table alone."""
    related, owner = field.related_model, field.field.attname
    if "__" in path:
        branches = _branches(related, [(path, lookup, value)], cap)
        condition = models.Q(pk__in=_union(branches))
    else:
        condition = _column_condition(related, path, lookup, value)
    owners = related._base_manager.filter(condition).order_by().values(owner)
    return _capped(related, owners, cap, owner)


def _branches(model, specs: Iterable[Spec], cap: int | None = None) -> list[models.QuerySet]:
    """Queries for the ids of `model`'s rows matching each spec. Specs through one foreign
    key share a branch (`fk IN (…)`), so the table is read once for all of them. With a
    `cap`, each branch gives at most that many ids."""
    branches, through = [], {}
    for path, lookup, value in specs:
        name, _, rest = path.partition("__")
        if not rest:
            condition = _column_condition(model, name, lookup, value)
            ids = model._base_manager.filter(condition).order_by().values("pk")
            branches.append(_capped(model, ids, cap))
            continue
        field = model._meta.get_field(name)
        if field.many_to_one or (field.one_to_one and not field.auto_created):
            through.setdefault(field, []).append((rest, lookup, value))
        else:
            branches.append(_owner_ids(field, rest, lookup, value, cap))
    for field, related_specs in through.items():
        related_ids = _union(_branches(field.related_model, related_specs, cap))
        matching = model._base_manager.filter(**{f"{field.attname}__in": related_ids})
        branches.append(_capped(model, matching.order_by().values("pk"), cap))
    return branches


def _union(branches: Sequence[models.QuerySet]) -> models.QuerySet:
    first, *rest = branches
    # UNION ALL: `IN` ignores repeats, so there is nothing to gain from removing them.
    return first.union(*rest, all=True) if rest else first


def _in_any(model, branches: Sequence[models.QuerySet]) -> models.Q | None:
    return models.Q(pk__in=_union(branches)) if branches else None


def _key_specs(term: str, paths: Iterable[tuple[str, KeyFunction]]) -> list[Spec]:
    specs = []
    for path, make_key in paths:
        key = make_key(term)
        if key:
            specs.append((path, "contains", key))
    return specs


def key_condition(
    model,
    term: str,
    paths: Iterable[tuple[str, KeyFunction]],
    text_paths: Iterable[str] = (),
    candidates: int | None = None,
) -> models.Q | None:
    """Rows with any key path containing the term's key or any text path containing the
    term (case-insensitively); None when the term has nothing to search for.

    With `candidates`, for a ranked search that shows a few top hits: each branch gives at
    most that many rows (a common name matches a fifth of a million actors; reading them
    all to show 25 is the cost of a search), and every row whose own key equals the term's
    key is added, so the exact hits always rank first."""
    if not compact(term):
        return None
    paths = list(paths)
    specs = _key_specs(term, paths)
    specs += [(path, "icontains", term.strip()) for path in text_paths]
    branches = _branches(model, specs, candidates)
    if candidates is not None:
        exact = [(path, "exact", key) for path, _, key in _key_specs(term, paths)]
        branches += _branches(model, [spec for spec in exact if "__" not in spec[0]])
    return _in_any(model, branches)


def _search_field_lookup(field_name: str) -> tuple[str, str]:
    """The path and lookup of an admin `search_fields` entry, as Django reads it."""
    if field_name.startswith("^"):
        return field_name[1:], "istartswith"
    if field_name.startswith("="):
        return field_name[1:], "iexact"
    if field_name.startswith("@"):
        return field_name[1:], "search"
    return field_name, "icontains"


def search_words(term: str) -> list[str]:
    """The words of an admin search, split and unquoted as Django's admin does."""
    words = []
    for bit in smart_split(term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        words.append(bit)
    return words


def admin_search_condition(
    model,
    term: str,
    search_fields: Iterable[str],
    key_paths: Iterable[tuple[str, KeyFunction]] = (),
) -> models.Q | None:
    """The admin's search: every word of the term in some `search_fields` column (as
    Django's admin matches them), or the whole term's key in some key path. None when
    there is nothing to search for."""
    fields = [_search_field_lookup(str(name)) for name in search_fields]
    words = search_words(term) if fields else []
    word_specs = [[(path, lookup, word) for path, lookup in fields] for word in words]
    specs = _key_specs(term, key_paths) if compact(term) else []
    if len(word_specs) == 1:
        return _in_any(model, _branches(model, specs + word_specs[0]))
    branches = _branches(model, specs)
    if word_specs:
        every_word = model._base_manager.all()
        for one_word in word_specs:
            every_word = every_word.filter(pk__in=_union(_branches(model, one_word)))
        branches.append(every_word.order_by().values("pk"))
    return _in_any(model, branches)


def key_rank(model, term: str, paths: Iterable[tuple[str, KeyFunction]]) -> models.Expression:
    """0 for a row whose own key equals the term's key, 1 for one whose key starts with it,
    2 for the rest: ordering by it puts the closest names first. Only the model's own key
    columns count (a relation's would cost a lookup per row)."""
    whens = []
    for rank, lookup in ((0, "exact"), (1, "startswith")):
        for path, make_key in paths:
            key = make_key(term)
            if key and "__" not in path:
                whens.append(models.When(models.Q(**{f"{path}__{lookup}": key}), then=rank))
    if not whens:
        return models.Value(2)
    return models.Case(*whens, default=models.Value(2), output_field=models.IntegerField())

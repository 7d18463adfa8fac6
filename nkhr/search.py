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

What a record type searches is written once, as a `SearchSpec` declared beside its filter
set: the API's `?search=`, the cross-resource search, the admin's key search and its
autocomplete all read it, and tests/nkhr/test_search_indexes.py checks that every column
it names has its index on both databases.
"""

import operator
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import lru_cache, reduce

from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.lookups import IsNull
from django.utils.text import smart_split, unescape_string_literal

from nkhr.db import FTS_MIN_LENGTH, fts_indexed, fts_phrase, fts_table, in_list, in_set, key_list
from nkhr.documents import has_document
from nkhr.models.publication import Publication, can_view_unpublished
from nkhr.names import name_forms
from nkhr.text import compact

KeyFunction = Callable[[str], str | tuple[str, ...]]


@dataclass(frozen=True)
class SearchSpec:
    """What a record type is found by: the one declaration its search document
    (`nkhr.documents`) is built from, and so what every search of it matches.

    `names` are its fields holding names or titles; `aliases` its to-many relations of
    name rows (`NameRow`: name, language, script); `keys` its symbols and numbers (found
    as typed, without spaces and punctuation); `links` its to-one relations whose
    records' names are also its own (a designation goes by its target's names and
    aliases); `text` columns (paths, which may cross relations) contain the term as typed,
    case-insensitively, and short ones are also shown in the document's entries."""

    names: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    # Where the record is, seen from what is searched (a row admin's "legislation__"):
    # set by `through()`, not declared.
    prefix: str = ""

    def key_paths(self) -> list[tuple[str, KeyFunction]]:
        """`(path, key function)` for the document's key columns: the public keys, and for
        staff (inside `searching_as()`) the keys of names only staff may see."""
        if self.names or self.aliases or self.keys:
            owners = [self.prefix]
        else:
            # Names only through links (a designation's are its target's): the linked
            # records' documents, reached by the link's index, rather than the same keys
            # copied into a table as large.
            owners = [f"{self.prefix}{link}__" for link in self.links]
        columns = [DOCUMENT] if _published_links_only.get() else [DOCUMENT, HIDDEN_DOCUMENT]
        return [(owner + column, document_keys) for owner in owners for column in columns]

    @property
    def text_paths(self) -> tuple[str, ...]:
        return tuple(self.prefix + path for path in self.text)

    def paths(self) -> list[str]:
        """Every searched path."""
        return [path for path, _ in self.key_paths()] + list(self.text_paths)

    def through(self, relation: str) -> "SearchSpec":
        """This spec as searched from a row linked to the record by `relation` (an alias's
        "legislation"): the record's document and text behind it."""
        return replace(self, prefix=f"{relation}__{self.prefix}")

    def __or__(self, other: "SearchSpec") -> "SearchSpec":
        """Both specs' fields, each once, in order."""

        def both(mine, theirs):
            return tuple(dict.fromkeys((*mine, *theirs)))

        return SearchSpec(
            names=both(self.names, other.names),
            aliases=both(self.aliases, other.aliases),
            keys=both(self.keys, other.keys),
            text=both(self.text, other.text),
            links=both(self.links, other.links),
        )


# The columns of a record's search document that the database searches (nkhr.documents).
DOCUMENT, HIDDEN_DOCUMENT = "search_keys", "search_keys_hidden"
DOCUMENT_PATHS = frozenset({DOCUMENT, HIDDEN_DOCUMENT})
# Keys separate entries in a document's key column: "|jongkyongthaek|chongkyongthaek|".
SEPARATOR = "|"


@lru_cache(maxsize=1024)
def document_keys(term: str) -> tuple[str, ...]:
    """The keys a term is looked for under in a search document: its words' keys run
    together in every rotation of their order (surname first or last), and its compact
    form (a symbol or bill number, an abbreviation)."""
    return tuple(
        dict.fromkeys(key for key in (*name_forms(term, most=ROTATED_WORDS), compact(term)) if key)
    )


# Names of more words than this are looked for in their written order only: a title's
# words are not reordered as a person's name is.
ROTATED_WORDS = 4


def _is_document(path: str) -> bool:
    return path.rpartition("__")[2] in DOCUMENT_PATHS


def _document_pattern(key: str, typed: str = "") -> str:
    """What a document's keys must contain for `key` (of the term `typed`): the key itself,
    or for a key too short for a trigram index ("ab") the start of a name (`|ab`), or for
    a single letter typed alone a whole one (`|k|`). A surname the folds shorten to one
    letter ("Ri", "Lee", "Yi": `i`) is the start of a name, as two letters typed are."""
    if len(key) >= FTS_MIN_LENGTH:
        return key
    if len(key) == 2 or len(compact(typed)) >= 2:
        return SEPARATOR + key
    return SEPARATOR + key + SEPARATOR


# How a search was answered, noted on the request for the pagination and the reading:
# by the ids matching each column (`pk IN (…)`), or by testing rows in the list's order.
BY_IDS, BY_ROWS = "ids", "rows"

# A term matching this many rows in some searched column is common: a list's page of it is
# found by testing rows in the list's order, not by collecting every match first.
COMMON_ROWS = 2_000


# A search's ids are read once when there are at most this many (`read_once`).
READ_ONCE_IDS = 5_000


def read_once(model, condition: models.Q | None):
    """`condition` (a search's `pk IN (…)`, `BY_IDS`) as the ids it finds, read now, when
    there are at most `READ_ONCE_IDS`: a list's page and its count each run the search's
    scans again otherwise (160 ms each for "Kim Ryong su" among a million actors), where
    looking up a few thousand ids is a few milliseconds. More ids: the condition as it is."""
    if condition is None:
        return None
    ids = model._base_manager.filter(condition).order_by().values_list("pk", flat=True)
    found = list(dict.fromkeys(ids[: READ_ONCE_IDS + 1]))
    if len(found) > READ_ONCE_IDS:
        return condition
    return in_set("pk", found)


def page_and_one_more(rows, offset: int, size: int) -> tuple[list, int, bool]:
    """A page of a common term's matches, read with one row past it instead of a count
    (its rows are tested in the list's order: counting ten thousand would test sixty
    thousand). Gives the page, the count known so far (a lower bound when there is a next
    page) and whether there is one."""
    read = list(rows[offset : offset + size + 1])
    return read[:size], offset + len(read), len(read) > size


# Lookups whose pattern is "contains": the ones an FTS5 trigram table can narrow down.
_CONTAINS_LOOKUPS = {"contains", "icontains"}

_published_links_only: ContextVar[bool] = ContextVar("nkhr_published_links_only", default=False)


@contextmanager
def searching_as(user):
    """Within it, conditions built for `user` match a record through a linked record (a
    designation through its target's names) only where `user` may see that linked record:
    the public never finds a published designation by the name of a draft target."""
    token = _published_links_only.set(not can_view_unpublished(user))
    try:
        yield
    finally:
        _published_links_only.reset(token)


def _visible_link(model, prefix: str) -> models.Q:
    """The condition that the record linked through `prefix` may be seen (inside
    `searching_as()` for the public): published, when its model has a publication state."""
    if not _published_links_only.get():
        return models.Q()
    condition, current = models.Q(), model
    parts = prefix.split("__") if prefix else []
    for index, name in enumerate(parts):
        current = current._meta.get_field(name).related_model
        if _has_publication(current):
            path = "__".join(parts[: index + 1])
            condition &= models.Q(**{f"{path}__publication": Publication.PUBLISHED})
    return condition


def _has_publication(model) -> bool:
    return any(field.name == "publication" for field in model._meta.concrete_fields)


def _visible_ids(model, ids: models.QuerySet) -> models.QuerySet:
    """The ids of `model`'s records among `ids` that a linked record may be matched through
    (inside `searching_as()` for the public: published ones only)."""
    if not (_published_links_only.get() and _has_publication(model)):
        return ids
    published = model._base_manager.filter(pk__in=ids, publication=Publication.PUBLISHED)
    return published.order_by().values("pk")


def _column_condition(model, name: str, lookup: str, value, cap: int | None = None) -> models.Q:
    """`name__lookup=value` on `model`'s own column, narrowed on SQLite by the column's FTS5
    trigram table when it has one. With a `cap` (a few candidates are wanted, any of them),
    the FTS5 table gives at most that many rows: it stops there, where a common term
    ("kim": 300,000 names) would otherwise be read whole before the cap applies."""
    if name == "pk":
        name = model._meta.pk.name
    condition = models.Q(**{f"{name}__{lookup}": value})
    if connection.vendor != "sqlite" or lookup not in _CONTAINS_LOOKUPS:
        return condition
    field = model._meta.get_field(name)
    # An inherited column (a regime's title) is on its parent's table, under the same ids.
    owner = field.model._meta.concrete_model
    table, column = owner._meta.db_table, field.column
    if len(value) < FTS_MIN_LENGTH or (table, column) not in fts_indexed(connection):
        return condition
    pk_column = owner._meta.pk.column
    fts = fts_table(table, column)
    limit = f" LIMIT {int(cap)}" if cap is not None else ""
    candidates = RawSQL(
        f'SELECT "{pk_column}" FROM "{table}" WHERE rowid IN '
        f'(SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s{limit})',
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


def _any_of(model, specs: Sequence[Spec], cap: int | None) -> models.Q:
    """Any of the specs on `model`: its own columns tested together (PostgreSQL ORs their
    indexes into one bitmap and reads each matching row once, a third of the time of one
    branch per column for "Kim"), the others through their relations' ids."""
    conditions = [
        _column_condition(model, path, lookup, value, cap)
        for path, lookup, value in specs
        if "__" not in path
    ]
    related = [spec for spec in specs if "__" in spec[0]]
    if related:
        conditions.append(models.Q(pk__in=_union(_branches(model, related, cap))))
    return reduce(operator.or_, conditions)


def _owner_ids(field, specs: Sequence[Spec], cap: int | None) -> models.QuerySet:
    """Owner ids (`field` is a reverse relation: the actors of aliases) of the related rows
    matching any of the specs, read from the related table alone."""
    related, owner = field.related_model, field.field.attname
    owners = related._base_manager.filter(_any_of(related, specs, cap)).order_by().values(owner)
    return _capped(related, owners, cap, owner)


def _branches(model, specs: Iterable[Spec], cap: int | None = None) -> list[models.QuerySet]:
    """Queries for the ids of `model`'s rows matching any spec: one for its own columns,
    one per relation (`fk IN (…)` through a foreign key, the owners of matching rows
    through a reverse one), so each table is read once. With a `cap`, each branch gives
    at most that many ids."""
    own, through, reverse = [], {}, {}
    for path, lookup, value in specs:
        name, _, rest = path.partition("__")
        if not rest:
            own.append((path, lookup, value))
            continue
        field = model._meta.get_field(name)
        if field.many_to_one or (field.one_to_one and not field.auto_created):
            through.setdefault(field, []).append((rest, lookup, value))
        else:
            reverse.setdefault(field, []).append((rest, lookup, value))
    branches = []
    if own:
        ids = model._base_manager.filter(_any_of(model, own, cap)).order_by().values("pk")
        branches.append(_capped(model, ids, cap))
    branches += [_owner_ids(field, related_specs, cap) for field, related_specs in reverse.items()]
    for field, related_specs in through.items():
        related = _union(_branches(field.related_model, related_specs, cap))
        related_ids = _visible_ids(field.related_model, related)
        matching = model._base_manager.filter(**{f"{field.attname}__in": related_ids})
        branches.append(_capped(model, matching.order_by().values("pk"), cap))
    return branches


def _union(branches: Sequence[models.QuerySet]) -> models.QuerySet:
    first, *rest = branches
    # UNION ALL: `IN` ignores repeats, so there is nothing to gain from removing them.
    return first.union(*rest, all=True) if rest else first


def _in_any(model, branches: Sequence[models.QuerySet]) -> models.Q | None:
    return models.Q(pk__in=_union(branches)) if branches else None


def _keys(make_key: KeyFunction, term: str) -> tuple[str, ...]:
    keys = make_key(term)
    return (keys,) if isinstance(keys, str) else tuple(keys)


def _key_specs(term: str, paths: Iterable[tuple[str, KeyFunction]]) -> list[Spec]:
    specs = []
    for path, make_key in paths:
        for key in _keys(make_key, term):
            if key:
                value = _document_pattern(key, term) if _is_document(path) else key
                specs.append((path, "contains", value))
    return specs


def _term_specs(term: str, paths, text_paths: Iterable[str]) -> list[Spec]:
    """The term's key in each key path, and the term as typed in each text path."""
    return [*_key_specs(term, paths), *((path, "icontains", term.strip()) for path in text_paths)]


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
    specs = _term_specs(term, paths, text_paths)
    branches = _branches(model, specs, candidates)
    if candidates is not None:
        branches += _exact_key_branches(model, term, paths)
    return _in_any(model, branches)


def _holding_keys(columns: Sequence[str], keys: Sequence[str]) -> tuple[str, list]:
    """The condition (PostgreSQL) that a document column holds one of `keys` whole, read
    from the index of whole keys (`nkhr.db.key_list_index`), and its parameters."""
    overlaps = " OR ".join(
        f"{key_list(connection.ops.quote_name(column))} && %s::text[]" for column in columns
    )
    return overlaps, [list(keys)] * len(columns)


def _exact_key_branches(model, term: str, paths) -> list[models.QuerySet]:
    """The rows whose own key equals the term's: kept whole beside capped candidates. On
    PostgreSQL a document's whole keys come from their own index (`DocumentQuery.whole`),
    one lookup, where `LIKE '%|key|%'` rechecks every row holding the key's trigrams."""
    specs = [spec for spec in _exact_specs(term, paths) if "__" not in spec[0]]
    documents = [spec for spec in specs if _is_document(spec[0])]
    if connection.vendor != "postgresql" or not documents:
        return _branches(model, specs)
    keys = list(dict.fromkeys(value.strip(SEPARATOR) for _path, _lookup, value in documents))
    columns = list(dict.fromkeys(path for path, _lookup, _value in documents))
    # A condition on the rows themselves: as `pk IN (…)` PostgreSQL would join the table
    # to itself, and hash-join a million rows when it misjudges how many keys match.
    overlaps, params = _holding_keys(columns, keys)
    holds = RawSQL(f"({overlaps})", params, output_field=models.BooleanField())
    whole = model._base_manager.filter(holds).order_by().values("pk")
    others = [spec for spec in specs if not _is_document(spec[0])]
    return [whole, *(_branches(model, others) if others else [])]


def _exact_specs(term: str, paths) -> list[Spec]:
    """The specs of a key equal to the term's: a whole entry of a document's keys."""
    specs = []
    for path, make_key in paths:
        for key in _keys(make_key, term):
            if not key:
                continue
            if _is_document(path):
                specs.append((path, "contains", SEPARATOR + key + SEPARATOR))
            else:
                specs.append((path, "exact", key))
    return specs


def list_search_condition(
    model,
    term: str,
    paths: Iterable[tuple[str, KeyFunction]],
    text_paths: Iterable[str] = (),
    common_rows: int | None = None,
) -> tuple[models.Q | None, bool]:
    """`key_condition` for a list read in its own order, and whether rows are tested one
    by one: a term matching at least `common_rows` rows in some searched column is (see
    `admin_search_condition`). Any other term's ids are read at once (`read_once`): the
    list's page and its count both look them up."""
    if not compact(term):
        return None, False
    specs = _term_specs(term, paths, text_paths)
    if common_rows is not None and is_common(model, specs, common_rows):
        return _tested_per_row(model, specs), True
    return read_once(model, _in_any(model, _branches(model, specs))), False


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


# --- rows tested one by one: the shape for common terms ----------------------------------------


def _to_many_step(model, path: str):
    """Where `path` first crosses a to-many relation: (the joined to-one prefix, the
    relation, the path left beyond it), or None if it reaches its column by to-one joins."""
    parts, current = path.split("__"), model
    for index, name in enumerate(parts[:-1]):
        if name == "pk":
            break
        field = current._meta.get_field(name)
        if not (field.many_to_one or (field.one_to_one and not field.auto_created)):
            return parts[:index], current, field, "__".join(parts[index + 1 :])
        current = field.related_model
    return None


def _tested_per_row(model, specs: Sequence[Spec]) -> models.Q:
    """Any of the specs, as a condition each row of `model` is tested against: to-one
    relations joined, to-many ones as one subquery per relation (so no row is repeated).

    The database can then walk the rows in the listing's order and stop at the page; the
    right shape when the term is common, the wrong one when it is rare (every row tested)."""
    condition, per_relation = models.Q(), {}
    for path, lookup, value in specs:
        step = _to_many_step(model, path)
        if step is None:
            linked = "__".join(path.split("__")[:-1])
            condition |= models.Q(**{f"{path}__{lookup}": value}) & _visible_link(model, linked)
            continue
        prefix, owner, relation, rest = step
        key = ("__".join([*prefix, "pk"]), owner, relation)
        matched = models.Q(**{f"{rest}__{lookup}": value})
        per_relation[key] = per_relation.get(key, models.Q()) | matched
    for (parent, owner, relation), related_condition in per_relation.items():
        rows = relation.related_model._base_manager.filter(
            related_condition, **{parent_lookup(owner, relation): OuterRef(parent)}
        )
        # The first such row's id, rather than EXISTS: PostgreSQL turns an EXISTS inside an
        # OR into a hash of every matching row (120,000 aliases for "Pak") built before the
        # first row is tested; a scalar subquery is run per row, stopping at its first hit.
        linked = parent.removesuffix("pk").removesuffix("__")
        condition |= models.Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), False)) & (
            _visible_link(model, linked)
        )
    return condition


def parent_lookup(model, relation) -> str:
    """The lookup on the rows of `model`'s to-many `relation` that names their parent row
    (the actor of aliases, the legislation of sponsorships …)."""
    if relation.many_to_many and not relation.auto_created:
        return relation.related_query_name()
    return relation.field.name


def _specs_by_column(model, spec: Spec):
    """The model and bare column a spec's path ends at, with its lookup and value."""
    path, lookup, value = spec
    *relations, column = path.split("__")
    current = model
    for name in relations:
        current = current._meta.get_field(name).related_model
    return current, column, lookup, value


def is_common(model, specs: Iterable[Spec], rows: int) -> bool:
    """Whether some spec's column matches at least `rows` rows of its own table (read from
    its index, stopping at `rows`): the term is then too common to collect every match."""
    for spec in specs:
        owner, column, lookup, value = _specs_by_column(model, spec)
        if _unindexed(spec):
            continue  # a recheck of rows others find (`_words_by_ids`), never read alone
        matching = owner._base_manager.filter(_column_condition(owner, column, lookup, value))
        if matching.order_by().values("pk")[rows - 1 : rows].exists():
            return True
    return False


# --- the admin's search ------------------------------------------------------------------------


def admin_search_condition(
    model,
    term: str,
    search_fields: Iterable[str],
    key_paths: Iterable[tuple[str, KeyFunction]] = (),
    common_rows: int | None = None,
    candidates: int | None = None,
) -> tuple[models.Q | None, bool]:
    """The admin's search: every word of the term in some `search_fields` column (as
    Django's admin matches them), or the whole term's key in some key path. None when
    there is nothing to search for.

    Also whether rows are tested one by one: with `common_rows`, a term matching at least
    that many rows in some column is searched by testing each row in the listing's order
    (a page of "Kim" is found among the first few hundred designations), any other by the
    ids matching each column, from its index, read at once (`read_once`). Both find the
    same rows.

    With `candidates` (an autocomplete, ranked by closeness), each column gives at most
    that many rows, and every row whose own key equals the term's key is added, as in
    `key_condition`."""
    key_paths = list(key_paths)
    fields = [_search_field_lookup(str(name)) for name in search_fields]
    words = search_words(term) if fields else []
    word_specs = [[(path, lookup, word) for path, lookup in fields] for word in words]
    specs = _key_specs(term, key_paths) if compact(term) else []
    if not specs and not word_specs:
        return None, False
    every = [*specs, *(spec for one_word in word_specs for spec in one_word)]
    # With `candidates` every column is capped anyway: whether the term is common is not
    # asked (each probe costs a trigram scan).
    common = candidates is None and common_rows is not None and is_common(model, every, common_rows)
    # The term's words anywhere in the record's document (names in any order, apart).
    all_words = _every_word_in_documents(model, term, key_paths)
    if common:
        condition = _admin_condition_per_row(model, specs, word_specs)
        if all_words is None:
            return condition, True
        return (all_words if condition is None else condition | all_words), True
    # An autocomplete reads at most `candidates` rows per column whatever the term: it shows
    # the closest twenty, and reading every row that holds "kim", "yonk" and "su" costs a
    # curator 150 ms at a million actors for rows it would never offer.
    cap = candidates
    branches = _words_by_ids(model, specs, word_specs, cap) if specs or word_specs else []
    if specs and cap is not None:
        branches += _exact_key_branches(model, term, key_paths)
    if all_words is not None:
        ids = model._base_manager.filter(all_words).order_by().values("pk")
        branches.append(_capped(model, ids, cap))
    # One `IN (… UNION ALL …)`: an OR of two `IN`s makes PostgreSQL walk the listing's order
    # testing every row against both (360,000 actors before the first "Kim …").
    condition = _in_any(model, branches)
    # A changelist's page and its count both read the ids; an autocomplete does not count.
    return (condition if cap is not None else read_once(model, condition)), False


def _admin_condition_per_row(model, specs, word_specs) -> models.Q | None:
    """`admin_search_condition`'s condition tested on each row, without its document's
    every-word condition."""
    if not specs and not word_specs:
        return None
    if len(word_specs) == 1:
        return _tested_per_row(model, specs + word_specs[0])
    conditions = [_tested_per_row(model, specs)] if specs else []
    if word_specs:
        conditions.append(reduce(operator.and_, [_tested_per_row(model, w) for w in word_specs]))
    return reduce(operator.or_, conditions)


def _words_by_ids(model, specs, word_specs, cap: int | None) -> list[models.QuerySet]:
    """Id branches for the key specs, or every word in some column (the words' id sets
    intersected); a single word shares its branches with the keys. A word too short for
    a trigram index ("su" of "Kim Ryong su") is no id set of its own, which would read a
    million names: it is tested on the rows the longer words found."""
    if len(word_specs) == 1:
        return _branches(model, specs + word_specs[0], cap)
    branches = _branches(model, specs, cap)
    if not word_specs:
        return branches
    # When every word is short, they are all read alone: nothing else would find the rows.
    indexed = [one_word for one_word in word_specs if not all(map(_unindexed, one_word))]
    indexed = indexed or word_specs
    every_word = model._base_manager.all()
    for one_word in word_specs:
        if one_word in indexed:
            every_word = every_word.filter(pk__in=_union(_branches(model, one_word, cap)))
        else:
            every_word = every_word.filter(_tested_per_row(model, one_word))
    branches.append(_capped(model, every_word.order_by().values("pk"), cap))
    return branches


def _unindexed(spec: Spec) -> bool:
    """Whether a spec's value is too short for any index to find (`LIKE '%su%'`)."""
    _path, lookup, value = spec
    return lookup in _CONTAINS_LOOKUPS and len(str(value)) < FTS_MIN_LENGTH


def key_rank(model, term: str, paths: Iterable[tuple[str, KeyFunction]]) -> models.Expression:
    """0 for a row whose own key equals the term's key, 1 for one whose key starts with it,
    2 for the rest: ordering by it puts the closest names first. Only the model's own key
    columns count (a relation's would cost a lookup per row)."""
    whens = []
    for rank, lookup in ((0, "exact"), (1, "startswith")):
        for path, make_key in paths:
            for key in _keys(make_key, term):
                if not key or "__" in path:
                    continue
                if _is_document(path):
                    pattern = SEPARATOR + key + (SEPARATOR if rank == 0 else "")
                    condition = models.Q(**{f"{path}__contains": pattern})
                else:
                    condition = models.Q(**{f"{path}__{lookup}": key})
                whens.append(models.When(condition, then=rank))
    if not whens:
        return models.Value(2)
    return models.Case(*whens, default=models.Value(2), output_field=models.IntegerField())


# --- the ranked search's candidates: documents, then Python scores them (nkhr.matching) -----


def _document_columns() -> list[str]:
    return [DOCUMENT] if _published_links_only.get() else [DOCUMENT, HIDDEN_DOCUMENT]


def _word_patterns(words: Sequence[str]) -> list[str]:
    """What a document must contain for each word of a term: a word too short for a
    trigram index is looked for as it is, beside a longer one that the index finds (the
    database rechecks the short one on the rows the index gave); only when every word is
    short, as the start of a name (`_document_pattern`)."""
    if any(len(word) >= FTS_MIN_LENGTH for word in words):
        return list(words)
    return [_document_pattern(word) for word in words]


def _every_word_in_documents(model, term: str, key_paths) -> models.Q | None:
    """`every_word_condition` in the documents `key_paths` name: the record's own, or
    those of the records it links to (`fk IN (…)`, linked records the searcher may see)."""
    conditions = []
    documents = [path for path, _ in key_paths if _is_document(path)]
    for owner in dict.fromkeys(path.rpartition("__")[0] for path in documents):
        if not owner:
            condition = every_word_condition(model, term)
        elif "__" in owner:
            continue
        else:
            linked = model._meta.get_field(owner).related_model
            words = every_word_condition(linked, term)
            if words is None:
                continue
            ids = _visible_ids(linked, linked._base_manager.filter(words).values("pk"))
            condition = models.Q(**{f"{owner}__in": ids})
        if condition is not None:
            conditions.append(condition)
    return reduce(operator.or_, conditions) if conditions else None


def every_word_condition(model, term: str) -> models.Q | None:
    """The term's words all in the record's own document, in any order and apart: one
    condition on its own columns (the admin's word search)."""
    from nkhr.matching import parse

    words = _word_patterns(parse(term).keys)
    if len(words) < 2:
        return None
    conditions = []
    for column in _document_columns():
        every = [_column_condition(model, column, "contains", word) for word in words]
        conditions.append(reduce(operator.and_, every))
    return reduce(operator.or_, conditions)


def _escape() -> str:
    # PostgreSQL's LIKE escapes with a backslash by default; SQLite's has no escape unless
    # told.
    return " ESCAPE '\\'" if connection.vendor == "sqlite" else ""


def _like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Rows a document part may read to recheck words the trigram index cannot look for.
RECHECKED = 1000


class DocumentQuery:
    """The SQL finding a model's records by their documents' keys: written out, not built
    with the ORM, because a cross-resource search asks it of every kind of record for
    every query, and building the same condition as querysets cost more than running it.

    Each part is `SELECT id … LIMIT cap` (a common term's candidates are any `cap` of its
    matches; the exact ones are added whole); on SQLite each is narrowed first by the
    column's FTS5 trigram table, on PostgreSQL the GIN trigram index answers the LIKEs."""

    def __init__(self, model, columns: Sequence[str]):
        field = model._meta.get_field(DOCUMENT)
        owner = field.model._meta.concrete_model
        self.table = connection.ops.quote_name(owner._meta.db_table)
        self.raw_table = owner._meta.db_table
        self.pk = connection.ops.quote_name(owner._meta.pk.column)
        self.columns = list(columns)
        self.sqlite = connection.vendor == "sqlite"

    def _part(
        self, patterns: Sequence[str], every: bool, cap: int | None, select: str | None = None
    ):
        """Ids (or the columns `select` names) of the records whose document holds any (or,
        with `every`, all) of `patterns`."""
        select = select or self.pk
        indexed = [pattern for pattern in patterns if len(pattern) >= FTS_MIN_LENGTH]
        if every and cap is not None and 0 < len(indexed) < len(patterns):
            # Words too short for a trigram are rechecked on the rows the longer ones give,
            # at most RECHECKED of them. Asked of the index, they find nothing in FTS5 and
            # everything in a GIN index: a common word ("kum", in 54,000 names) then had
            # every row it is in read from the table to keep any `cap` of them.
            columns = ", ".join([self.pk, *map(connection.ops.quote_name, self.columns)])
            given, given_params = self._part(indexed, True, RECHECKED, select=columns)
            likes = [self._likes(column, patterns, " AND ") for column in self.columns]
            condition = " OR ".join(like for like, _ in likes)
            params = [param for _, column_params in likes for param in column_params]
            sql = f"SELECT {select} FROM ({given}) AS given WHERE {condition} LIMIT {int(cap)}"
            return sql, [*given_params, *params]
        joiner = " AND " if every else " OR "
        # FTS5 finds nothing for a phrase shorter than a trigram: such a part is answered by
        # LIKE alone.
        narrowed = self.sqlite and len(indexed) == len(patterns)
        sql_parts, params = [], []
        for column in self.columns:
            condition, condition_params = self._likes(column, patterns, joiner)
            if narrowed and (self.raw_table, column) in fts_indexed(connection):
                fts = connection.ops.quote_name(fts_table(self.raw_table, column))
                limit = f" LIMIT {int(cap)}" if cap is not None else ""
                match = joiner.join(fts_phrase(p) for p in patterns)
                condition = (
                    f"rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s{limit}) "
                    f"AND {condition}"
                )
                condition_params = [match, *condition_params]
            sql_parts.append(condition)
            params += condition_params
        where = " OR ".join(sql_parts)
        limit = f" LIMIT {int(cap)}" if cap is not None else ""
        return f"SELECT {select} FROM {self.table} WHERE {where}{limit}", params

    @staticmethod
    def _likes(column: str, patterns: Sequence[str], joiner: str) -> tuple[str, list]:
        """`column` holding `patterns`, joined by `joiner`, as LIKEs."""
        like = f"{connection.ops.quote_name(column)} LIKE %s{_escape()}"
        return f"({joiner.join([like] * len(patterns))})", [_like(p) for p in patterns]

    def ids(self, term: str, cap: int) -> tuple[str, list] | None:
        """Every record holding the term's key whole, at most `cap` holding one of its keys
        in part, and at most `cap` holding each of its words (in any order, apart)."""
        from nkhr.matching import parse

        keys = document_keys(term)
        if not keys:
            return None
        # In part, only as typed (and compact): a reordered name is found whole or word by
        # word below, and each rotation looked for in part would cost a trigram scan of
        # its own for what a stored key, written in one order, rarely holds.
        typed = dict.fromkeys(key for key in (*name_forms(term, most=0), compact(term)) if key)
        parts = [
            self._part([_document_pattern(key, term) for key in typed], every=False, cap=cap),
            self.whole(keys),
        ]
        words = _word_patterns(parse(term).keys)
        if len(words) > 1:
            parts.append(self._part(words, every=True, cap=cap))
        return self._union(parts)

    def whole(self, keys: Sequence[str]) -> tuple[str, list]:
        """Ids whose document holds one of `keys` whole: on PostgreSQL one lookup in the
        index of whole keys (`nkhr.db.key_list_index`), on SQLite the keys between
        separators, narrowed by the FTS5 trigram table."""
        if self.sqlite:
            return self._part([SEPARATOR + key + SEPARATOR for key in keys], every=False, cap=None)
        overlaps, params = _holding_keys(self.columns, keys)
        return f"SELECT {self.pk} FROM {self.table} WHERE {overlaps}", params

    def fetch(self, sql: str, params: list, published: bool = False) -> list:
        """The ids `sql` selects (of published records only, with `published`), each once."""
        if published:
            column = connection.ops.quote_name("publication")
            sql = f"SELECT {self.pk} FROM {self.table} WHERE {self.pk} IN ({sql}) AND {column} = %s"
            params = [*params, Publication.PUBLISHED.value]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(dict.fromkeys(row[0] for row in cursor.fetchall()))

    def similar_ids(self, term: str, cap: int) -> tuple[str, list] | None:
        """At most `cap` records holding a key like the term's (a typo)."""
        forms = name_forms(term)
        if not forms or len(forms[0]) < 4:
            return None
        key = forms[0]
        parts = []
        for column in self.columns:
            quoted = connection.ops.quote_name(column)
            if not self.sqlite:
                parts.append(
                    (f"SELECT {self.pk} FROM {self.table} WHERE %s <<%% {quoted} "
                     f"LIMIT {int(cap)}", [key])
                )  # fmt: skip
                continue
            if (self.raw_table, column) not in fts_indexed(connection):
                continue
            fts = connection.ops.quote_name(fts_table(self.raw_table, column))
            grams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
            parts.append(
                (f"SELECT {self.pk} FROM {self.table} WHERE rowid IN (SELECT rowid FROM "
                 f"{fts} WHERE {fts} MATCH %s ORDER BY rank LIMIT {int(cap)})",
                 [" OR ".join(fts_phrase(gram) for gram in grams)])
            )  # fmt: skip
        return self._union(parts) if parts else None

    def rank(self, term: str) -> RawSQL:
        """0 for a record holding the term's key whole, else 1: the order candidates are
        scored in, so a common term's exact names are always among them."""
        keys = document_keys(term)
        if not keys:
            return RawSQL("1", [])
        likes = " OR ".join(
            f"{self.table}.{connection.ops.quote_name(column)} LIKE %s{_escape()}"
            for column in self.columns
            for _ in keys
        )
        params = [_like(SEPARATOR + key + SEPARATOR) for _ in self.columns for key in keys]
        return RawSQL(f"CASE WHEN {likes} THEN 0 ELSE 1 END", params)

    def _union(self, parts) -> tuple[str, list]:
        # Each part in parentheses with its own LIMIT; PostgreSQL and SQLite both need the
        # limited parts wrapped as subqueries to take a LIMIT inside a UNION.
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({part}) AS part_{index}" for index, (part, _) in enumerate(parts)
        )
        return sql, [param for _, part_params in parts for param in part_params]


def document_query(model) -> DocumentQuery:
    return DocumentQuery(model, _document_columns())


def ranked_candidates(
    model,
    term: str,
    spec: SearchSpec,
    cap: int = 500,
    similar: bool = False,
    enough: int | None = None,
) -> models.Q | None:
    """The candidates a ranked search scores (`nkhr.api.search`, `/match`): every record
    whose document holds the term's key whole, at most `cap` of those holding it in part,
    of those holding each of its words, and of those whose text contains it; with
    `similar`, instead, at most `cap` whose keys are like the term's (typos: asked for when
    the first found nothing close). None when the term has nothing to search for.

    With `enough`: when at least that many records the searcher may see hold the term's
    key whole, they alone are the candidates. A search scores that many at most, the
    closest first, and a whole name outscores any part of one, so the others could never
    be shown; looking for them is most of a common name's cost.

    A type that has no names of its own, only those of the records it links to (a
    designation goes by its target's), is found through those records' documents: the
    records its links point at, then its own rows by the link's index. Its own documents
    hold the same keys, but looking there would repeat the linked type's search over a
    table as large (a million designations beside a million actors)."""
    if not compact(term):
        return None
    branches = []
    own = spec.names or spec.aliases or spec.keys
    if own or spec.links:
        for searched, link in [(model, "pk")] if own else _linked_documents(model, spec):
            ids = candidate_ids(searched, term, cap, similar, enough)
            if ids is not None:
                rows = model._base_manager.filter(in_list(link, ids))
                branches.append(rows.order_by().values("pk"))
    if spec.text and not similar:
        text = [(path, "icontains", term.strip()) for path in spec.text]
        branches += _branches(model, text, cap)
    # One `IN (… UNION ALL …)`, never an OR of two: PostgreSQL answers an OR of subqueries
    # by reading the whole table (a million designations) and testing each row.
    return _in_any(model, branches)


def _linked_documents(model, spec: SearchSpec) -> list[tuple[type, str]]:
    """(linked model, link) for each of the spec's links whose records carry documents;
    `(model, "pk")` (its own documents) when one does not."""
    found = []
    for link in spec.links:
        field = model._meta.get_field(link) if "__" not in link else None
        if field is None or not has_document(field.related_model):
            return [(model, "pk")]
        found.append((field.related_model, link))
    return found


# Inside `sharing_candidate_ids()`, one ranked search: the candidate ids of a (model,
# term, …) read so far. A cross-resource search asks for the actors of "Kim" three times
# (as actors, as designations' targets, as recommendations' authors).
_candidate_ids: ContextVar[dict | None] = ContextVar("nkhr_candidate_ids", default=None)


@contextmanager
def sharing_candidate_ids():
    """Within it, `candidate_ids()` reads each (model, term, …) once."""
    token = _candidate_ids.set({})
    try:
        yield
    finally:
        _candidate_ids.reset(token)


def candidate_ids(model, term: str, cap: int, similar: bool, enough: int | None) -> list | None:
    """The ids of `model`'s records a ranked search of `term` scores (`ranked_candidates`),
    read from their documents, of those the searcher may see when they only see published
    records. None when the term has no key to look for."""
    cache = _candidate_ids.get()
    published = _published_links_only.get() and _has_publication(model)
    cache_key = (model, term, cap, similar, enough, published)
    if cache is not None and cache_key in cache:
        return cache[cache_key]
    query = document_query(model)
    ids = None
    if similar:
        found = query.similar_ids(term, cap)
        ids = None if found is None else query.fetch(*found, published=published)
    elif keys := document_keys(term):
        if enough is not None:
            ids = query.fetch(*query.whole(keys), published=published)
        if ids is None or len(ids) < enough:
            ids = query.fetch(*query.ids(term, cap), published=published)
    if cache is not None:
        cache[cache_key] = ids
    return ids

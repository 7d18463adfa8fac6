"""What one bulk import looks up once rather than once a row (nkhr/imports.py).

* `import_lookups()`: while an import runs, what each cell naming a related record resolved
  to (a record, or the "unknown …"/"ambiguous …" error) is remembered, so that a parent named
  in 5,000 rows is looked up once. Saving or deleting a record (or an alias) during the
  import forgets what its id, names and aliases resolved to, so a row may name a record an
  earlier row of the same file added or renamed.
* `BatchInstanceLoader`: the records a file's rows update, loaded by id a thousand at a
  time before the first row (the library's loader queries once a row, even for a blank id).
* `DuplicateIndex`: the existing records a file's rows might repeat, read a thousand values
  a query before the first row and kept up to date as the import saves and deletes records,
  so that finding a row's duplicates (`RecordResource.duplicate_lookup`) costs no query.
* `clean_imported()`: `full_clean()` less the queries the import answers otherwise. A
  foreign key that was just resolved to a record is known to exist; a new record's id is
  known to be free (the loader looked); the values a field's choices allow are read once
  per import. Check constraints, which the database checks as the row is written, are
  evaluated here only for a row that already has errors (so that it lists them all), each
  once per import for the same values of the fields it reads; `constraint_messages()` turns
  the database's refusal of a row into the constraint's own message.
"""

import contextvars
import functools
import re
from collections import defaultdict
from contextlib import contextmanager

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from import_export.instance_loaders import BaseInstanceLoader

# Ids loaded by one query (well under SQLite's limit on query parameters).
BATCH = 1000


class ImportLookups:
    """What one import remembers: the cells it resolved, {(model, text): record or
    ValueError}, indexed by text and by record so that a change forgets only what it
    touches; the values of fields' choices; the outcomes of check constraints."""

    def __init__(self, before_reading_rows=None):
        # Called before rows of records are read (the import writes those it holds back).
        self.before_reading_rows = before_reading_rows
        self.found: dict[tuple[type, str], object] = {}
        self.by_text: dict[tuple[type, str], set] = {}  # (concrete model, text) -> keys
        self.by_record: dict[tuple[type, object], set] = {}  # (concrete model, pk) -> keys
        self.failed: dict[type, set] = {}  # concrete model -> keys that found no record
        self.names: dict[type, tuple[str, ...]] = {}  # concrete model -> its name fields
        # alias model -> (owner's concrete model, the alias's key to it, its name field)
        self.aliases: dict[type, tuple[type, str, str]] = {}
        self.choices: dict[object, frozenset] = {}
        # (constraint, values of the fields it reads, those excluded) -> its error or None
        self.checks: dict[tuple, object] = {}
        # The duplicate indexes of the import, kept up to date as records are written, and
        # those of unique constraints: (model, constraint name) -> index.
        self.indexes: list[DuplicateIndex] = []
        self.unique_indexes: dict = {}

    def get(self, model, text: str, find, names=(), alias=None):
        concrete = model._meta.concrete_model
        self.names.setdefault(concrete, tuple(names))
        if alias is not None:
            alias_model, owner_key, name_field = alias
            self.aliases.setdefault(alias_model, (concrete, owner_key, name_field))
        key = (model, text)
        if key not in self.found:
            try:
                self.found[key] = find(model, text)
            except ValueError as error:
                self.found[key] = error
            self.by_text.setdefault((concrete, text), set()).add(key)
        found = self.found[key]
        if isinstance(found, ValueError):
            self.failed.setdefault(concrete, set()).add(key)
            raise ValueError(str(found))
        self.by_record.setdefault((concrete, found.pk), set()).add(key)
        return found

    def forget(self, concrete, pk, texts) -> None:
        """A record of `concrete` (or one of its aliases) changed: forget what resolved to
        it, what its `texts` (id, names) resolved to, and every cell of its model that
        found nothing (it might now)."""
        stale = self.by_record.pop((concrete, pk), set()) | self.failed.pop(concrete, set())
        for text in texts:
            if text not in (None, ""):
                stale |= self.by_text.pop((concrete, str(text)), set())
        for key in stale:
            self.found.pop(key, None)

    def changed(self, instance) -> None:
        model = type(instance)._meta.concrete_model
        if model in self.aliases:
            owner, owner_key, name_field = self.aliases[model]
            self.forget(owner, getattr(instance, owner_key), [getattr(instance, name_field)])
        elif model in self.names:
            names = (getattr(instance, name, None) for name in self.names[model])
            self.forget(model, instance.pk, [instance.pk, *names])


_current: contextvars.ContextVar[ImportLookups | None] = contextvars.ContextVar(
    "nkhr_import_lookups", default=None
)


@contextmanager
def import_lookups(before_reading_rows=None):
    """Remember lookups inside the block (one import); `before_reading_rows()` is called
    when a lookup is about to read rows of records (`reading_rows()`)."""
    token = _current.set(ImportLookups(before_reading_rows))
    try:
        yield
    finally:
        _current.reset(token)


def choice_keys(field) -> frozenset:
    """The values `field`'s choices allow, read once per import (a country field's choices
    are rebuilt, sorted by name, every time they are read)."""
    cache = _current.get()
    if cache is None:
        return frozenset(key for key, _label in field.flatchoices)
    if field not in cache.choices:
        cache.choices[field] = frozenset(key for key, _label in field.flatchoices)
    return cache.choices[field]


def clean_choice(obj, field) -> None:
    """`field.clean()` for a field with choices, against `choice_keys()`."""
    value = field.to_python(getattr(obj, field.attname))
    setattr(obj, field.attname, value)
    if value in field.empty_values:
        if value is None and not field.null:
            raise ValidationError(field.error_messages["null"], code="null")
        if not field.blank:
            raise ValidationError(field.error_messages["blank"], code="blank")
    elif value not in choice_keys(field):
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


def resolve_cached(model, text: str, find, names=(), alias=None):
    """`find(model, text)`, remembered for the current import if one is running. `names`
    are the fields of `model` a cell may give, `alias` (alias model, its foreign key's
    attname, its name field) where else it keeps names: what a change must forget."""
    cache = _current.get()
    if cache is None:
        return find(model, text)
    return cache.get(model, text, find, names, alias)


def reading_rows() -> None:
    """A lookup is about to read rows of records (an actor's aliases): the current import
    writes the rows it holds back first."""
    cache = _current.get()
    if cache is not None and cache.before_reading_rows is not None:
        cache.before_reading_rows()


def row_added(instance) -> None:
    """Tell the current import about a row written without signals (`bulk_create`)."""
    cache = _current.get()
    if cache is not None:
        cache.changed(instance)


@receiver(post_save, dispatch_uid="nkhr_import_forget_saved")
def _forget_saved(sender, instance, raw=False, **kwargs):
    cache = _current.get()
    if cache is not None and not raw:
        cache.changed(instance)
        for index in cache.indexes:
            index.written(instance)


@receiver(post_delete, dispatch_uid="nkhr_import_forget_deleted")
def _forget_deleted(sender, instance, **kwargs):
    cache = _current.get()
    if cache is not None:
        cache.changed(instance)
        for index in cache.indexes:
            index.written(instance, deleted=True)


def add_duplicate_index(index: "DuplicateIndex", constraint=None) -> None:
    """Keep `index` up to date with what the current import writes (none: nothing to do);
    with `constraint` (an entry of `indexed_unique_constraints()`), `clean_imported()`
    checks that unique constraint against it."""
    cache = _current.get()
    if cache is not None:
        cache.indexes.append(index)
        if constraint is not None:
            cache.unique_indexes[(index.model, constraint[0].name)] = (index, *constraint[1:])


@functools.cache
def indexed_unique_constraints(model) -> tuple:
    """`model`'s unique constraints an import can check against an index: on fields (no
    expressions), with no condition or one of exact lookups on its own fields, as
    (constraint, the attnames of its fields, its condition as a test of a record's values
    by attname, or None)."""
    found = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.expressions:
            continue
        if not constraint.fields:
            continue
        test = None
        if constraint.condition is not None:
            test = values_test(model, constraint.condition)
            if test is None:
                continue
        attnames = tuple(model._meta.get_field(name).attname for name in constraint.fields)
        found.append((constraint, attnames, test))
    return tuple(found)


def values_test(model, condition):
    """`condition` (a Q of exact lookups on `model`'s own fields) as a function of a dict of
    values by attname, which has the attnames it reads as `attnames`; None if it is not of
    that kind."""
    fields = condition_fields(model, condition)
    if fields is None:
        return None

    def compile_node(node):
        parts = []
        for child in node.children:
            if isinstance(child, Q):
                part = compile_node(child)
            else:
                lookup, value = child
                if LOOKUP_SEP in lookup or hasattr(value, "resolve_expression"):
                    return None
                attname = model._meta.get_field(lookup).attname

                def part(values, attname=attname, value=value):
                    return values[attname] == value

            if part is None:
                return None
            parts.append(part)
        join = all if node.connector == Q.AND else any

        def test(values):
            result = join(part(values) for part in parts)
            return not result if node.negated else result

        return test

    test = compile_node(condition)
    if test is not None:
        test.attnames = tuple(fields)
    return test


def surely_unique(constraint, obj) -> bool:
    """Whether the current import's index of `constraint` tells that `obj` keeps it (no
    other record has its values, or its condition does not hold); False: it cannot tell,
    or another record has them, and the constraint's own query decides."""
    cache = _current.get()
    key = (type(obj)._meta.concrete_model, constraint.name)
    entry = cache.unique_indexes.get(key) if cache is not None else None
    if entry is None:
        return False
    index, attnames, test = entry
    if test is not None and not test({name: getattr(obj, name) for name in test.attnames}):
        return True
    lookup = {name: getattr(obj, name) for name in attnames}
    if any(value is None for value in lookup.values()):
        return False
    return index.find(lookup, other_than=obj.pk, where=test) == []


class DuplicateIndex:
    """Existing records by the values of the `fields` their duplicates are found by.

    Before the first row, the records whose `field` holds one of the values the file's rows
    may give it are read (`prefetch`: {field: values}), `BATCH` values a query. A lookup
    ({field: value}, None for null) is answered from them when one of its fields has a value
    that was read; otherwise `find()` says it cannot tell (None) and the caller queries."""

    def __init__(self, queryset, fields, prefetch: dict):
        self.model = queryset.model._meta.concrete_model
        self.fields = tuple(fields)
        self.loaded = {field: set(values) for field, values in prefetch.items()}
        self.records: dict = {}  # pk -> {field: value}
        self.by_value: defaultdict = defaultdict(set)  # (field, value) -> pks
        for field, values in self.loaded.items():
            values = sorted(values, key=str)
            for start in range(0, len(values), BATCH):
                chunk = values[start : start + BATCH]
                rows = queryset.filter(**{f"{field}__in": chunk}).values_list("pk", *self.fields)
                for pk, *row in rows:
                    self._put(pk, dict(zip(self.fields, row, strict=True)))

    def _put(self, pk, values: dict) -> None:
        self._drop(pk)
        self.records[pk] = values
        for field in self.loaded:
            self.by_value[(field, values[field])].add(pk)

    def _drop(self, pk) -> None:
        values = self.records.pop(pk, None)
        if values is not None:
            for field in self.loaded:
                self.by_value[(field, values[field])].discard(pk)

    def written(self, instance, deleted: bool = False) -> None:
        """A record was saved or deleted during the import."""
        if type(instance)._meta.concrete_model is not self.model:
            return
        if deleted:
            self._drop(instance.pk)
        else:
            self._put(instance.pk, {field: getattr(instance, field) for field in self.fields})

    def find(self, lookup: dict, other_than=None, where=None) -> list | None:
        """The ids of the records matching `lookup` (and the test `where` of their values),
        other than `other_than`, in id order; None if the index cannot tell (no value of
        the lookup was read)."""
        covering = next(
            (field for field, value in lookup.items() if value in self.loaded.get(field, ())),
            None,
        )
        if covering is None:
            return None
        return sorted(
            pk
            for pk in self.by_value.get((covering, lookup[covering]), ())
            if pk != other_than
            and all(self.records[pk][field] == value for field, value in lookup.items())
            and (where is None or where(self.records[pk]))
        )


class BatchInstanceLoader(BaseInstanceLoader):
    """The records that a file's ids name, loaded before the first row, `BATCH` a query;
    a row without an id is a new record (no query)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.found = {}
        headers = dataset.headers or [] if dataset is not None else []
        if "id" not in headers:
            return
        ids = sorted({str(value).strip() for value in dataset["id"] if _given(value)})
        queryset = resource.get_queryset()
        for start in range(0, len(ids), BATCH):
            for record in queryset.filter(pk__in=ids[start : start + BATCH]):
                self.found[str(record.pk)] = record

    def get_instance(self, row):
        value = row.get("id")
        return self.found.get(str(value).strip()) if _given(value) else None


def _given(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@functools.cache
def fields_with_choices(model) -> tuple:
    return tuple(
        field
        for field in model._meta.concrete_fields
        if field.choices is not None and field.editable and not field.is_relation
    )


@functools.cache
def has_unique_fields(model) -> bool:
    """Whether `validate_unique()` has anything to check beyond the primary key."""
    opts = model._meta
    return bool(
        opts.unique_together
        or any(field.unique and not field.primary_key for field in opts.concrete_fields)
        or any(
            getattr(field, name, None)
            for field in opts.concrete_fields
            for name in ("unique_for_date", "unique_for_month", "unique_for_year")
        )
    )


def clean_imported(obj, exclude=(), *, resolved=(), check_constraints=False) -> dict:
    """The errors `obj.full_clean(exclude=exclude)` would find, as {field: [messages]},
    without its queries for foreign keys in `resolved` (just resolved to a record), for
    the primary key (see the module docstring) and, unless `check_constraints`, for check
    constraints (the database checks those as the row is written)."""
    errors: dict[str, list] = {}

    def collect(call):
        nonlocal errors
        try:
            call()
        except ValidationError as error:
            errors = error.update_error_dict(errors)

    exclude = set(exclude)
    if hasattr(obj, "refresh_derived"):
        obj.refresh_derived()  # derived keys first, as the model's full_clean() does
    choice_fields = [field for field in fields_with_choices(type(obj)) if field.name not in exclude]
    for field in choice_fields:
        try:
            clean_choice(obj, field)
        except ValidationError as error:
            errors = ValidationError({field.name: error}).update_error_dict(errors)
    skipped = exclude | set(resolved) | {field.name for field in choice_fields}
    collect(lambda: obj.clean_fields(exclude=skipped))
    collect(obj.clean)
    exclude |= set(errors)
    if has_unique_fields(type(obj)):
        collect(lambda: obj.validate_unique(exclude=exclude | {obj._meta.pk.name}))
    using = router.db_for_write(type(obj), instance=obj)
    for constraint in obj._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            if check_constraints:
                collect(lambda c=constraint: check(c, obj, exclude, using))
            continue
        if isinstance(constraint, models.UniqueConstraint) and exclude & set(constraint.fields):
            continue  # as its validate() would decide, without its preparations
        if surely_unique(constraint, obj):
            continue  # no other record has these values (read before the first row)
        collect(lambda c=constraint: c.validate(type(obj), obj, exclude=exclude, using=using))
    return ValidationError(errors).message_dict if errors else {}


def check(constraint, obj, exclude, using) -> None:
    """`constraint.validate()` for a check constraint, its outcome remembered during an
    import for the values of the fields its condition reads: a query each, otherwise, and
    a file with an error in every row often has the same values in most."""
    cache = _current.get()
    fields = condition_fields(type(obj), constraint.condition)
    if cache is None or fields is None:
        constraint.validate(type(obj), obj, exclude=exclude, using=using)
        return
    key = (
        type(obj),
        constraint.name,
        tuple(getattr(obj, attname) for attname in fields),
        frozenset(name for name in exclude if name in fields.values()),
    )
    if key not in cache.checks:
        try:
            constraint.validate(type(obj), obj, exclude=exclude, using=using)
            cache.checks[key] = None
        except ValidationError as error:
            cache.checks[key] = error
    if cache.checks[key] is not None:
        raise cache.checks[key]


@functools.cache
def condition_fields(model, condition) -> dict[str, str] | None:
    """{attname: field name} of the fields a check constraint's condition reads, or None
    when that cannot be told (it holds an expression other than F())."""
    found = {}

    def field_of(lookup: str) -> bool:
        name = lookup.split(LOOKUP_SEP)[0]
        try:
            field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        found[field.attname] = field.name
        return True

    def walk(node) -> bool:
        if not isinstance(node, Q):
            return False
        for child in node.children:
            if isinstance(child, tuple):
                lookup, value = child
                if not field_of(lookup):
                    return False
                if isinstance(value, F):
                    if not field_of(value.name):
                        return False
                elif hasattr(value, "resolve_expression"):
                    return False
            elif not walk(child):
                return False
        return True

    return found if walk(condition) else None


def constraint_messages(error: Exception, model) -> list[str]:
    """The messages of the constraints of `model` that a database error names (both
    PostgreSQL and SQLite name the constraint a row broke)."""
    text = str(error)
    return [
        str(constraint.get_violation_error_message())
        for constraint in model._meta.constraints
        if re.search(rf"\b{re.escape(constraint.name)}\b", text)
    ]

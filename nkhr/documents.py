"""One search document per record, kept current.

A record's document is what every search reads (the API's `?search=`, the cross-resource
search, `/match`, the admin and its autocomplete): the names it goes by, built from its
type's `SearchSpec` (`nkhr.search`), stored on the record's own row in three columns:

* `search_names`: the entries, `[name, field, kind, language, script, staff_only]` (see
  `nkhr.matching.Kind`): its names, its aliases, the abbreviations of its longer names,
  its symbols and numbers, short passages of text, and the names of the records it links
  to (a designation goes by its target's names and aliases), marked staff-only while the
  linked record is not published;
* `search_keys`: the keys the database finds it by, `|key|key|…|`: each name's words
  romanized and folded and run together (`nkhr.names.name_forms`), each abbreviation and
  compact symbol; indexed for substring search on both databases (`nkhr.db`);
* `search_keys_hidden`: the same for the entries only staff may see (a draft target's
  names): the public never searches them.

It is refreshed in the same transaction as the change that makes it stale: a record's
save, an alias added, changed or removed, a linked record renamed, published or deleted.
`refresh()` does it for rows changed without signals (a queryset `update()`), and
`rebuild()` for a whole type (`manage.py rebuild_search_documents`; after a migration,
for documents never built).
"""

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from types import SimpleNamespace

from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete

from nkhr.matching import Kind
from nkhr.models.base import DOCUMENT_FIELDS
from nkhr.models.publication import Publication
from nkhr.names import abbreviations, name_forms
from nkhr.text import compact, detect_script

# Text longer than this is left out of a document's entries (a recommendation's full text
# is still searched in its column, not copied).
TEXT_ENTRY_MAX = 500


def _spec(model):
    from nkhr.registry import record_type_for

    # A proxy's rows are its concrete model's: one document, built by the concrete spec.
    registered = record_type_for(model._meta.concrete_model)
    return getattr(registered, "search", None) if registered else None


# Read from the registry, complete once the apps are ready (signals fire after that):
# worked out once, not on every save of every row.
@cache
def has_document(model) -> bool:
    """Whether `model`'s rows carry a search document."""
    try:
        model._meta.get_field("search_keys")
    except Exception:
        return False
    return _spec(model) is not None


def _entry(name, field, kind, language="", script="", staff_only=False) -> list:
    return [name, field, kind, language, script or detect_script(name), bool(staff_only)]


def _name_entries(name: str, field: str, kind: str, language="", script="") -> list[list]:
    entries = [_entry(name, field, kind, language, script)]
    entries += [_entry(short, field, Kind.ABBREVIATION) for short in abbreviations(name) if short]
    return entries


def entries_of(record, spec, aliases=None, linked=None) -> list[list]:
    """The document entries of `record` under `spec`. `aliases` (relation → rows) and
    `linked` (link → record) may be given by a caller that read them in bulk."""
    entries = []
    for field in spec.names:
        value = getattr(record, field, "") or ""
        if value:
            entries += _name_entries(value, field, Kind.NAME)
    for relation in spec.aliases:
        rows = aliases[relation] if aliases is not None else getattr(record, relation).all()
        # In the order of their names, so a document does not depend on the order rows
        # were written in (an import that writes them again gives the same document).
        for row in sorted(rows, key=lambda row: (row.name, row.language)):
            entries += _name_entries(
                row.name, relation, Kind.ALIAS, row.language, getattr(row, "script", "")
            )
    for field in spec.keys:
        value = getattr(record, field, "") or ""
        if value:
            entries.append(_entry(value, field, Kind.KEY))
    for field in spec.text:
        if "__" in field:
            continue
        value = getattr(record, field, "") or ""
        if value and len(value) <= TEXT_ENTRY_MAX:
            entries.append(_entry(value, field, Kind.TEXT))
    for link in spec.links:
        target = linked[link] if linked is not None else getattr(record, link, None)
        entries += _link_entries(link, target)
    return _unique(entries)


def _link_entries(link: str, target) -> list[list]:
    """The entries a record takes through `link` from `target` (its names, aliases and
    abbreviations; staff-only while `target` is not published)."""
    if target is None:
        return []
    hidden = getattr(target, "publication", Publication.PUBLISHED) != Publication.PUBLISHED
    return [
        [name, link, Kind.LINK if kind != Kind.ABBREVIATION else kind,
         language, script, bool(staff_only or hidden)]
        for name, _field, kind, language, script, staff_only in target.search_names or ()
        if kind in (Kind.NAME, Kind.ALIAS, Kind.ABBREVIATION)
    ]  # fmt: skip


def _unique(entries: list[list]) -> list[list]:
    """One entry per (name, kind, visibility), the first: a name and an alias written
    alike."""
    seen, unique = set(), []
    for entry in entries:
        marker = (entry[0], entry[2], entry[5])
        if marker not in seen:
            seen.add(marker)
            unique.append(entry)
    return unique


def entry_keys(entry) -> list[str]:
    """The keys an entry is found by in `search_keys`."""
    key = _entry_key(entry)
    return [key] if key else []


def _entry_key(entry) -> str:
    """An entry's one key in `search_keys`, or "" (a passage of text has none)."""
    kind = entry[2]
    if kind == Kind.KEY:
        return compact(entry[0])
    if kind == Kind.ABBREVIATION:
        return entry[0]
    if kind == Kind.TEXT:
        return ""
    return _name_key(entry[0])


# Names recur across documents (a person's names in each designation of them; tens of
# thousands of distinct names among a million actors): each is keyed once.
@lru_cache(maxsize=1 << 17)
def _name_key(name: str) -> str:
    """A name's key in a document: its words' keys in the order written (the first of
    `name_forms`, without working out the other orders)."""
    forms = name_forms(name, most=0)
    return forms[0] if forms else ""


def keys_column(entries: Iterable) -> str:
    keys = dict.fromkeys(filter(None, map(_entry_key, entries)))
    return f"|{'|'.join(keys)}|" if keys else ""


def document(entries: list[list]) -> dict:
    """The three document columns for `entries`."""
    public = [entry for entry in entries if not entry[5]]
    hidden = [entry for entry in entries if entry[5]]
    return {
        "search_names": entries,
        "search_keys": keys_column(public),
        "search_keys_hidden": keys_column(hidden),
    }


# --- keeping documents current ------------------------------------------------------------


# Read from the registry, complete once the apps are ready (signals fire after that):
# worked out once, not on every save of every row.
@cache
def _links_to(model) -> list[tuple[type, str]]:
    """(model, link) for every documented type whose spec takes names through `link`
    from a record of `model` (or of its concrete model)."""
    from nkhr.registry import record_types

    targets = {model, model._meta.concrete_model}
    found = []
    for registered in record_types():
        spec = registered.search
        if spec is None or registered.model._meta.proxy:
            continue
        for link in spec.links:
            related = registered.model._meta.get_field(link).related_model
            if related in targets or related._meta.concrete_model in targets:
                found.append((registered.model, link))
    return found


# Read from the registry, complete once the apps are ready (signals fire after that):
# worked out once, not on every save of every row.
@cache
def _alias_parents() -> dict[type, list[tuple[type, str, str]]]:
    """Name row model → (record model, relation, the row's link to the record)."""
    from nkhr.registry import record_types

    parents = defaultdict(list)
    for registered in record_types():
        spec = registered.search
        if spec is None or registered.model._meta.proxy:
            continue
        for relation in spec.aliases:
            field = registered.model._meta.get_field(relation)
            parents[field.related_model].append((registered.model, relation, field.field.name))
    return parents


def _write(model, records: list) -> None:
    """Refresh the documents of `records` (instances of `model`, with their aliases and
    links readable) and write those that changed, in one statement per batch."""
    spec = _spec(model)
    changed = []
    for record in records:
        columns = document(entries_of(record, spec))
        if any(getattr(record, name) != value for name, value in columns.items()):
            for name, value in columns.items():
                setattr(record, name, value)
            changed.append(record)
    if changed:
        model._base_manager.bulk_update(changed, DOCUMENT_FIELDS, batch_size=500)


def _load(model, pks) -> list:
    spec = _spec(model)
    queryset = model._base_manager.filter(pk__in=list(pks))
    if spec.links:
        queryset = queryset.select_related(*spec.links)
    if spec.aliases:
        queryset = queryset.prefetch_related(*spec.aliases)
    return list(queryset)


# Inside `deferred()`: the records whose documents are to be rebuilt, by model.
_pending: ContextVar[dict | None] = ContextVar("nkhr_documents_pending", default=None)


@contextmanager
def deferred():
    """Within it, documents are rebuilt once per record at the end (or at `flush()`), not
    at each save: an import saving a thousand rows and their aliases rebuilds each
    record's document once, in batches, inside its transaction."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set({})
    try:
        yield
        flush()
    finally:
        _pending.reset(token)


def flush() -> None:
    """Rebuild the documents waiting in `deferred()`, now."""
    pending = _pending.get()
    if not pending:
        return
    token = _pending.set(None)
    try:
        while pending:
            model, pks = pending.popitem()
            pks = list(pks)
            for start in range(0, len(pks), 1000):
                refresh(model, pks[start : start + 1000])
    finally:
        _pending.reset(token)


def refresh(model, pks: Iterable, *, follow: bool = True) -> None:
    """Rebuild the documents of `model`'s records `pks`, then (with `follow`) those of the
    records that take names from them (inside `deferred()`: at its end)."""
    pks = list(dict.fromkeys(pks))
    model = model._meta.concrete_model
    if not pks or not has_document(model):
        return
    pending = _pending.get()
    if pending is not None and follow:
        pending.setdefault(model, set()).update(pks)
        return
    # In the caller's transaction, without a savepoint of its own (two statements a save):
    # a failure here fails the change that made the documents stale, as it should.
    with transaction.atomic(savepoint=False):
        records = _load(model, pks)
        _write(model, records)
        if follow:
            _follow(model, {record.pk: record for record in records})


def _follow(model, targets: dict) -> None:
    """Rewrite the documents of the records that take names from `targets` (pk → record of
    `model`, its document current): one query reads the dependents' stored documents, of
    every type that links to `model`; a statement per type and batch writes those that
    changed. A dependent's own entries are kept as stored and its entries through the
    link are made anew from the target in hand, so nothing already in hand is read again
    (a type with more than one link, or a document never built, is rebuilt whole)."""
    links = [(dependent, link) for dependent, link in _links_to(model) if has_document(dependent)]
    if not links or not targets:
        return
    pks = list(targets)
    branches = [
        dependent._base_manager.filter(**{f"{link}__in": pks})
        .order_by()
        .annotate(document_branch=models.Value(n))
        .values_list("pk", link, *DOCUMENT_FIELDS, "document_branch")
        for n, (dependent, link) in enumerate(links)
    ]
    found = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    rows = defaultdict(list)
    for pk, target_pk, *columns, branch in found:
        rows[branch].append((pk, target_pk, columns))
    for branch, found_rows in rows.items():
        dependent, link = links[branch]
        patch = len(_spec(dependent).links) == 1
        changed, whole = [], []
        for pk, target_pk, (names, keys, hidden) in found_rows:
            if not patch or names is None:
                whole.append(pk)
                continue
            own = [entry for entry in names if entry[1] != link]
            columns = document(_unique(own + _link_entries(link, targets[target_pk])))
            if columns != {
                "search_names": names,
                "search_keys": keys,
                "search_keys_hidden": hidden,
            }:
                changed.append(dependent(pk=pk, **columns))
        if changed:
            dependent._base_manager.bulk_update(changed, DOCUMENT_FIELDS, batch_size=500)
        for start in range(0, len(whole), 1000):
            refresh(dependent, whole[start : start + 1000], follow=False)


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def _stored_links(model, instance) -> dict:
    """The records `instance` links to, as their stored documents: a linked record in hand
    may hold a document older than the stored one (an alias of it added since). One
    query per link."""
    linked = {}
    for link in _spec(model).links:
        field = model._meta.get_field(link)
        target_pk = getattr(instance, field.attname)
        related = field.related_model
        read = [name for name in ("search_names", "publication") if _has_field(related, name)]
        stored = (
            related._base_manager.filter(pk=target_pk).values(*read).first()
            if target_pk is not None
            else None
        )
        linked[link] = SimpleNamespace(**stored) if stored else None
    return linked


# Marks an instance whose document its save wrote with its row.
_WITH_ROW = "_nkhr_document_with_row"


def _before_save(instance, changed) -> bool:
    """An edit about to be written (`TimeStampedModel.save`): if it changes a field its
    document is built from, the document built from the instance (its aliases read once,
    or as prefetched), to be written with the row. Inside `deferred()` nothing."""
    model = type(instance)
    setattr(instance, _WITH_ROW, False)
    if _pending.get() is not None or not has_document(model):
        return False
    if not _sources(model).intersection(changed):
        return False
    concrete = model._meta.concrete_model
    spec = _spec(concrete)
    columns = document(entries_of(instance, spec, linked=_stored_links(concrete, instance)))
    for name, value in columns.items():
        setattr(instance, name, value)
    setattr(instance, _WITH_ROW, True)
    return True


def _refresh_saved(model, instance) -> None:
    """Rebuild the document of `instance`, just saved, from the instance itself (its aliases
    read once, or as prefetched) and rewrite those of the records taking its names."""
    spec = _spec(model)
    linked = _stored_links(model, instance)
    with transaction.atomic(savepoint=False):
        columns = document(entries_of(instance, spec, linked=linked))
        model._base_manager.filter(pk=instance.pk).update(**columns)
        for name, value in columns.items():
            setattr(instance, name, value)
        _follow(model, {instance.pk: instance})


def rebuild(model, *, only_unbuilt: bool = False, batch: int = 1000, progress=None) -> int:
    """Rebuild every document of `model` (with `only_unbuilt`, those never built); linked
    types should be rebuilt after the types they link to (`rebuild_all` orders them)."""
    if not has_document(model):
        return 0
    rows = model._base_manager.order_by("pk")
    if only_unbuilt:
        rows = rows.filter(search_names__isnull=True)
    pks = list(rows.values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        refresh(model, pks[start : start + batch], follow=False)
        if progress:
            progress(model, min(start + batch, len(pks)), len(pks))
    return len(pks)


def documented_models() -> list:
    """Every concrete documented model, those that others link to first."""
    from nkhr.registry import record_types

    found = []
    for registered in record_types():
        model = registered.model
        if model._meta.proxy or not has_document(model) or model in found:
            continue
        found.append(model)
    # A type taking names through links is built after the types it links to.
    linking = [model for model in found if _spec(model).links]
    return [model for model in found if model not in linking] + linking


def rebuild_all(*, only_unbuilt: bool = False, progress=None) -> dict:
    return {
        model._meta.label: rebuild(model, only_unbuilt=only_unbuilt, progress=progress)
        for model in documented_models()
    }


# --- signals ---------------------------------------------------------------------------------

_DELETING = "_nkhr_document_dependents"


# Read from the registry, complete once the apps are ready (signals fire after that).
@cache
def _sources(model) -> frozenset[str]:
    """The fields of `model` that its document, or the documents of the records taking
    its names, are built from: its spec's own fields and links, and its publication."""
    spec = _spec(model)
    own = [field for field in spec.text if "__" not in field]
    return frozenset({*spec.names, *spec.keys, *own, *spec.links, "publication"})


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if has_document(sender):
        # A save that changed none of the fields documents are built from (a description
        # edited) leaves every document as it was: nothing to rebuild.
        sources = _sources(sender)
        if hasattr(instance, "changed_by_save"):
            changed = instance.changed_by_save
        else:
            changed = getattr(instance, "changed_fields", lambda: None)()
        built = getattr(instance, "search_names", None) is not None
        if built and changed is not None and not sources.intersection(changed):
            return
        model = sender._meta.concrete_model
        if getattr(instance, _WITH_ROW, False):
            # Its document went with the row: only the records taking its names are left.
            setattr(instance, _WITH_ROW, False)
            with transaction.atomic(savepoint=False):
                _follow(model, {instance.pk: instance})
            return
        # The instance holds what was written unless the save wrote only some fields
        # (`update_fields` leaving out one the document is built from): then it is read.
        whole = update_fields is None or sources <= set(update_fields)
        if _pending.get() is not None or raw or not whole:
            refresh(model, [instance.pk])
        else:
            _refresh_saved(model, instance)
        return
    for model, _relation, link in _alias_parents().get(sender, ()):
        parent_id = getattr(instance, f"{link}_id", None)
        if parent_id is not None:
            refresh(model, [parent_id])


def _deleting(sender, instance, **kwargs):
    """Before a record goes: the records taking names from it, refreshed once it is gone."""
    if not has_document(sender):
        return
    dependents = [
        (dependent, list(dependent._base_manager.filter(**{link: instance.pk}).values_list("pk", flat=True)))
        for dependent, link in _links_to(sender)
    ]  # fmt: skip
    setattr(instance, _DELETING, dependents)


def _deleted(sender, instance, **kwargs):
    for dependent, pks in getattr(instance, _DELETING, ()):
        refresh(dependent, pks)
    for model, _relation, link in _alias_parents().get(sender, ()):
        parent_id = getattr(instance, f"{link}_id", None)
        if parent_id is not None and model._base_manager.filter(pk=parent_id).exists():
            refresh(model, [parent_id])


def _after_migrate(sender, **kwargs):
    """Documents of records that have none yet (an existing database upgraded)."""
    from django.apps import apps

    if sender.label != "nkhr" or not apps.ready:
        return
    rebuild_all(only_unbuilt=True)


def disconnect_saves() -> None:
    """Saves no longer keep documents current (for measurement only: what a save costs
    without them); `connect()` undoes it."""
    from nkhr.models import base

    base.document_before_save = None
    post_save.disconnect(dispatch_uid="nkhr_document_saved")


def connect() -> None:
    from nkhr.models import base

    base.document_before_save = _before_save
    post_save.connect(_saved, dispatch_uid="nkhr_document_saved")
    pre_delete.connect(_deleting, dispatch_uid="nkhr_document_deleting")
    post_delete.connect(_deleted, dispatch_uid="nkhr_document_deleted")
    post_migrate.connect(_after_migrate, dispatch_uid="nkhr_document_after_migrate")

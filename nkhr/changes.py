"""The change feed's log: every change to a record, written in the transaction that makes it.

What is written (`nkhr.models.changes.Change`): one row per record and transaction, whatever
path the change took (the API, the admin, an import, a pending change published, a
restore), because it is written by the save, delete and many-to-many signals of every
record and row, which every such path sends:

* a record saved or deleted: its own row, with its publication state before the
  transaction's first change to it and after its last (blank: it did not exist);
* a row of records saved or deleted (an alias, a citation, a bill action, a position held):
  a row for each record it belongs to or names, whose representation shows it;
* a record created, deleted, moved in the workflow, renamed or linked elsewhere: a row for
  each record that shows it (its brief form, a list of what points at a record).

Rows of one transaction fold into one per record (an upsert on the transaction's token), so
an actor saved with its aliases is one change. Fixtures loaded raw send no such signals:
`record_initial_changes()` writes a "created" change for every record that has none (after
`migrate`, and after `bootstrap` loads the paper).

Commit order (`sequence()`): rows are written without a position; once their transaction
has committed, the sequencer gives them positions above every position given so far, under
a lock that serialises sequencers. A row committed late, however early its id, therefore
gets a later position than anything a reader has already read: readers (`read()`) never
skip. Each writing transaction sequences its rows when it commits, and every read of the
feed sequences what is left first (a commit whose process died before its hook ran).

The merge of records (`record_merged()`) is told to the feed by the service that merges.
"""

import functools
import threading
import uuid
import zlib
from collections import defaultdict

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import F, Max, Min
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import Signal
from django.utils import timezone

from nkhr.history import is_history_model, is_tracked
from nkhr.models.changes import Change
from nkhr.models.publication import Publication
from nkhr.services import RESTORED

# Fields that make a record's brief form (`{id, url, name, kind}`), which other records show.
BRIEF_FIELDS = frozenset({"name", "title", "kind", "publication"})
BATCH = 2000

_local = threading.local()


# --- what a model is to the feed ----------------------------------------------------------


def _record_types() -> dict[type, object]:
    from nkhr.registry import record_types

    return {registered.model._meta.concrete_model: registered for registered in record_types()}


@functools.cache
def is_record(model) -> bool:
    """A registered record type (its concrete model): it has a route and a place in the feed."""
    return model._meta.concrete_model in _record_types()


@functools.cache
def _prefixes() -> dict[str, str]:
    from nkhr.registry import record_types

    return {registered.basename: registered.prefix for registered in record_types()}


def resource_of(model, kind=None) -> str | None:
    """The resource a record of `model` (of `kind`) is served under: where its URL points
    (a sanctions regime is an instrument served as `sanctions-regimes`)."""
    from nkhr.api.registry import basename_for

    basename = basename_for(model._meta.concrete_model, kind)
    return _prefixes().get(basename)


def resources() -> list[str]:
    """Every record type's resource name, in the registry's order."""
    from nkhr.registry import record_types

    return [registered.prefix for registered in record_types()]


@functools.cache
def _has_kind(model) -> bool:
    return any(field.name == "kind" for field in model._meta.concrete_fields)


@functools.cache
def _links(model) -> tuple:
    """`model`'s foreign keys to tracked models (records and rows), and its generic keys."""
    concrete = model._meta.concrete_model
    keys = tuple(
        field
        for field in concrete._meta.concrete_fields
        if field.many_to_one and is_tracked(field.related_model) and field.related_model
    )
    generic = tuple(f for f in concrete._meta.private_fields if isinstance(f, GenericForeignKey))
    return keys, generic


@functools.cache
def _is_row(model) -> bool:
    """A tracked model that is no record type but belongs to or names records."""
    concrete = model._meta.concrete_model
    if is_record(concrete) or not is_tracked(concrete) or is_history_model(concrete):
        return False
    keys, generic = _links(concrete)
    return bool(keys or generic)


@functools.cache
def _referring(model) -> tuple:
    """(model, lookup field name) of the tracked records and rows that point at `model`."""
    concrete = model._meta.concrete_model
    found = []
    for relation in concrete._meta.related_objects:
        related = relation.related_model
        if related is Change or is_history_model(related) or not is_tracked(related):
            continue
        if relation.many_to_many or relation.field.concrete:
            found.append((related, relation.field.name))
    return tuple(found)


def _owns(field) -> bool:
    """Whether the row with `field` belongs to the record it points at (dies with it)."""
    return field.remote_field.on_delete is models.CASCADE


@functools.cache
def _shows(field) -> bool:
    """Whether the record `field` points at lists what holds `field` on its API detail (an
    actor its children, its holders, the bills it sponsored), so a change of those is a
    change of it. Unknown (a serializer that cannot be read alone) counts as yes."""
    from nkhr.registry import record_type_for, references_to

    target = field.related_model._meta.concrete_model
    registered = record_type_for(target)
    if registered is None or registered.serializer is None:
        return False
    accessors = {field.remote_field.get_accessor_name()}
    for relation in target._meta.get_fields():
        if not relation.many_to_many:
            continue
        if relation.concrete and relation.remote_field.through is field.model:
            accessors.add(relation.name)
        elif not relation.concrete and relation.through is field.model:
            accessors.add(relation.get_accessor_name())
    try:
        sources = {shown.source for shown in registered.serializer().fields.values()}
    except Exception:
        return True
    sources |= {reference.accessor for reference in references_to(target) if reference.in_api}
    return bool(accessors & sources)


# --- finding the records a change shows in ------------------------------------------------


class _Targets:
    """Records (model, pk) collected for one write, with the rows that lead to them."""

    def __init__(self):
        self.records: dict[type, set] = defaultdict(set)

    def add(self, model, pk) -> None:
        if pk is not None:
            self.records[model._meta.concrete_model].add(str(pk))

    def add_row(self, row, depth: int = 0) -> None:
        """The records `row` belongs to (through another row, such as a citation of a
        position held, up to two steps) and those that list it (a position held on the
        position's page)."""
        keys, generic = _links(type(row))
        stored = getattr(row, "_stored_values", None) or {}
        for field in keys:
            if _owns(field) or _shows(field):
                for pk in {getattr(row, field.attname), stored.get(field.attname)}:
                    self._add_target(field.related_model, pk, depth)
        for field in generic:
            content_type_id = getattr(row, type(row)._meta.get_field(field.ct_field).attname)
            pk = getattr(row, field.fk_field)
            if content_type_id is None or pk is None:
                continue
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None:
                self._add_target(model, pk, depth)

    def _add_target(self, model, pk, depth: int) -> None:
        if pk is None or isinstance(pk, type(models.DEFERRED)):
            return
        if is_record(model):
            self.add(model, pk)
        elif depth < 2 and _is_row(model):
            owner = model._base_manager.filter(pk=pk).first()
            if owner is not None:
                self.add_row(owner, depth + 1)

    def add_referring(self, model, pk) -> None:
        """The records that show record `pk` of `model`: those pointing at it, and those
        whose rows point at it."""
        # Unordered: a type's default ordering joins and sorts rows only collected.
        referring = [
            (related, name, related._base_manager.filter(**{name: pk}).order_by())
            for related, name in _referring(model)
        ]
        # The records pointing at it, of every type, in one statement (tagged by type).
        records = [
            (related, queryset) for related, _name, queryset in referring if is_record(related)
        ]
        tagged = [
            queryset.annotate(feed_type=models.Value(index)).values_list("feed_type", "pk")
            for index, (_related, queryset) in enumerate(records)
        ]
        if tagged:
            for index, found in tagged[0].union(*tagged[1:], all=True):
                self.add(records[index][0], found)
        for related, name, queryset in referring:
            if is_record(related):
                continue
            keys, generic = _links(related)
            owners = [field for field in keys if field.name != name and _owns(field)]
            columns = [field.attname for field in owners]
            generic_columns = []
            for field in generic:
                generic_columns += [related._meta.get_field(field.ct_field).attname, field.fk_field]
            if not columns and not generic_columns:
                continue
            for values in queryset.values_list(*columns, *generic_columns):
                for field, value in zip(owners, values[: len(columns)], strict=True):
                    self._add_target(field.related_model, value, 0)
                rest = values[len(columns) :]
                for index in range(0, len(rest), 2):
                    content_type_id, object_id = rest[index], rest[index + 1]
                    if content_type_id is None or object_id is None:
                        continue
                    target = ContentType.objects.get_for_id(content_type_id).model_class()
                    if target is not None:
                        self._add_target(target, object_id, 0)

    def add_linked(self, record) -> None:
        """The records `record` points at (their pages list what points at them)."""
        keys, _generic = _links(type(record))
        stored = getattr(record, "_stored_values", None) or {}
        for field in keys:
            if _shows(field):
                for pk in {getattr(record, field.attname), stored.get(field.attname)}:
                    self._add_target(field.related_model, pk, 0)

    def current(self, using, skip=()) -> list[tuple[str, str, str]]:
        """(resource, public id, publication) of every collected record that exists."""
        found = []
        for model, pks in self.records.items():
            pks = pks - {pk for skipped_model, pk in skip if skipped_model is model}
            if not pks:
                continue
            columns = ["pk", "publication"] + (["kind"] if _has_kind(model) else [])
            for values in model._base_manager.using(using).filter(pk__in=pks).values_list(*columns):
                resource = resource_of(model, values[2] if len(values) > 2 else None)
                if resource is not None:
                    found.append((resource, str(values[0]), values[1]))
        return found


# --- writing ------------------------------------------------------------------------------


def _token(using) -> str:
    tokens = _local.__dict__.setdefault("tokens", {})
    if using not in tokens:
        tokens[using] = uuid.uuid4().hex
    return tokens[using]


def _committed(using, token) -> None:
    tokens = _local.__dict__.get("tokens", {})
    if tokens.get(using) == token:
        del tokens[using]
        sequence(using)


# Sent with every write to the feed: `public` when a record the public sees (published
# before or after) changed, which is when the public's cached aggregates go stale.
written = Signal()


def tracks(instance, raw: bool = False) -> bool:
    """Whether saving or deleting `instance` is written to the feed (and `written` says
    whether the public saw it): a record or a row of one, not a fixture's raw load, a
    restore or an import's dry run."""
    model = type(instance)
    return not raw and not _unlogged(instance) and (is_record(model) or _is_row(model))


def _write(using, entries, cause: str = "", merged_into: str = "") -> None:
    """Upsert a row per (resource, id, state before, state after) of `entries` for this
    transaction: a record already changed in it keeps its state before and takes the new
    state after."""
    if not entries:
        return
    published = Publication.PUBLISHED
    written.send(
        sender=Change,
        using=using,
        public=any(published in (before, after) for _resource, _pk, before, after in entries),
    )
    token, now = _token(using), timezone.now()
    rows = {}
    for resource, pk, before, after in entries:
        rows[resource, pk] = Change(
            transaction=token,
            record_type=resource,
            record_id=pk,
            state_before=before,
            state_after=after,
            cause=cause,
            merged_into=merged_into,
            time=now,
        )
    update_fields = ["state_after", "time"] + (["cause", "merged_into"] if cause else [])
    Change.objects.using(using).bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["transaction", "record_type", "record_id"],
        update_fields=update_fields,
    )
    # The token lives until this transaction commits. Registered with every write, so that
    # a savepoint rolled back (and its hooks with it) leaves the later writes' hooks.
    transaction.on_commit(functools.partial(_committed, using, token), using=using, robust=True)


def _unchanged(entries):
    return [(resource, pk, state, state) for resource, pk, state in entries]


def _record_entry(instance, before: str, after: str):
    resource = resource_of(type(instance), getattr(instance, "kind", None))
    return None if resource is None else (resource, str(instance.pk), before, after)


def _stored(instance, name):
    stored = getattr(instance, "_stored_values", None)
    if stored is not None and name in stored and stored[name] is not models.DEFERRED:
        return stored[name]
    return getattr(instance, "_change_stored", {}).get(name, models.DEFERRED)


def _before_save(sender, instance, raw=False, using=None, **kwargs):
    """A record saved without having been read (an import's instance made anew): its
    stored state, read once, for the change's "before"."""
    if raw or not is_record(sender) or getattr(instance, "_stored_values", None) is not None:
        return
    if instance.pk is None or instance._state.adding:
        return
    names = ["publication", *(f.attname for f in _links(sender)[0])]
    names += [name for name in ("name", "title", "kind") if _field(sender, name)]
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values(*names).first()
    instance._change_stored = stored or {}


@functools.cache
def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _unlogged(instance) -> bool:
    """Saves that log no change: a backup being restored (its change log is in the file) and
    an import's dry run (rolled back), both marked by simple-history's own switch."""
    return getattr(instance, "skip_history_when_saving", False)


def _saved(sender, instance, created, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if _unlogged(instance):
        return
    if raw:
        # A fixture: record_initial_changes() says "created"; its links, set next, too.
        instance._change_raw = True
        return
    targets = _Targets()
    if is_record(sender):
        before = "" if created else _stored(instance, "publication")
        if before is models.DEFERRED:
            before = ""
        after = instance.publication
        entry = _record_entry(instance, before, after)
        # A restore saves the record with its history reason (nkhr/services.py).
        restored = created and getattr(instance, "_change_reason", None) == RESTORED
        _write(using, [entry] if entry else [], cause=Change.Cause.RESTORED if restored else "")
        brief_changed = created or before != after or _brief_changed(instance)
        if brief_changed:
            targets.add_linked(instance)
            if not created or restored:
                targets.add_referring(sender, instance.pk)
        skip = {(sender._meta.concrete_model, str(instance.pk))}
        _write(using, _unchanged(targets.current(using, skip)))
    elif _is_row(sender):
        targets.add_row(instance)
        _write(using, _unchanged(targets.current(using)))


def _brief_changed(instance) -> bool:
    """Whether a column other records show of `instance` (its name, kind, a link its name
    is made from) changed; unknown (never read) counts as changed."""
    model = type(instance)
    names = [name for name in BRIEF_FIELDS if _field(model, name) is not None]
    attnames = [_field(model, name).attname for name in names]
    attnames += [field.attname for field in _links(model)[0]]
    for attname in attnames:
        stored = _stored(instance, attname)
        if stored is models.DEFERRED or stored != getattr(instance, attname):
            return True
    return False


def _deleting(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    """Before a record goes: who shows it (afterwards their keys to it may be nulled
    without signals)."""
    if is_record(sender) and not _unlogged(instance):
        targets = _Targets()
        targets.add_referring(sender, instance.pk)
        targets.add_linked(instance)
        instance._change_referring = targets


def _deleted(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if _unlogged(instance):
        return
    if is_record(sender):
        before = _stored(instance, "publication")
        if before is models.DEFERRED:
            before = instance.publication
        entry = _record_entry(instance, before, "")
        _write(using, [entry] if entry else [])
        targets = getattr(instance, "_change_referring", None)
        if targets is not None:
            skip = {(sender._meta.concrete_model, str(instance.pk))}
            _write(using, _unchanged(targets.current(using, skip)))
    elif _is_row(sender):
        targets = _Targets()
        targets.add_row(instance)
        _write(using, _unchanged(targets.current(using)))


def _links_changed(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    """A many-to-many link added or removed (an event's instruments): both ends changed."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if getattr(instance, "_change_raw", False) or _unlogged(instance):
        return
    targets = _Targets()
    if is_record(type(instance)):
        targets.add(type(instance), instance.pk)
    elif _is_row(type(instance)):
        targets.add_row(instance)
    if is_record(model):
        for pk in pk_set or ():
            targets.add(model, pk)
    _write(using, _unchanged(targets.current(using)))


def record_merged(record, survivor, using: str = DEFAULT_DB_ALIAS) -> None:
    """Tell the feed that `record` was merged into `survivor` (both records), in the merge's
    transaction, before or after `record` is deleted: the feed then says "merged", with
    `merged_into` the survivor's public id, where it would have said "deleted"."""
    stored = type(record)._base_manager.using(using).filter(pk=record.pk)
    state = stored.values_list("publication", flat=True).first() or ""
    entry = _record_entry(record, state or record.publication, state)
    if entry is not None:
        _write(using, [entry], cause=Change.Cause.MERGED, merged_into=str(survivor.pk))


# --- sequencing and reading ---------------------------------------------------------------

# The advisory lock sequencers take on PostgreSQL.
LOCK_KEY = zlib.crc32(b"nkhr:change-feed")


def sequence(using: str = DEFAULT_DB_ALIAS) -> int:
    """Give positions to the committed rows that have none; the highest position given.

    Under the lock, the rows found committed are numbered above the highest position so
    far, in id order, so every position handed out later is higher than every position a
    reader can have read. On SQLite writes are serialised by the database itself."""
    changes = Change.objects.using(using)
    if changes.filter(position__isnull=True).exists():
        with transaction.atomic(using=using):
            connection = connections[using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            pending = changes.filter(position__isnull=True)
            bounds = pending.aggregate(first=Min("id"), last=Max("id"))
            if bounds["first"] is not None:
                top = changes.aggregate(top=Max("position"))["top"] or 0
                # Ids in the range that commit meanwhile are numbered too (still above
                # `top`); a row committed meanwhile below the range waits for the next run.
                pending.filter(id__range=(bounds["first"], bounds["last"])).update(
                    position=F("id") + (top + 1 - bounds["first"])
                )
    return changes.aggregate(top=Max("position"))["top"] or 0


def visible_changes(public: bool, using: str = DEFAULT_DB_ALIAS):
    """The rows a reader is told about: for the public, those of records it saw published
    before or after; for staff, all but records created and deleted in one transaction."""
    changes = Change.objects.using(using).filter(position__isnull=False)
    if public:
        published = Publication.PUBLISHED
        return changes.filter(models.Q(state_before=published) | models.Q(state_after=published))
    return changes.exclude(state_before="", state_after="", cause="")


# --- a first change for every record --------------------------------------------------------


def record_initial_changes(using: str = DEFAULT_DB_ALIAS) -> int:
    """A "created" change for every record that has none yet (records loaded from fixtures,
    an existing database's records when the feed was added); returns how many. Sequenced
    at once, so the feed starts complete."""
    from nkhr.registry import record_types

    written = 0
    token = uuid.uuid4().hex
    done = set()
    for registered in record_types():
        model = registered.model._meta.concrete_model
        if model in done:
            continue
        done.add(model)
        names = [r.prefix for r in record_types() if r.model._meta.concrete_model is model]
        known = Change.objects.using(using).filter(
            record_type__in=names, record_id=models.OuterRef("pk")
        )
        columns = ["pk", "publication"] + (["kind"] if _has_kind(model) else [])
        missing = (
            model._base_manager.using(using)
            .exclude(models.Exists(known))
            .order_by("pk")
            .values_list(*columns)
        )
        batch = []
        for values in missing.iterator(chunk_size=BATCH):
            resource = resource_of(model, values[2] if len(values) > 2 else None)
            if resource is None:
                continue
            batch.append(
                Change(
                    transaction=token,
                    record_type=resource,
                    record_id=values[0],
                    state_before="",
                    state_after=values[1],
                )
            )
            if len(batch) >= BATCH:
                Change.objects.using(using).bulk_create(batch)
                written, batch = written + len(batch), []
        Change.objects.using(using).bulk_create(batch)
        written += len(batch)
    if written:
        sequence(using)
    return written


def _after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """An existing database upgraded: its records' first changes."""
    from django.apps import apps

    if sender.label != "nkhr" or not apps.ready:
        return
    record_initial_changes(using)


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="nkhr_change_before_save")
    post_save.connect(_saved, dispatch_uid="nkhr_change_saved")
    pre_delete.connect(_deleting, dispatch_uid="nkhr_change_deleting")
    post_delete.connect(_deleted, dispatch_uid="nkhr_change_deleted")
    m2m_changed.connect(_links_changed, dispatch_uid="nkhr_change_links")
    post_migrate.connect(_after_migrate, dispatch_uid="nkhr_change_after_migrate")

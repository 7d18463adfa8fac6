"""A whole database, history included, as one JSON Lines file, and back (docs/operations.md,
"Backup and restore"; `manage.py backup` and `manage.py restore`).

What is written: every row of the project's apps (records, their rows, every historical
version), the logins, groups, API tokens and the admin's log, in Django's fixture format
(JSON Lines, one object a line), so that `loaddata` could read the file too. Left out:
content types and permissions (every migrated database has them, and rows point at them by
their natural keys, `["nkhr", "citation"]`), sessions and the login throttle's counts.

Why not `dumpdata` and `loaddata` as they are:

* `loaddata` fires the save and many-to-many signals, and django-simple-history writes a new
  version on each many-to-many change: a restore would add versions dated at restore time,
  and on PostgreSQL their ids collide with the dumped versions' ids. `restore_from()` saves
  every object with simple-history's own switch, `skip_history_when_saving`, and loads the
  historical tables as they were dumped.
* `dumpdata --natural-foreign` follows every foreign key to its row to write its natural
  key: a version that names a record since deleted (which the history keeps) stops it.
  Natural keys are used here only for what a migration makes (content types, permissions,
  the role groups); every other row keeps its primary key, so versions still name the
  rows they are versions of.
* Rows are written in primary key order compared byte by byte (PostgreSQL's "C" collation,
  SQLite's own), with many-to-many links sorted and timestamps to the microsecond, so that
  the same data gives the same file on either database: a restore is checked by comparing
  the backup of the restored database with the file it was restored from.
"""

import datetime
import functools
import gzip
import json
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.functions import Collate

from nkhr.roles import record_apps

# Apps whose rows a backup holds besides the record apps (`nkhr.roles.record_apps`), each
# app's models less the ones below.
ACCOUNT_APPS = ("auth", "authtoken", "admin")
LEFT_OUT = {"auth.permission"}
# Rows every migrated database has, named by their natural keys; groups are matched by name.
NATURAL_KEYS = (ContentType, Permission, Group)
NATURAL_PRIMARY_KEYS = (Group,)
CHUNK = 2000


def backed_up_models() -> list[type[models.Model]]:
    """The models a backup holds, in an order that loads (what a natural key names first)."""
    app_list = []
    for label in (*ACCOUNT_APPS, *record_apps()):
        config = apps.get_app_config(label)
        chosen = [
            model
            for model in config.get_models()
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.label_lower not in LEFT_OUT
        ]
        app_list.append((config, chosen))
    return serializers.sort_dependencies(app_list, allow_cycles=True)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond (Django's encoder keeps milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupSerializer(JSONLinesSerializer):
    """Django's JSON Lines serializer with natural keys for `NATURAL_KEYS` only, and sorted
    many-to-many links."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEYS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEYS
        super().handle_m2m_field(obj, field)
        if field.name in self._current:
            self._current[field.name].sort(key=lambda value: json.dumps(value, default=str))

    def get_dump_object(self, obj):
        self.use_natural_primary_keys = isinstance(obj, NATURAL_PRIMARY_KEYS)
        return super().get_dump_object(obj)


def ordered_rows(model, using: str):
    """Every row of `model` in byte order of its primary key, whatever the database."""
    pk = model._meta.pk
    queryset = model._base_manager.using(using).all()
    order = pk.attname
    if connections[using].vendor == "postgresql" and isinstance(pk, models.CharField):
        queryset = queryset.annotate(_byte_order=Collate(pk.attname, "C"))
        order = "_byte_order"
    m2m = [field.name for field in model._meta.many_to_many]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    return queryset.order_by(order).iterator(chunk_size=CHUNK)


def open_for(path: Path | str, mode: str, name: str | None = None):
    """A text file, gzip-compressed if its name (or `name`) ends with `.gz`."""
    if str(name or path).endswith(".gz"):
        return gzip.open(path, mode + "t", encoding="utf-8", newline="\n")
    return open(path, mode, encoding="utf-8", newline="\n")


@contextmanager
def one_moment(using: str):
    """Every query inside reads the database as it was when the first one ran, and no
    writer waits for it."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield  # the caller's transaction already is one
    elif connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            # One snapshot for every table (READ COMMITTED would take one per query).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # A read transaction: a WAL snapshot. Django's own would begin IMMEDIATE (the
        # project's setting) and hold the write lock, making writers wait the whole backup.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield
            finally:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic(using=using):
            yield


def back_up_to(stream, using: str = DEFAULT_DB_ALIAS, progress=None) -> dict[str, int]:
    """Write the backup to `stream`; return the rows written per model. The file is one
    moment of the database (`one_moment()`)."""
    counts = {}
    with one_moment(using):
        for model in backed_up_models():
            serializer = BackupSerializer()
            rows = ordered_rows(model, using)
            counted = _counting(rows)
            serializer.serialize(counted, stream=stream, cls=ExactJSONEncoder)
            counts[model._meta.label] = counted.count
            if progress is not None:
                progress(model._meta.label, counted.count)
    return counts


class _counting:
    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


class NotEmpty(Exception):
    """The database to restore into holds rows already."""


def rows_present(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models (of those a backup holds) with rows, less the groups every migrated
    database has (a restore matches those by name)."""
    return [
        model._meta.label
        for model in backed_up_models()
        if model not in NATURAL_PRIMARY_KEYS and model._base_manager.using(using).exists()
    ]


@functools.cache
def loads_in_batches(model) -> bool:
    """Whether `model`'s rows may be inserted in batches: not matched by natural key (the
    role groups), not spread over tables, and with no field a plain insert would stamp
    (`auto_now` times, as an API token's: only a raw save keeps the loaded value)."""
    return not (
        model in NATURAL_PRIMARY_KEYS
        or model._meta.parents
        or any(
            getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
            or isinstance(field, models.FileField)
            for field in model._meta.concrete_fields
        )
    )


class Batch:
    """Rows of one model inserted `CHUNK` a statement, as loaded: the file holds what the
    database held, derived keys and timestamps included, so nothing a save does is needed
    (`loaddata` saves, and tries an update before each insert)."""

    def __init__(self, using: str):
        self.using = using
        self.model = None
        self.objects: list = []

    def add(self, deserialized) -> None:
        if type(deserialized.object) is not self.model or len(self.objects) >= CHUNK:
            self.write()
            self.model = type(deserialized.object)
        self.objects.append(deserialized)

    def write(self) -> None:
        if not self.objects:
            return
        manager = self.model._base_manager.using(self.using)
        manager.bulk_create([deserialized.object for deserialized in self.objects])
        for deserialized in self.objects:
            for name, values in deserialized.m2m_data.items():
                if values:
                    getattr(deserialized.object, name).set(values)
        self.objects = []


def restore_from(stream, using: str = DEFAULT_DB_ALIAS, progress=None) -> dict[str, int]:
    """Load a backup into an empty, migrated database, in one transaction, with no history
    written on the way; then move PostgreSQL's sequences past the loaded ids. Returns the
    rows loaded per model. Raises NotEmpty when the database holds rows already."""
    present = rows_present(using)
    if present:
        raise NotEmpty(present)
    counts: dict[str, int] = {}
    loaded_models = set()
    with transaction.atomic(using=using):
        deferred = []
        batch = Batch(using)
        objects = serializers.deserialize(
            "jsonl", stream, using=using, handle_forward_references=True
        )
        for number, deserialized in enumerate(objects, 1):
            # simple-history's switch: no version for this save or its many-to-many links.
            deserialized.object.skip_history_when_saving = True
            model = type(deserialized.object)
            if deserialized.deferred_fields or not loads_in_batches(model):
                # Matched by natural key, naming what is not loaded yet, or stamped by a
                # save (see `loads_in_batches`): saved as loaded, one by one.
                batch.write()
                deserialized.save(using=using)
                if deserialized.deferred_fields:
                    deferred.append(deserialized)
            else:
                batch.add(deserialized)
            loaded_models.add(model)
            counts[model._meta.label] = counts.get(model._meta.label, 0) + 1
            if progress is not None:
                progress(number)
        batch.write()
        for deserialized in deferred:
            deserialized.save_deferred_fields(using=using)
        connection = connections[using]
        statements = connection.ops.sequence_reset_sql(no_style(), sorted(loaded_models, key=str))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    return counts

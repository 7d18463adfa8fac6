"""Bulk import and export of records in the admin, built on django-import-export.

What every resource (nkhr/resources.py, sanctions/resources.py, mechanisms/resources.py)
shares, written once:

* `resolve_record()` and `RecordWidget`: a cell naming a related record is matched by public
  id, else by exact name (or title, symbol …), else by exact alias (actors); no match or
  several are field errors ("unknown actor 'X'", "ambiguous: 'X' matches a, b"), never a new
  record.
* `PartialDateImportField`: one column per partial date, written as known ("2015-06") and read with
  `PartialDate.parse`.
* `RowsField`, `CitationsField`, `RecordListField`: multi-valued parts of a record (aliases,
  bill actions, citations, events' instruments) as one column holding a JSON list, so an
  export re-imports without loss.
* `RecordResource`: the base resource. Every row goes through `full_clean()` like an admin
  form; all errors of all rows are collected, row by row and field by field; the import runs
  in one transaction that is rolled back on any error (and always on a dry run), and every
  change is recorded in history with the channel `import`. What it would look up once a
  row is looked up once an import (nkhr/import_cache.py): 10,000 rows are checked in
  seconds (docs/operations.md, "Bulk imports: limits").
* `RecordImportExportMixin`: the admin mixin giving a record's page its import and export,
  within the limits of nkhr/import_limits.py, its errors shown as nkhr/import_reports.py
  says. `manage.py import_records` imports bigger files with the same resources.
"""

import copy
import datetime
import functools
import json
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.admin import ImportExportMixin
from import_export.fields import Field

from nkhr import documents
from nkhr.adapters import prefetched_rows
from nkhr.dates import PartialDate
from nkhr.history import Channel, is_tracked, recording_channel
from nkhr.import_cache import (
    BatchInstanceLoader,
    DuplicateIndex,
    add_duplicate_index,
    clean_imported,
    constraint_messages,
    import_lookups,
    indexed_unique_constraints,
    reading_rows,
    resolve_cached,
    row_added,
)
from nkhr.import_files import ImportTemplatesMixin
from nkhr.import_limits import ImportLimitsMixin
from nkhr.import_reports import ImportReportsMixin, ImportResult
from nkhr.models import Actor, Citation, Instrument, Legislation
from nkhr.models.base import public_id_slug, reserved_message
from nkhr.models.merges import MergedRecord
from nkhr.models.publication import PUBLISH, Publication
from nkhr.services import TRANSITIONS, may_transition, row_identity, same_row, write_rows
from nkhr.spreadsheets import FORMATS as SPREADSHEET_SAFE_FORMATS
from nkhr.spreadsheets import NativeTypesExportMixin

# --- matching a cell to a record -------------------------------------------------------------

# Fields compared with a cell, after the public id, to find a record by what it is called.
# Models not listed are matched by `name` or, lacking one, by `title`.
NAME_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Instrument: ("title", "short_title", "symbol"),
    Legislation: ("title", "short_title", "bill_number"),
}
# Where a model keeps other names of a record, compared last.
ALIAS_FIELDS: dict[type[models.Model], str] = {Actor: "aliases__name"}


def name_fields_of(model) -> tuple[str, ...]:
    concrete = model._meta.concrete_model
    if concrete in NAME_FIELDS:
        return NAME_FIELDS[concrete]
    field_names = {field.name for field in concrete._meta.fields}
    return tuple(name for name in ("name", "title") if name in field_names)[:1]


def resolve_record(model, value):
    """The record of `model` that `value` names: by public id, else by exact name, else by
    exact alias. Raises ValueError ("unknown …", "ambiguous: …") when not exactly one matches.

    Proxies are matched among all rows of their concrete model, so that naming an instrument
    of the wrong kind is reported by the model's own validation ("Choose a treaty.").
    During an import, what a text resolved to is remembered (nkhr.import_cache)."""
    if isinstance(value, model._meta.concrete_model):
        return value
    text = str(value).strip()
    concrete = model._meta.concrete_model
    alias = None
    if lookup := ALIAS_FIELDS.get(concrete):
        relation = concrete._meta.get_field(lookup.split("__")[0])
        alias = (relation.related_model, relation.field.attname, lookup.split("__")[1])
    return resolve_cached(model, text, find_record, name_fields_of(model), alias)


def find_record(model, text: str):
    """`resolve_record()` in the database."""
    manager = model._meta.concrete_model._base_manager
    found = manager.filter(pk=text).first()
    if found is not None:
        return found
    # Each way of naming is tried in turn; the first that matches anything decides.
    lookups = list(name_fields_of(model))
    if alias := ALIAS_FIELDS.get(model._meta.concrete_model):
        lookups.append(alias)
    for lookup in lookups:
        if lookup == alias:
            reading_rows()  # aliases of records added earlier in the import, too
        shown = 5
        matches = list(manager.filter(**{lookup: text}).distinct().order_by("pk")[: shown + 1])
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(str(match.pk) for match in matches[:shown])
            if len(matches) > shown:
                listed += ", …"
            raise ValueError(
                _("ambiguous: '%(value)s' matches %(matches)s") % {"value": text, "matches": listed}
            )
    raise ValueError(
        _("unknown %(model)s '%(value)s'") % {"model": model._meta.verbose_name, "value": text}
    )


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RecordWidget(widgets.Widget):
    """A foreign key cell: the related record's public id on export; on import, an id, an
    exact name or an exact alias (see `resolve_record`)."""

    def __init__(self, model):
        super().__init__(coerce_to_string=True)
        self.model = model

    def clean(self, value, row=None, **kwargs):
        return None if is_blank(value) else resolve_record(self.model, value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, "pk", value))


class RecordField(Field):
    """A foreign key column that exports the stored id without loading the related record."""

    def __init__(self, name: str, model):
        super().__init__(attribute=name, column_name=name, widget=RecordWidget(model))

    def get_value(self, instance):
        return instance.serializable_value(self.attribute)


# --- lists in one cell -----------------------------------------------------------------------


def read_list(value) -> list:
    """A multi-valued cell: a JSON list (as exported), a list already (JSON files), or items
    separated by ";" for hand-written files ("asset_freeze; travel_ban")."""
    if is_blank(value):
        return []
    if isinstance(value, list):
        return value
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Not a valid JSON list: %(error)s") % {"error": exc.msg}, code="invalid_list"
            ) from exc
        if not isinstance(items, list):
            raise ValidationError(_("Expected a JSON list."), code="invalid_list")
        return items
    return [part.strip() for part in text.split(";") if part.strip()]


def write_list(items: list) -> str:
    return json.dumps(items, ensure_ascii=False) if items else ""


# --- partial dates ---------------------------------------------------------------------------


class PartialDateWidget(widgets.Widget):
    """A partial date in one cell: "2015", "2015-06" or "2015-06-14" (a spreadsheet may
    give a date or a year as a number; both are read the same way)."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return PartialDate(value, "day")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return PartialDate.parse(str(value))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PartialDateImportField(Field):
    """The `<name>` and `<name>_precision` columns of a model as one column `<name>`."""

    def __init__(self, name: str):
        super().__init__(attribute=name, column_name=name, widget=PartialDateWidget())

    def get_value(self, instance):
        return instance.partial_date(self.attribute)

    def save(self, instance, row, is_m2m=False, **kwargs):
        value = self.clean(row, **kwargs)
        set_partial_date(instance, self.attribute, value)


def set_partial_date(instance, name: str, value: PartialDate | None):
    setattr(instance, name, value.date if value else None)
    setattr(instance, f"{name}_precision", value.precision if value else "")


# --- rows inside a record --------------------------------------------------------------------


def messages_of(error: ValidationError) -> list[str]:
    """Every message of `error`, prefixed with its field when it has one."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    lines = []
    for field, field_errors in error.message_dict.items():
        prefix = "" if field == NON_FIELD_ERRORS else f"{field}: "
        lines += [f"{prefix}{message}" for message in field_errors]
    return lines


class RowsField(Field):
    """A record's rows of one kind (aliases, bill actions …) as a JSON list in one column.

    Each item is an object with the keys in `keys` (foreign keys as public ids, partial dates
    as written); blank values are left out on export. A `numbered` key left out of an item
    is its position in the list. Where `scalar` is set, an item may also
    be a bare string meaning `{scalar: string}` (and rows that only have it export that way
    when it is their only key). Importing the column replaces the record's rows of that kind:
    unchanged rows are kept, changed ones replaced, missing ones deleted; a file without the
    column leaves them alone.
    """

    def __init__(
        self,
        column_name: str,
        model,
        parent: str,
        keys: Iterable[str],
        *,
        scalar: str | None = None,
        identity: Iterable[str] | None = None,
        check_rows: Callable[[list], list[str]] | None = None,
        numbered: str | None = None,
    ):
        super().__init__(attribute=None, column_name=column_name, widget=widgets.Widget())
        self.model = model
        self.parent = parent
        # Fields tying a row to its record, unknown until the record is saved.
        self.parent_fields: tuple[str, ...] = (parent,)
        self.keys = tuple(keys)
        self.scalar = scalar
        # Fields that identify a row within its record (its natural key less the record).
        self.identity = tuple(identity or row_identity(model, self.parent_fields))
        self.check_rows = check_rows
        # A field that, left out of an item, is the item's position in the list (from 1).
        self.numbered = numbered

    # --- reading and writing the record's rows ---

    def rows_of(self, record):
        return self.model._default_manager.filter(**{self.parent: record.pk})

    def attach(self, row, record):
        setattr(row, self.model._meta.get_field(self.parent).attname, record.pk)

    def prefetch_name(self) -> str | None:
        return self.model._meta.get_field(self.parent).remote_field.get_accessor_name()

    def existing_rows(self, record) -> list:
        if not record.pk or record._state.adding:
            return []
        if getattr(record, "_import_new", False):
            # Added by this import: its rows are those read from the file (which the import
            # may not have written yet, `RecordResource.add_rows()`).
            pending = record.__dict__.get("_import_rows", {}).get(self.column_name)
            if pending is not None:
                return list(pending)
        name = self.prefetch_name()
        cache = prefetched_rows(record)
        if name and name in cache:
            return list(cache[name])
        return list(self.rows_of(record))

    # --- export ---

    def export(self, instance, **kwargs):
        return write_list([self.item_of(row) for row in self.existing_rows(instance)])

    def item_of(self, row) -> dict | str:
        item = {}
        for key in self.keys:
            field = self.model._meta.get_field(key)
            if self.is_partial_date(key):
                value = row.partial_date(key)
                value = str(value) if value else None
            elif field.is_relation:
                value = getattr(row, field.attname)
            else:
                value = getattr(row, key)
            if not is_blank(value):
                item[key] = value
        if self.scalar and list(item) == [self.scalar] and len(self.keys) == 1:
            return item[self.scalar]
        return item

    def is_partial_date(self, key: str) -> bool:
        names = {field.name for field in self.model._meta.fields}
        return f"{key}_precision" in names

    # --- import ---

    def items_in(self, row) -> list | None:
        """The items the row gives for this field, or None when the file has no column."""
        if self.column_name not in row:
            return None
        return read_list(row[self.column_name])

    def load(self, record, row, resource) -> list[str]:
        """Read and check the rows the file gives; keep them on the record until it is saved.
        Returns the errors, one line per problem ("item 2: kind: …")."""
        try:
            items = self.items_in(row)
        except ValidationError as error:
            return messages_of(error)
        if items is None:
            return []
        built, errors = [], []
        for number, item in enumerate(items, 1):
            row_obj, item_errors = self.build(number, item, record, resource)
            label = _("item %(number)s") % {"number": number}
            errors += [f"{label}: {message}" for message in item_errors]
            if not item_errors:
                built.append(row_obj)
        errors += self.repeated_identity_errors(built)
        if self.check_rows and not errors:
            errors += self.check_rows(built)
        pending = record.__dict__.setdefault("_import_rows", {})
        pending[self.column_name] = built
        return errors

    def normalise(self, item) -> dict:
        if isinstance(item, str) and self.scalar:
            return {self.scalar: item}
        if not isinstance(item, dict):
            raise ValidationError(
                _("expected an object with the keys %(keys)s") % {"keys": ", ".join(self.keys)}
            )
        return item

    def build(self, number: int, item, record, resource):
        try:
            data = self.normalise(item)
        except ValidationError as error:
            return None, messages_of(error)
        row_obj = self.model()
        row_obj._import_number = number
        if self.numbered and self.numbered not in data:
            setattr(row_obj, self.numbered, number)
        errors, failed = [], []
        for key, value in data.items():
            if key not in self.keys:
                errors.append(_("unknown key '%(key)s'") % {"key": key})
                continue
            try:
                self.set_value(row_obj, key, value, resource)
            except ValidationError as error:
                errors += [f"{key}: {message}" for message in error.messages]
                failed.append(key)
            except (ValueError, TypeError) as error:
                errors.append(f"{key}: {error}")
                failed.append(key)
        # Fields already reported are not validated again ("unknown actor", not also "null").
        exclude = [*self.parent_fields, *failed, *self.unchecked_fields(row_obj)]
        resolved = [
            key
            for key, value in data.items()
            if key in self.keys and self.model._meta.get_field(key).is_relation
            if not is_blank(value)
        ]
        # Check constraints are checked here: new records' rows are written in batches
        # (`RecordResource.add_rows()`), where a refusal could not be told to its row.
        found = clean_imported(row_obj, exclude, resolved=resolved, check_constraints=True)
        errors += messages_of(ValidationError(found)) if found else []
        return row_obj, errors

    def unchecked_fields(self, row_obj) -> list[str]:
        """Fields not to validate before the rows are saved (see `RelationsField`)."""
        return []

    def set_value(self, row_obj, key: str, value, resource):
        field = self.model._meta.get_field(key)
        if self.is_partial_date(key):
            set_partial_date(row_obj, key, PartialDateWidget().clean(value))
        elif field.is_relation:
            target = None if is_blank(value) else self.resolve(field, value, resource)
            setattr(row_obj, field.name, target)
        elif value is None:
            setattr(row_obj, key, "" if not field.null else None)
        else:
            setattr(row_obj, key, value if not isinstance(value, str) else value.strip())

    def resolve(self, field, value, resource):
        return resolve_record(field.related_model, value)

    def identity_of(self, row_obj) -> tuple:
        return tuple(
            getattr(row_obj, self.model._meta.get_field(name).attname) for name in self.identity
        )

    def repeated_identity_errors(self, built: list) -> list[str]:
        seen, errors = {}, []
        for row_obj in built:
            identity = self.identity_of(row_obj)
            if identity in seen:
                errors.append(
                    _("item %(number)s repeats item %(first)s (same %(fields)s)")
                    % {
                        "number": row_obj._import_number,
                        "first": seen[identity],
                        "fields": ", ".join(self.identity),
                    }
                )
            else:
                seen[identity] = row_obj._import_number
        return errors

    def pending_count(self, record) -> int | None:
        pending = record.__dict__.get("_import_rows", {})
        rows = pending.get(self.column_name)
        return None if rows is None else len(rows)

    def apply(self, record, resource):
        """Make the record's rows those read from the file (after the record is saved)."""
        rows = record.__dict__.get("_import_rows", {}).get(self.column_name)
        if rows is None:
            return
        for row_obj in rows:
            self.attach(row_obj, record)
        if getattr(record, "_import_new", False) and not any(
            getattr(row_obj, "_import_deferred", False) for row_obj in rows
        ):
            # A record the import has just added has no rows yet: all are new.
            resource.add_rows(self.model, rows)
            return

        def save(row_obj):
            if getattr(row_obj, "_import_deferred", False):
                resource.defer(row_obj.save)
            else:
                row_obj.save()

        write_rows(
            self.rows_of(record), rows, self.identity, save=save, before_write=resource.stamp
        )


class CitationsField(RowsField):
    """A record's citations as a JSON list `citations`, or, for hand-written files, one
    citation in the columns `citation_source`, `citation_section` … (both may be given)."""

    FLAT_COLUMNS = ("source", "section", "footnote", "paragraph", "page", "quote")

    def __init__(self):
        super().__init__(
            "citations",
            Citation,
            parent="object_id",
            keys=("source", *Citation.LOCATOR_FIELDS, "quote", "note"),
            identity=("source", *Citation.LOCATOR_FIELDS),
        )
        self.parent_fields = ("content_type", "object_id")

    def rows_of(self, record):
        content_type = ContentType.objects.get_for_model(record)
        return Citation.objects.filter(content_type=content_type, object_id=record.pk)

    def attach(self, row, record):
        row.content_type = ContentType.objects.get_for_model(record)
        row.object_id = record.pk

    def prefetch_name(self) -> str:
        return "citations"

    def items_in(self, row):
        items = super().items_in(row)
        flat = {
            name: row.get(f"citation_{name}")
            for name in self.FLAT_COLUMNS
            if not is_blank(row.get(f"citation_{name}"))
        }
        if not flat:
            return items
        return [*(items or []), flat]


class RecordListField(Field):
    """A many-to-many column: the related records' ids as a JSON list (or ";"-separated ids,
    names or aliases), each matched like a foreign key cell."""

    def __init__(self, name: str, model):
        super().__init__(attribute=name, column_name=name, widget=widgets.Widget())
        self.model = model

    def export(self, instance, **kwargs):
        if not instance.pk or instance._state.adding:
            return ""
        return write_list(sorted(str(obj.pk) for obj in getattr(instance, self.attribute).all()))

    def load(self, record, row, resource) -> list[str]:
        if self.column_name not in row:
            return []
        try:
            items = read_list(row[self.column_name])
        except ValidationError as error:
            return messages_of(error)
        found, errors = [], []
        for item in items:
            try:
                found.append(resolve_record(self.model, item))
            except ValueError as error:
                errors.append(str(error))
        record.__dict__.setdefault("_import_rows", {})[self.column_name] = found
        return errors

    def apply(self, record, resource):
        found = record.__dict__.get("_import_rows", {}).get(self.column_name)
        if found is not None:
            getattr(record, self.attribute).set(found)


class KeepWhenBlankWidget(widgets.CharWidget):
    """A cell whose blank means "leave as it is" (for new records: the model default)."""

    def clean(self, value, row=None, **kwargs):
        return None if is_blank(value) else str(value).strip()


# --- the base resource -----------------------------------------------------------------------

# New records' rows (aliases, citations …) written by one statement.
ROW_BATCH = 1000

# Columns every cited record's resource ends with.
RECORD_TAIL = (
    "publication",
    "citations",
    *(f"citation_{name}" for name in CitationsField.FLAT_COLUMNS),
)


class RecordResource(resources.ModelResource):
    """Base resource of a cited public record (see the module docstring).

    Subclasses declare their columns in `Meta.fields` (ending with `RECORD_TAIL`), foreign
    keys as `RecordField`, partial dates as `PartialDateImportField`, rows as `RowsField`, and may
    say in `duplicates_of()` which existing records a row would repeat."""

    # Text columns read a spreadsheet's empty cell as "" rather than None.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": widgets.CharWidget}

    id = Field(attribute="id", column_name="id", widget=widgets.CharWidget())
    publication = Field(
        attribute="publication",
        column_name="publication",
        widget=KeepWhenBlankWidget(),
        saves_null_values=False,
    )
    citations = CitationsField()
    citation_source = Field(column_name="citation_source")
    citation_section = Field(column_name="citation_section")
    citation_footnote = Field(column_name="citation_footnote")
    citation_paragraph = Field(column_name="citation_paragraph")
    citation_page = Field(column_name="citation_page")
    citation_quote = Field(column_name="citation_quote")

    # Where an error about a repeated record is shown.
    duplicate_field = "id"
    # The fields `duplicate_lookup()` reads, and those of them a column of the file gives
    # ({field: column}; a derived key is made from the column as the model makes it, a
    # foreign key resolved as the row's cell is): existing records with the file's values
    # are read before the first row (`nkhr.import_cache.DuplicateIndex`).
    duplicate_fields: tuple[str, ...] = ()
    duplicate_prefetch: dict[str, str] = {}
    # The same for the model's unique constraints, which `full_clean()` checks: {constraint
    # name: (field, column)}, by a field selective enough to read its file's values.
    unique_prefetch: dict[str, tuple[str, str]] = {}

    class Meta:
        # A file without an `id` column only adds records (ids are made from names).
        import_id_fields = ["id"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False
        # Every row's errors are collected, however many rows fail.
        raise_errors = False
        # The records the rows update, loaded before the first row (nkhr.import_cache).
        instance_loader_class = BatchInstanceLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Options this resource changes while it imports (which rows are compared for the
        # preview; the library itself sets `store_instance`) are its own, not its class's.
        self._meta = copy.copy(self._meta)

    # --- one import ---

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        *,
        keep_rows: int | bool | None = True,
        progress: Callable[[int, int], None] | None = None,
        **kwargs,
    ):
        """Import `dataset` in one transaction, with history recorded as channel `import`.

        Any invalid row rolls back every row (unless the caller explicitly asks otherwise),
        so a confirmed import writes all rows or none. The result keeps every error and the
        results of the first `keep_rows` valid rows (None: all; by default all for an import,
        the rows the import page shows for a dry run); only those are compared field by
        field. A dry run writes no history (it is rolled back). `progress(done, total)` is
        called after each row."""
        kwargs.setdefault("rollback_on_validation_errors", True)
        if keep_rows is True:
            keep_rows = settings.IMPORT_PAGE_ROWS if dry_run else None
        self.keep_rows = keep_rows
        self.progress = progress
        self.dry_run = dry_run
        self.import_user = kwargs.get("user")
        self.import_file_name = kwargs.get("file_name") or ""
        self.first_row_of_id: dict[str, int] = {}
        self.row_of_saved: dict[str, int] = {}
        self.deferred: list[Callable[[], None]] = []
        self.ids_in_file: set[str] = set()
        self.total_rows = len(dataset)
        self._change_reason = None
        self.ids_taken: set[str] = set()
        # Ids of merged records (reserved) among the file's: merged id -> survivor's id.
        self.ids_reserved: dict[str, str] = {}
        self.id_candidates: set[str] = set()
        self.pending_rows: dict[type, list] = {}
        self.pending_count = 0
        with (
            recording_channel(Channel.IMPORT),
            import_lookups(self.write_pending_rows),
            documents.deferred(),
        ):
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs
            )

    def get_result_class(self):
        return functools.partial(ImportResult, keep=getattr(self, "keep_rows", None))

    def before_import(self, dataset, **kwargs):
        known = {field.column_name for field in self.get_import_fields()}
        unknown = [name for name in dataset.headers or [] if name and name not in known]
        if unknown:
            raise ValidationError(
                _("Unknown columns: %(columns)s. Known columns: %(known)s.")
                % {"columns": ", ".join(map(str, unknown)), "known": ", ".join(sorted(known))}
            )
        if "id" in (dataset.headers or []):
            self.ids_in_file = {
                str(value).strip() for value in dataset["id"] if not is_blank(value)
            }
        self.find_free_ids(dataset)
        self.find_reserved_ids()
        self.index_duplicates(dataset)

    def find_reserved_ids(self):
        """Which ids of the file (given, or to be made from names) belonged to records
        merged into others: reserved while the merge stands (`nkhr.merging`), read a
        thousand a query."""
        wanted = sorted(self.ids_in_file | self.id_candidates)
        merges = MergedRecord.objects.standing().of_model(self._meta.model)
        for start in range(0, len(wanted), ROW_BATCH):
            chunk = wanted[start : start + ROW_BATCH]
            self.ids_reserved.update(
                merges.filter(merged_id__in=chunk).values_list("merged_id", "survivor_id")
            )
        self.ids_taken.update(self.ids_reserved)

    def index_duplicates(self, dataset):
        """Read the records the file's rows might repeat before the first row, so that a
        row's duplicates are found without a query (see `duplicate_prefetch`)."""
        self.duplicate_index = None
        headers = dataset.headers or []
        model = self._meta.model
        prefetch = {
            field: self.prefetch_values(field, column, dataset[column])
            for field, column in self.duplicate_prefetch.items()
            if column in headers
        }
        if prefetch:
            self.duplicate_index = DuplicateIndex(
                model._default_manager.all(), self.duplicate_fields, prefetch
            )
            add_duplicate_index(self.duplicate_index)
        # The unique constraints `full_clean()` checks, likewise.
        by_name = {entry[0].name: entry for entry in indexed_unique_constraints(model)}
        for name, (attname, column) in self.unique_prefetch.items():
            if column not in headers:
                continue
            _, attnames, test = by_name[name]
            values = self.prefetch_values(attname, column, dataset[column])
            read = dict.fromkeys([*attnames, *(test.attnames if test else ())])
            index = DuplicateIndex(model._base_manager.all(), read, {attname: values})
            add_duplicate_index(index, by_name[name])

    def prefetch_values(self, field_name: str, column: str, cells) -> set:
        """The values of field `field_name` that rows with these `cells` would have."""
        model = self._meta.model
        field = model._meta.get_field(field_name)
        values = set()
        for cell in cells:
            if is_blank(cell):
                continue
            if field.is_relation:
                try:
                    record = self.fields[column].widget.clean(cell)
                except (ValueError, ValidationError):
                    continue  # the row's own cell says so; its lookup queries
                values.add(None if record is None else record.pk)
                continue
            probe = model(**{field.name if column == field.name else column: str(cell).strip()})
            if hasattr(probe, "refresh_derived"):
                probe.refresh_derived()
            values.add(getattr(probe, field.attname))
        return values

    def find_free_ids(self, dataset):
        """Which of the ids that rows without one would be given (their name's slug) are
        taken, read a thousand a query, so that a new record's id costs no query of its
        own (`make_public_id()` asks once per try). Only for a model whose id is made from
        a column of the file; the others make theirs as usual."""
        source = getattr(self._meta.model, "public_id_source", None)
        headers = dataset.headers or []
        if source not in headers:
            return
        ids = dataset["id"] if "id" in headers else [None] * dataset.height
        self.id_candidates = {
            public_id_slug(str(seed))
            for given, seed in zip(ids, dataset[source], strict=True)
            if is_blank(given) and not is_blank(seed)
        } - {""}
        candidates = sorted(self.id_candidates)
        manager = self._meta.model._base_manager
        for start in range(0, len(candidates), ROW_BATCH):
            chunk = candidates[start : start + ROW_BATCH]
            self.ids_taken.update(manager.filter(pk__in=chunk).values_list("pk", flat=True))

    def free_public_id(self, instance) -> str:
        base = instance.public_id_base()
        if base in self.id_candidates and base not in self.ids_taken:
            return base
        return instance.make_public_id()

    def after_import(self, dataset, result, **kwargs):
        self.write_pending_rows()
        # Rows pointing at records further down the file (bills related to each other) are
        # saved once every row is in; if any row failed, everything is rolled back anyway.
        if not (result.has_errors() or result.has_validation_errors()):
            for save in self.deferred:
                save()
        self.deferred = []
        # The search documents of every record the file touched, once each, inside the
        # import's transaction (`documents.deferred()` in `import_data`).
        documents.flush()
        super().after_import(dataset, result, **kwargs)

    def defer(self, save: Callable[[], None]):
        self.deferred.append(save)

    def get_queryset(self):
        return self._meta.model._default_manager.all()

    def get_import_fields(self):
        # Asked for several times a row; a resource's columns do not change.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    # --- one row ---

    def import_row(self, row, instance_loader, **kwargs):
        number = kwargs.get("row_number") or 0
        # A diff copies the record and exports it twice: only for rows a page will show.
        self._meta.skip_diff = not self.dry_run or (
            self.keep_rows is not None and number > self.keep_rows
        )
        row_result = super().import_row(row, instance_loader, **kwargs)
        if self.progress is not None:
            self.progress(number, self.total_rows)
        return row_result

    def before_import_row(self, row, **kwargs):
        self.row_number = kwargs.get("row_number")
        row_id = row.get("id")
        self.row_id = None if is_blank(row_id) else str(row_id).strip()

    def after_init_instance(self, instance, new, row, **kwargs):
        instance._import_new = new
        instance._import_publication_before = instance.publication

    def import_instance(self, instance, row, **kwargs):
        """Read every column of the row into the record, collecting every field's errors
        (a bad date, an unknown actor, a bad item in a list) instead of stopping at one."""
        errors: dict[str, list[str]] = {}
        # Foreign keys just resolved to a record: known to exist.
        instance._import_resolved = set()
        for field in self.get_import_fields():
            try:
                if isinstance(field, RowsField | RecordListField):
                    problems = field.load(instance, row, self)
                    if problems:
                        errors[field.column_name] = problems
                else:
                    self.import_field(field, instance, row, **kwargs)
                    if isinstance(field, RecordField) and not is_blank(row.get(field.column_name)):
                        instance._import_resolved.add(field.attribute)
            except ValidationError as error:
                errors[field.column_name] = messages_of(error)
            except (ValueError, TypeError, ArithmeticError) as error:
                errors[field.column_name] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's errors: those of its cells, the model's (`full_clean()`, less the
        queries nkhr.import_cache saves) and the import's own (`record_errors()`)."""
        errors: dict[str, list] = {}
        if import_validation_errors:
            errors = dict(ValidationError(import_validation_errors).message_dict)
        record_errors = self.record_errors(instance)
        found = clean_imported(
            instance,
            errors,
            resolved=getattr(instance, "_import_resolved", ()),
            check_constraints=bool(errors or record_errors),
        )
        for field, problems in [*found.items(), *record_errors.items()]:
            errors.setdefault(field, []).extend(problems)
        if errors:
            raise ValidationError(errors)

    def record_errors(self, instance) -> dict[str, list[str]]:
        """Checks beyond the model's own: repeated rows and records, a missing citation,
        and what the importing user may do."""
        errors: dict[str, list[str]] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.row_id is not None:
            first = self.first_row_of_id.setdefault(self.row_id, self.row_number)
            if first != self.row_number:
                add(
                    "id",
                    _("duplicate: id '%(id)s' is also in row %(row)s")
                    % {"id": self.row_id, "row": first},
                )
        for duplicate in self.duplicate_ids(instance):
            row = self.row_of_saved.get(duplicate)
            if row is not None:
                message = _("duplicate: same as row %(row)s ('%(id)s')")
            else:
                message = _("duplicate: already recorded as '%(id)s' (give that id to update it)")
            add(self.duplicate_field, message % {"row": row, "id": duplicate})
        if instance._import_new and str(instance.pk) in self.ids_reserved:
            add("id", reserved_message(instance.pk, self.ids_reserved[str(instance.pk)]))
        if not self.has_citation(instance):
            add("citations", _("missing citation: give citation_source or citations"))
        user = self.import_user
        if (
            not instance._import_new
            and user is not None
            and not user.has_perm(self.permission("change"))
        ):
            add("id", _("You may not change existing records (id '%(id)s').") % {"id": instance.pk})
        elif user is not None and self.waits_for_review(instance, user):
            add(
                "id",
                _(
                    "'%(id)s' is published: a change to it waits for an editor's review. "
                    "Change it on its own page, or ask an editor to import the file."
                )
                % {"id": instance.pk},
            )
        publication_error = self.publication_error(instance)
        if publication_error:
            add("publication", publication_error)
        return errors

    def waits_for_review(self, instance, user) -> bool:
        """Whether the row changes a published record that `user` may not publish to: such a
        change waits for review (`nkhr.pending`), which an import does not hold, so the row
        is refused. A row that leaves the record as it is passes (a file exported and
        imported again)."""
        if instance._import_new or instance._import_publication_before != Publication.PUBLISHED:
            return False
        if user.has_perm(PUBLISH):
            return False
        # A move along the workflow is the publication column's, judged by its transitions.
        changed = [name for name in instance.changed_fields() or () if name != "publication"]
        return bool(changed) or self.changes_rows(instance)

    def changes_rows(self, instance) -> bool:
        """Whether the row's lists (aliases, citations, links) differ from the record's."""
        pending = instance.__dict__.get("_import_rows", {})
        for field in self.get_import_fields():
            if field.column_name not in pending:
                continue
            new = pending[field.column_name]
            if isinstance(field, RowsField):
                current = field.existing_rows(instance)
                if len(new) != len(current) or not all(
                    any(same_row(row, kept) for kept in current) for row in new
                ):
                    return True
            elif isinstance(field, RecordListField):
                linked = set(getattr(instance, field.attribute).values_list("pk", flat=True))
                if {getattr(item, "pk", item) for item in new} != linked:
                    return True
        return False

    def permission(self, action: str) -> str:
        opts = self._meta.model._meta
        return f"{opts.app_label}.{get_permission_codename(action, opts)}"

    def duplicate_lookup(self, instance) -> dict | None:
        """What the records the row's record would repeat have in common with it (by what
        identifies it, beyond the unique constraints that `full_clean()` checks), as
        {field: value} (None: null), or None when the row repeats nothing. None by default."""
        return None

    def duplicates_of(self, instance) -> models.QuerySet:
        """Existing records the row's record would repeat (`duplicate_lookup()`)."""
        lookup = self.duplicate_lookup(instance)
        manager = self._meta.model._default_manager
        if lookup is None:
            return manager.none()
        return manager.filter(
            **{
                (field if value is not None else f"{field}__isnull"): (
                    value if value is not None else True
                )
                for field, value in lookup.items()
            }
        )

    def duplicate_ids(self, instance) -> list:
        """The ids of (up to three) records `duplicates_of()` finds, other than the row's
        own: from the duplicate index where it can tell, else by a query."""
        index = getattr(self, "duplicate_index", None)
        lookup = self.duplicate_lookup(instance) if index is not None else None
        if lookup is not None:
            found = index.find(lookup, other_than=instance.pk)
            if found is not None:
                return found[:3]
        duplicates = self.duplicates_of(instance).exclude(pk=instance.pk or None)
        return list(duplicates.values_list("pk", flat=True)[:3])

    def has_citation(self, instance) -> bool:
        pending = self.fields["citations"].pending_count(instance)
        if pending is not None:
            return pending > 0
        return (
            bool(instance.pk)
            and not instance._import_new
            and (self.fields["citations"].rows_of(instance).exists())
        )

    def publication_error(self, instance) -> str | None:
        """Imported records are drafts unless the file says otherwise and the user may put
        them there. A new record may arrive in any state: as a draft or in review with the
        import's own permission, published or withdrawn only with `nkhr.publish_record` (so an
        editor's export re-imports as it was). An existing record moves only along the
        workflow's transitions, with their permissions."""
        before, after = instance._import_publication_before, instance.publication
        if after == before or after not in Publication.values:
            return None
        if instance._import_new:
            if after in (Publication.DRAFT, Publication.IN_REVIEW):
                return None
            transition = TRANSITIONS["publish" if after == Publication.PUBLISHED else "withdraw"]
        else:
            transition = next(
                (t for t in TRANSITIONS.values() if before in t.sources and t.target == after),
                None,
            )
        if transition is None:
            return _("A record that is %(before)s cannot be made %(after)s.") % {
                "before": Publication(before).label,
                "after": Publication(after).label,
            }
        user = self.import_user
        if user is None or not may_transition(user, instance, transition):
            return _(
                "You may not %(action)s records: leave publication blank (drafts) or ask an editor."
            ) % {"action": str(transition.label).lower()}
        return None

    # --- saving ---

    def stamp(self, obj):
        """Who and why, for the history of `obj` (the channel comes from the context)."""
        user = self.import_user
        if user is not None and user.is_authenticated:
            obj._history_user = user
        obj._change_reason = self.change_reason()
        if getattr(self, "dry_run", False):
            # Rolled back anyway: versions would only cost a write each.
            obj.skip_history_when_saving = True

    def change_reason(self) -> str:
        if getattr(self, "_change_reason", None) is None:
            reason = _("import")
            if self.import_file_name:
                reason = _("import of %(file)s") % {"file": self.import_file_name}
            self._change_reason = str(reason)
        return self._change_reason

    def add_rows(self, model, rows: list) -> None:
        """Add the rows of a new record (validated already, check constraints included).

        They are written `ROW_BATCH` at a time with their first versions (none in a dry
        run), a statement for each, and at the end of the import, or before a lookup reads
        rows of records (a cell may name an alias among them)."""
        for row_obj in rows:
            self.stamp(row_obj)
            row_added(row_obj)
        self.pending_rows.setdefault(model, []).extend(rows)
        self.pending_count += len(rows)
        if self.pending_count >= ROW_BATCH:
            self.write_pending_rows()

    def write_pending_rows(self) -> None:
        pending, self.pending_rows, self.pending_count = self.pending_rows, {}, 0
        for model, rows in pending.items():
            model._default_manager.bulk_create(rows, batch_size=ROW_BATCH)
            if not self.dry_run and is_tracked(model):
                model.history.bulk_history_create(
                    rows,
                    batch_size=ROW_BATCH,
                    custom_historical_attrs={"history_channel": Channel.IMPORT},
                )

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save the record and its rows; a row the database refuses for breaking a check
        constraint (left to it by `clean_imported()`) gets the constraint's message. The
        library runs each row in a savepoint, which is rolled back on the way out."""
        try:
            super().save_instance(instance, is_create, row, **kwargs)
        except IntegrityError as error:
            errors = {}
            if found := constraint_messages(error, type(instance)):
                errors[NON_FIELD_ERRORS] = found
            for field in self.get_import_fields():
                if isinstance(field, RowsField) and (
                    found := constraint_messages(error, field.model)
                ):
                    errors[field.column_name] = found
            if not errors:
                raise
            raise ValidationError(errors) from error

    def before_save_instance(self, instance, row, **kwargs):
        self.stamp(instance)
        if instance._import_new and not instance.pk and hasattr(instance, "public_id_base"):
            instance.pk = self.free_public_id(instance)

    def after_save_instance(self, instance, row, **kwargs):
        for field in self.get_import_fields():
            if isinstance(field, RowsField | RecordListField):
                field.apply(instance, self)
        self.row_of_saved[instance.pk] = self.row_number
        self.ids_taken.add(str(instance.pk))

    # --- export ---

    def get_export_order(self):
        # The flat citation columns are a convenience for writing files by hand; exports
        # carry every citation in `citations`.
        return tuple(
            name for name in super().get_export_order() if not name.startswith("citation_")
        )

    def filter_export(self, queryset, **kwargs):
        prefetch = [
            name
            for field in self.fields.values()
            if isinstance(field, RowsField | RecordListField)
            and (name := getattr(field, "attribute", None) or field.prefetch_name())
        ]
        return queryset.prefetch_related(*prefetch)


# --- admin -----------------------------------------------------------------------------------


class RecordImportExportMixin(
    ImportLimitsMixin,
    ImportReportsMixin,
    ImportTemplatesMixin,
    NativeTypesExportMixin,
    ImportExportMixin,
):
    """Import and export on a record's admin page.

    The page offers a template file per resource and reads the format from the file
    (`nkhr.import_files`). An upload is first imported as a dry run that lists every error
    of every row (and writes nothing); confirming imports it in one transaction. Should the
    confirmed import fail after all (the database changed in between), nothing is written
    and the errors are shown again instead of a success message."""

    # CSV and XLSX cells that a spreadsheet would run are quoted, and unquoted on import.
    formats = SPREADSHEET_SAFE_FORMATS
    import_error_display = ("message", "row")

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            return self.failed_import_response(result, request)
        return super().process_result(result, request)

    def failed_import_response(self, result, request):
        messages.error(request, _("Nothing was imported: the file has errors."))
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

"""Lists and exports read straight from `.values()` rows, without model instances.

A page of a hundred designations through the serializer builds five model instances per
row (the designation and four related records) and runs DRF's per-field machinery on each;
that costs ten times the query. `ValuesReader` compiles a serializer's read fields once
into the columns they need (related names come by join) and a function from a row to the
field's value; nested rows (measures, aliases, citations …) and lists of links are one
`.values()` query per level and page. The output is the serializer's own, key for key —
tests compare both on every resource — and a serializer with a field this cannot read
(`reader_for` returns None) keeps the serializer path.

A read-only field computed by the serializer or the model, not stored, is readable when
the serializer names the columns it needs and a function of them in `value_fields`:
`{"locator": (("section", "page"), function)}`; the function gets the row's values of those
columns, in order.
"""

import functools
import operator
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from nkhr.api.fields import PartialDateSerializerField, RecordRelatedField
from nkhr.api.registry import HIDDEN_NAME, record_path, site_root
from nkhr.dates import partial_date_text
from nkhr.db import in_list
from nkhr.history import is_tracked
from nkhr.models.publication import Publication, can_view_unpublished
from nkhr.search import parent_lookup

PUBLISHED = Publication.PUBLISHED
# The column naming the parent of a nested row.
PARENT = "_parent_pk"
# Fields whose representation of a stored value is the value itself.
AS_STORED = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.IntegerField,
    serializers.ReadOnlyField,
)


def _is_plain_iso_datetime(field) -> bool:
    """A DateTimeField in ISO 8601 in the current time zone (DRF's default)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return (
        isinstance(field, serializers.DateTimeField)
        and not hasattr(field, "timezone")
        and isinstance(output_format, str)
        and output_format.lower() == ISO_8601
    )


def iso_datetime(value, zone) -> str | None:
    """DRF's ISO 8601 form of a stored datetime, without its per-call settings lookups."""
    if value is None:
        return None
    if zone is not None and timezone.is_aware(value):
        value = value.astimezone(zone)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AsStored:
    """A field shown as its column holds it."""

    def __init__(self, column: str):
        self.column = column

    def __call__(self, row, reading):
        return row[self.column]


class Unreadable(Exception):
    """A field this reader cannot compute from values; the serializer path is used."""


class Reading:
    """What one read needs besides the row: the site root, whether unpublished records may
    be shown, and the rows of each nested level keyed by their parent."""

    def __init__(self, request):
        self.root = site_root(request) if request is not None else ""
        self.sees_unpublished = can_view_unpublished(getattr(request, "user", None))
        self.timezone = timezone.get_current_timezone() if settings.USE_TZ else None
        self.nested: dict = {}
        # The latest `updated` of what was read, where the reader tracks it.
        self._latest = None
        # Records read but hidden from the reader: model -> ids (see `latest`).
        self.hidden: defaultdict = defaultdict(set)

    @property
    def latest(self):
        """The latest `updated` of what the reader sees of the page, and the moment a
        linked record the reader may no longer see was hidden (hiding it changed the page;
        its edits since, as a draft, did not)."""
        if self.hidden:
            hidden, self.hidden = self.hidden, defaultdict(set)
            self.note(max(hiding_dates(hidden).values(), default=None))
        return self._latest

    @latest.setter
    def latest(self, value) -> None:
        self._latest = value

    def note(self, updated) -> None:
        if updated is not None and (self._latest is None or updated > self._latest):
            self._latest = updated

    def visible(self, publication) -> bool:
        return publication is None or publication == PUBLISHED or self.sees_unpublished

    def all_visible(self, row, publication_columns) -> bool:
        return all(self.visible(row[column]) for column in publication_columns)


def hiding_dates(hidden: dict) -> dict:
    """When each hidden record (model -> ids) was last hidden: the date of the first version
    after its latest published one, from its history (none for a record never published,
    which never was on anyone's page it is hidden from). One query a model."""
    dates = {}
    for model, ids in hidden.items():
        concrete = model._meta.concrete_model
        if not ids or not is_tracked(concrete) or not has_column(concrete, "publication"):
            continue
        pk_name = concrete._meta.pk.attname
        versions = (
            concrete.history.filter(**{f"{pk_name}__in": list(ids)})
            .order_by(pk_name, "history_date", "history_id")
            .values_list(pk_name, "history_date", "publication")
        )
        was_published = {}
        for pk, date, publication in versions:
            if publication == PUBLISHED:
                was_published[pk] = True
            elif was_published.pop(pk, False):
                dates[(concrete, pk)] = date
    return dates


def link_publications(model, path: str, columns: "Columns", prefix: str = "") -> list[str]:
    """The publication columns of the records `path` (a column of `model`, `__`-separated)
    passes through on its way to its column: a value read through a link is shown only
    where every linked record on the way may be seen (a designation's `target_kind` is
    hidden with its draft target)."""
    return [columns.add(f"{prefix}{hop}__publication") for hop in publication_hops(model, path)]


def publication_hops(model, path: str) -> list[str]:
    """The links of `path` (from `model`, `__`-separated) to records with a publication
    column, each as the path of that record."""
    found, current, parts = [], model, path.split("__")
    for index, name in enumerate(parts[:-1]):
        field = current._meta.get_field(name)
        if not field.is_relation:
            break
        current = field.related_model
        if has_column(current, "publication"):
            found.append("__".join(parts[: index + 1]))
    return found


def has_column(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).concrete
    except FieldDoesNotExist:
        return False


class Columns:
    """The `.values()` lookups a reader needs, each once, in the order first asked for.

    When `track_updated` (a detail page), the `updated` column of every record and row shown
    is read too, so that the page's Last-Modified moves when any part of it does. A linked
    record the reader may not see (by its publication column) does not date the page with
    its `updated`, which moves with every edit of a draft, but with the moment it was
    hidden (`Reading.latest`)."""

    def __init__(self, track_updated: bool = False):
        self.names: list[str] = []
        self.track_updated = track_updated
        # (updated column, publication columns it is shown by, its model, its id column)
        self.updated: list[tuple[str, tuple[str, ...], type, str]] = []

    def add(self, name: str) -> str:
        if name not in self.names:
            self.names.append(name)
        return name

    def add_updated(self, model, prefix: str = "", shown_by=(), pk_column: str = "pk") -> None:
        if self.track_updated and has_column(model, "updated"):
            column = self.add(prefix + "updated")
            if column not in {entry[0] for entry in self.updated}:
                self.updated.append((column, tuple(shown_by), model, self.add(pk_column)))

    def child(self) -> "Columns":
        return Columns(self.track_updated)

    def note_updated(self, rows, reading: "Reading") -> None:
        for row in rows:
            for column, shown_by, model, pk_column in self.updated:
                if reading.all_visible(row, shown_by):
                    reading.note(row[column])
                elif row[pk_column] is not None:
                    reading.hidden[model].add(row[pk_column])

    def note_hidden(self, rows, model, reading: "Reading") -> None:
        """`rows` are hidden from the reader: rows of `model` (a record hidden by its own
        state; None when hidden by a linked record's), and so are the records they link to."""
        for row in rows:
            if model is not None:
                reading.hidden[model].add(row["pk"])
            for _column, shown_by, linked, pk_column in self.updated:
                if shown_by and row[pk_column] is not None:
                    reading.hidden[linked].add(row[pk_column])


class RecordUrl:
    """A record's API URL from its id column (and kind column: some kinds have routes of
    their own)."""

    def __init__(self, model, pk_column: str, kind_column: str | None):
        self.model = model
        self.pk = pk_column
        self.kind = kind_column

    def __call__(self, row, reading: "Reading") -> str | None:
        kind = row[self.kind] if self.kind is not None else None
        path = record_path(self.model, kind, row[self.pk])
        return reading.root + path if path else None


class BriefLink:
    """A related record as `{id, url, name, kind}` (or None when the reader may not see
    it), from the columns of the related model under `prefix`."""

    def __init__(self, model, prefix: str, columns: Columns, pk_column: str):
        self.names = [columns.add(prefix + n) for n in ("name", "title") if has_column(model, n)]
        self.name_from = None
        if not self.names:
            if not hasattr(model, "name_from_values"):
                raise Unreadable(f"{model.__name__} has no name, title or name_from_values")
            needed, function = model.name_from_values
            self.name_from = (
                [columns.add(prefix + column) for column in needed],
                [link_publications(model, column, columns, prefix) for column in needed],
                function,
            )
        self.pk = columns.add(pk_column)
        self.kind = columns.add(prefix + "kind") if has_column(model, "kind") else None
        self.publication = (
            columns.add(prefix + "publication") if has_column(model, "publication") else None
        )
        self.url = RecordUrl(model, self.pk, self.kind)
        self.model_name = model._meta.model_name
        shown_by = (self.publication,) if self.publication else ()
        columns.add_updated(model, prefix, shown_by, pk_column)

    def name(self, row, reading: "Reading | None" = None) -> str:
        if self.name_from is not None:
            needed, publications, function = self.name_from
            # A part named by a record the reader may not see (a draft target) is hidden.
            return function(
                *[
                    row[column]
                    if reading is None or reading.all_visible(row, links)
                    else HIDDEN_NAME
                    for column, links in zip(needed, publications, strict=True)
                ]
            )
        for column in self.names:
            if value := row[column]:
                return value
        return str(row[self.pk])

    def __call__(self, row, reading: "Reading"):
        pk = row[self.pk]
        if pk is None:
            return None
        if self.publication is not None and not reading.visible(row[self.publication]):
            return None
        kind = row[self.kind] if self.kind is not None else None
        return {
            "id": pk,
            "url": self.url(row, reading),
            "name": self.name(row, reading),
            "kind": kind or self.model_name,
        }


class RelatedRows:
    """The rows of a relation for a page of parents, grouped by parent, in the related
    model's own order (as prefetching gives them)."""

    def __init__(self, model, relation_name: str):
        relation = model._meta.get_field(relation_name)
        self.model = relation.related_model
        self.generic = isinstance(relation, GenericRelation)
        if self.generic:
            self.parent_key = relation.object_id_field_name
            self.content_type_field = relation.content_type_field_name
            self.owner = model
        else:
            if not (relation.many_to_many or relation.auto_created):
                raise Unreadable(f"{model.__name__}.{relation.name} is not a list relation")
            self.parent_key = parent_lookup(model, relation)
        # Rows are grouped by parent, so ordering by the parent (a join, when its own order
        # is by a column of its own) sorts nothing.
        self.ordering = [
            term
            for term in self.model._meta.ordering
            if str(term).lstrip("-")
            not in {
                self.parent_key,
                f"{self.parent_key}_id",
                getattr(self, "content_type_field", ""),
            }
        ]

    def fetch(self, ids: list, columns: list[str]) -> list[dict]:
        if not ids:
            return []
        queryset = self.model._default_manager.order_by(*self.ordering)
        if self.generic:
            content_type = ContentType.objects.get_for_model(self.owner)
            queryset = queryset.filter(**{self.content_type_field: content_type})
        queryset = queryset.filter(in_list(self.parent_key, ids))
        return list(queryset.values(*columns, **{PARENT: models.F(self.parent_key)}))


class ValuesReader:
    """A serializer's read fields as columns and functions of a row; see the module."""

    def __init__(self, serializer, track_updated: bool = False):
        self.model = serializer.Meta.model
        self.columns = Columns(track_updated)
        self.columns.add("pk")
        self.columns.add_updated(self.model)
        self.nested: list[LinkList | RowList] = []
        self.brief = None
        self.fields: list[tuple[str, Callable]] = []
        if getattr(serializer, "brief", False):
            self.brief = BriefLink(self.model, "", self.columns, "pk")
            return
        value_fields = getattr(serializer, "value_fields", {})
        for name, field in serializer.fields.items():
            if not field.write_only:
                self.fields.append((name, self._compile(name, field, value_fields)))
        # Stored values are copied in one step per row; only the others are computed.
        self.template = dict.fromkeys(name for name, _ in self.fields)
        stored = [(name, f.column) for name, f in self.fields if isinstance(f, AsStored)]
        self.stored_names = [name for name, _ in stored]
        # "pk" last, twice and unused, so that even one stored column, or none (a row made of
        # links only), comes as a tuple.
        self.stored_values = operator.itemgetter(*[column for _, column in stored], "pk", "pk")
        self.computed = [(n, f) for n, f in self.fields if not isinstance(f, AsStored)]

    def _compile(self, name, field, value_fields) -> Callable:
        model, columns = self.model, self.columns
        if name in value_fields:
            needed, function = value_fields[name]
            names = [columns.add(column) for column in needed]
            return lambda row, reading: function(*[row[n] for n in names])
        if name == "url" and isinstance(field, serializers.SerializerMethodField):
            return RecordUrl(
                model, "pk", columns.add("kind") if has_column(model, "kind") else None
            )
        source = field.source
        if isinstance(field, PartialDateSerializerField):
            date, precision = columns.add(source), columns.add(f"{source}_precision")
            return lambda row, reading: partial_date_text(row[date], row[precision])
        if isinstance(field, RecordRelatedField):
            relation = model._meta.get_field(source)
            if relation.auto_created or not (relation.many_to_one or relation.one_to_one):
                raise Unreadable(f"{name}: not a forward link")
            return BriefLink(relation.related_model, f"{source}__", columns, relation.attname)
        if isinstance(field, serializers.ManyRelatedField):
            return self._nest(LinkList(model, source, columns.child()))
        if isinstance(field, serializers.ListSerializer):
            return self._nest(RowList(model, field, columns.track_updated))
        if isinstance(field, serializers.SerializerMethodField | serializers.BaseSerializer):
            raise Unreadable(f"{name}: computed by the serializer")
        if not has_column(model, source.split(".")[0]):
            raise Unreadable(f"{name}: {source} is not stored")
        column = columns.add(source.replace(".", "__"))
        links = link_publications(model, source.replace(".", "__"), columns)
        if links:
            represent = field.to_representation

            def through_link(row, reading):
                if row[column] is None or not reading.all_visible(row, links):
                    return None
                return represent(row[column])

            return through_link
        if isinstance(field, AS_STORED):
            return AsStored(column)
        if _is_plain_iso_datetime(field):
            return lambda row, reading: iso_datetime(row[column], reading.timezone)
        represent = field.to_representation
        return lambda row, reading: None if row[column] is None else represent(row[column])

    def _nest(self, nested) -> Callable:
        self.nested.append(nested)
        return lambda row, reading: reading.nested[nested].get(row["pk"], [])

    def values(self, queryset):
        """The queryset's rows as the values this reader needs (no instances, no prefetch)."""
        return queryset.prefetch_related(None).values(*self.columns.names)

    @staticmethod
    def keep_join_order(connection) -> None:
        """Let PostgreSQL join a page's related records in the order written (the listed
        table first), for the rest of the transaction.

        A page joins its table to each linked record's (regime, authority, target, round
        and the round's parents); searching every join order costs PostgreSQL ten times
        more planning than running the query, and the order written is the right one for
        a page read in the list's order."""
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL join_collapse_limit = 1")

    def read(self, rows: list[dict], reading: Reading) -> list:
        """The representation of each row, in order (nested levels: one query each)."""
        self.columns.note_updated(rows, reading)
        if self.brief is not None:
            return [self.brief(row, reading) for row in rows]
        if self.nested:
            ids = [row["pk"] for row in rows]
            for nested in self.nested:
                reading.nested[nested] = nested.represent(ids, reading)
        template, names, values, computed = (
            self.template,
            self.stored_names,
            self.stored_values,
            self.computed,
        )
        represented = []
        for row in rows:
            data = template.copy()
            data.update(zip(names, values(row), strict=False))
            for name, function in computed:
                data[name] = function(row, reading)
            represented.append(data)
        return represented


class LinkList:
    """A list of links (`children`, `occasions` …): brief records, visible ones only."""

    def __init__(self, model, relation_name: str, columns: Columns):
        self.rows = RelatedRows(model, relation_name)
        self.columns = columns
        self.link = BriefLink(self.rows.model, "", self.columns, "pk")

    def represent(self, ids, reading) -> dict:
        grouped = defaultdict(list)
        rows = self.rows.fetch(ids, self.columns.names)
        self.columns.note_updated(rows, reading)
        for row in rows:
            if (link := self.link(row, reading)) is not None:
                grouped[row[PARENT]].append(link)
        return grouped


class RowList:
    """Nested rows (measures, aliases, citations, positions held …), each read by its own
    serializer's reader, leaving out rows the reader may not see."""

    def __init__(self, model, field: serializers.ListSerializer, track_updated: bool):
        self.rows = RelatedRows(model, field.source)
        self.reader = ValuesReader(field.child, track_updated)
        shown_by = getattr(field, "visibility_column", None)
        if shown_by is None and has_column(self.rows.model, "publication"):
            shown_by = "publication"
        self.visibility = self.reader.columns.add(shown_by) if shown_by else None

    def represent(self, ids, reading) -> dict:
        rows = self.rows.fetch(ids, self.reader.columns.names)
        if self.visibility is not None:
            # A hidden row dates the page by when it was hidden, not by its edits since.
            hidden = [row for row in rows if not reading.visible(row[self.visibility])]
            own = self.rows.model if self.visibility == "publication" else None
            self.reader.columns.note_hidden(hidden, own, reading)
            rows = [row for row in rows if reading.visible(row[self.visibility])]
        grouped = defaultdict(list)
        for row, data in zip(rows, self.reader.read(rows, reading), strict=True):
            grouped[row[PARENT]].append(data)
        return grouped


@functools.cache
def reader_for(serializer_class, brief: bool = False, detail: bool = False) -> ValuesReader | None:
    """The reader of a serializer class for lists (or a detail page, with the fields shown
    there only and Last-Modified tracked), compiled once; None if one of its fields cannot
    be read from values."""
    view = type("View", (), {"action": "retrieve" if detail else "list"})()
    try:
        serializer = serializer_class(context={"view": view}, brief=brief)
        return ValuesReader(serializer, track_updated=detail)
    except Unreadable:
        return None

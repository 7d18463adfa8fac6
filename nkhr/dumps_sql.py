"""Dump lines built by PostgreSQL: each record's JSON line, the bytes the export writes.

The Python reader (`nkhr.api.reading`) turns `.values()` rows into the representation,
then orjson into bytes: about 20,000 records a second. Here the same serializer's read
fields are compiled, once per build, into one SQL expression that yields the finished
line, and `COPY (SELECT …) TO STDOUT` streams the lines straight into the compressed file:
Python never sees a record. The compiler follows the reader field by field (stored
columns, columns read through links, partial dates, timestamps, links in brief form,
nested rows and their order); a field it does not know (`Unbuildable`) leaves the whole
resource to the Python reader, as does any database but PostgreSQL. A field the
serializer computes (`value_fields`) is built here only where the serializer also
declares its SQL (`value_sql`: name -> function of a column lookup, returning the JSON
text). tests/nkhr/test_dumps_sql.py holds every line byte-equal to the export's.

Lines are JSON text a line each (a JSON string never holds a raw newline), copied out as
CSV with a quote and delimiter no JSON text can hold, so COPY writes them as they are.
"""

import itertools
from collections.abc import Callable

import orjson
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

from nkhr import registry
from nkhr.api.fields import PartialDateSerializerField, RecordRelatedField
from nkhr.api.reading import AS_STORED, _is_plain_iso_datetime, has_column
from nkhr.api.registry import record_path
from nkhr.models.publication import Publication
from nkhr.search import parent_lookup

PUBLISHED = Publication.PUBLISHED
# Bytes no JSON text holds unescaped: COPY's CSV quote and delimiter, so it never quotes.
COPY_OPTIONS = "(FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
# Model fields whose stored value is what the reader shows, and to_json() writes as orjson.
JSON_AS_STORED = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
)
_PLACEHOLDER = "\x00"


class Unbuildable(Exception):
    """A field this compiler cannot build; the resource is read by Python."""


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings, PostgreSQL's default)."""
    if "\x00" in text:
        raise Unbuildable("NUL in a literal")
    return "'" + text.replace("'", "''") + "'"


def json_literal(value) -> str:
    """A constant's JSON text, as a SQL literal."""
    return literal(orjson.dumps(value).decode())


def to_json(expression: str) -> str:
    """The JSON text of a value; `null` for NULL."""
    return f"COALESCE(to_json({expression})::text, 'null')"


def json_object(pairs: list[tuple[str, str]]) -> str:
    """`{"key":value,…}` from (key, JSON text expression) pairs, keys in the given order."""
    if not pairs:
        return "'{}'"
    parts = []
    for index, (key, expression) in enumerate(pairs):
        opening = "{" if index == 0 else ","
        parts.append(literal(f"{opening}{orjson.dumps(key).decode()}:"))
        parts.append(f"({expression})")
    parts.append("'}'")
    return " || ".join(parts)


def iso_datetime(column: str) -> str:
    """DRF's ISO 8601 of a timestamp in UTC: microseconds only when there are any, `Z`."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN 'null' ELSE '\"' || "
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN date_part('microseconds', {utc})::bigint % 1000000 <> 0 "
        f"THEN to_char({utc}, '.US') ELSE '' END || 'Z\"' END"
    )


def partial_date(date: str, precision: str) -> str:
    """`partial_date_text`: the date as precise as its precision says."""
    return (
        f"CASE WHEN {date} IS NULL THEN 'null' "
        f"WHEN {precision} = 'year' THEN '\"' || to_char({date}, 'YYYY') || '\"' "
        f"WHEN {precision} = 'month' THEN '\"' || to_char({date}, 'YYYY-MM') || '\"' "
        f"ELSE '\"' || to_char({date}, 'YYYY-MM-DD') || '\"' END"
    )


def is_visible(publication: str) -> str:
    """The reader's `visible()` for the public: no state, or published."""
    return f"COALESCE({publication}, {literal(PUBLISHED)}) = {literal(PUBLISHED)}"


class Tables:
    """The joins a query needs, each once: `column("round__parent__title")` is the SQL of
    that column, joining the tables on the way (LEFT JOIN: a link may be empty)."""

    def __init__(self, model, alias: str, quote: Callable[[str], str], names):
        self.model = model
        self.alias = alias
        self.quote = quote
        self.names = names  # an iterator of fresh aliases, shared by nested queries
        self.joins: dict[str, tuple[str, str]] = {}

    def table(self) -> str:
        return f"{self.quote(self.model._meta.db_table)} {self.alias}"

    def join(self, path: str) -> tuple[str, type]:
        """The alias and model at the end of a path of forward links."""
        alias, model = self.alias, self.model
        walked = []
        for name in path.split("__") if path else []:
            field = model._meta.get_field(name)
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                raise Unbuildable(f"{path}: {name} is not a forward link")
            walked.append(name)
            key = "__".join(walked)
            related = field.related_model
            if key not in self.joins:
                joined = next(self.names)
                target = related._meta.get_field(field.target_field.name).column
                self.joins[key] = (
                    joined,
                    f"LEFT JOIN {self.quote(related._meta.db_table)} {joined} ON "
                    f"{joined}.{self.quote(target)} = {alias}.{self.quote(field.column)}",
                )
            alias, model = self.joins[key][0], related
        return alias, model

    def field(self, path: str) -> tuple[str, models.Field]:
        """The SQL of the column at `path` and its model field."""
        *links, name = path.split("__")
        alias, model = self.join("__".join(links))
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if not field.concrete:
            raise Unbuildable(f"{path} is not a column")
        return f"{alias}.{self.quote(field.column)}", field

    def column(self, path: str) -> str:
        return self.field(path)[0]

    def sql(self) -> str:
        return " ".join(join for _alias, join in self.joins.values())


def link_publications(tables: Tables, path: str) -> list[str]:
    """The publication columns of the records `path` passes through (as the reader's
    `link_publications`): a value read through a hidden record is hidden."""
    found, model, parts = [], tables.model, path.split("__")
    for index, name in enumerate(parts[:-1]):
        field = model._meta.get_field(name)
        if not field.is_relation:
            break
        model = field.related_model
        if has_column(model, "publication"):
            found.append(tables.column("__".join([*parts[: index + 1], "publication"])))
    return found


def record_url(model, pk: str, kind: str | None, root: str) -> str:
    """The JSON text of a record's API URL (`record_path`, with a kind's own route)."""

    def path(kind_value):
        found = record_path(model, kind_value, _PLACEHOLDER)
        if found is None:
            return "'null'"
        before, after = found.split(_PLACEHOLDER)
        return to_json(f"{literal(root + before)} || {pk}::text || {literal(after)}")

    default = path(None)
    if kind is None:
        return default
    concrete = model._meta.concrete_model
    kinds = sorted(
        {
            record_type.model.kind_value
            for record_type in registry.record_types()
            if record_type.model._meta.proxy
            and record_type.model._meta.concrete_model is concrete
            and getattr(record_type.model, "kind_value", None) is not None
        }
    )
    if not kinds:
        return default
    cases = " ".join(f"WHEN {literal(value)} THEN {path(value)}" for value in kinds)
    return f"CASE {kind} {cases} ELSE {default} END"


def brief_link(tables: Tables, prefix: str, model, root: str) -> str:
    """`{id, url, name, kind}` of the record linked at `prefix`, or null (none, or hidden)."""
    at = f"{prefix}__" if prefix else ""
    pk = tables.column(f"{at}pk")
    names = [tables.column(at + n) for n in ("name", "title") if has_column(model, n)]
    if not names:
        raise Unbuildable(f"{model.__name__}: its name is computed")
    kind = tables.column(f"{at}kind") if has_column(model, "kind") else None
    name = "COALESCE(" + ", ".join([*[f"NULLIF({n}, '')" for n in names], f"{pk}::text"]) + ")"
    kind_json = (
        to_json(f"COALESCE(NULLIF({kind}, ''), {literal(model._meta.model_name)})")
        if kind
        else json_literal(model._meta.model_name)
    )
    hidden = ""
    if has_column(model, "publication"):
        hidden = f"WHEN NOT {is_visible(tables.column(f'{at}publication'))} THEN 'null' "
    link = json_object(
        [
            ("id", to_json(pk)),
            ("url", record_url(model, pk, kind, root)),
            ("name", to_json(name)),
            ("kind", kind_json),
        ]
    )
    return f"CASE WHEN {pk} IS NULL THEN 'null' {hidden}ELSE {link} END"


def stored(field, model_field, column: str, through: list[str]) -> str:
    """A stored column as the reader shows it (through links: hidden with them)."""
    if through:
        # The reader applies the field's representation: str() for a CharField.
        if not (
            isinstance(field, serializers.CharField)
            and isinstance(model_field, models.CharField | models.TextField)
        ):
            raise Unbuildable(f"{field.field_name}: represented by the serializer")
        visible = " AND ".join(is_visible(p) for p in through)
        return (
            f"CASE WHEN {column} IS NULL OR NOT ({visible}) THEN 'null' ELSE {to_json(column)} END"
        )
    if isinstance(field, AS_STORED) and isinstance(model_field, JSON_AS_STORED):
        return to_json(column)
    if _is_plain_iso_datetime(field) and isinstance(model_field, models.DateTimeField):
        if settings.TIME_ZONE != "UTC" and settings.USE_TZ:
            raise Unbuildable("timestamps shown in a time zone other than UTC")
        return iso_datetime(column)
    raise Unbuildable(f"{field.field_name}: represented by the serializer")


def order_terms(tables: Tables, model, ordering, prefix: str = "") -> list[str]:
    """SQL of a model's ordering, as Django reads it: a link orders by the linked model's
    own ordering (or its key)."""
    terms = []
    for term in ordering:
        if not isinstance(term, str) or term == "?":
            raise Unbuildable(f"ordering {term!r}")
        descending, name = term.startswith("-"), term.lstrip("-")
        path = f"{prefix}{name}"
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        if field.is_relation and field.related_model._meta.ordering:
            inner = order_terms(
                tables, field.related_model, field.related_model._meta.ordering, f"{path}__"
            )
            if descending:
                inner = [flip(t) for t in inner]
            terms.extend(inner)
            continue
        column = tables.column(path if not field.is_relation else f"{prefix}{field.attname}")
        terms.append(f"{column} DESC" if descending else f"{column} ASC")
    return terms


def flip(term: str) -> str:
    return (
        term[: -len(" DESC")] + " ASC" if term.endswith(" DESC") else term[: -len(" ASC")] + " DESC"
    )


class LineCompiler:
    """One serializer's read fields as one SQL expression of its JSON object's text."""

    def __init__(self, quote: Callable[[str], str], root: str):
        self.quote = quote
        self.root = root
        self.names = (f"t{n}" for n in itertools.count())

    def object(self, serializer, tables: Tables, leading=()) -> str:
        model = serializer.Meta.model
        pairs = list(leading)
        value_sql = getattr(serializer, "value_sql", {})
        value_fields = getattr(serializer, "value_fields", {})
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if name in value_sql:
                pairs.append((name, value_sql[name](tables.column)))
                continue
            if name in value_fields:
                raise Unbuildable(f"{name}: computed, with no SQL declared")
            pairs.append((name, self.field(name, field, model, tables)))
        return json_object(pairs)

    def field(self, name, field, model, tables: Tables) -> str:
        if name == "url" and isinstance(field, serializers.SerializerMethodField):
            kind = tables.column("kind") if has_column(model, "kind") else None
            return record_url(model, tables.column("pk"), kind, self.root)
        source = field.source
        if isinstance(field, PartialDateSerializerField):
            return partial_date(tables.column(source), tables.column(f"{source}_precision"))
        if isinstance(field, RecordRelatedField):
            relation = model._meta.get_field(source)
            if relation.auto_created or not (relation.many_to_one or relation.one_to_one):
                raise Unbuildable(f"{name}: not a forward link")
            return brief_link(tables, source, relation.related_model, self.root)
        if isinstance(field, serializers.ListSerializer):
            return self.rows(model, field, tables)
        if isinstance(field, serializers.ManyRelatedField | serializers.SerializerMethodField):
            raise Unbuildable(f"{name}: a list of links or computed")
        if isinstance(field, serializers.BaseSerializer):
            raise Unbuildable(f"{name}: a nested serializer")
        if not has_column(model, source.split(".")[0]):
            raise Unbuildable(f"{name}: {source} is not stored")
        path = source.replace(".", "__")
        column, model_field = tables.field(path)
        return stored(field, model_field, column, link_publications(tables, path))

    def rows(self, model, field, tables: Tables) -> str:
        """Nested rows as a JSON array, in their model's order, visible ones only: one
        aggregate over all the rows, joined by parent (not a subquery per record)."""
        relation = model._meta.get_field(field.source)
        inner = Tables(relation.related_model, next(self.names), self.quote, self.names)
        conditions = []
        if isinstance(relation, GenericRelation):
            parent = inner.column(relation.object_id_field_name)
            content_type = ContentType.objects.get_for_model(model)
            conditions.append(
                f"{inner.column(relation.content_type_field_name + '_id')} = {content_type.pk}"
            )
            skip = {relation.object_id_field_name, relation.content_type_field_name}
        else:
            if relation.many_to_many or not relation.auto_created:
                raise Unbuildable(f"{field.source}: not rows of their own")
            key = parent_lookup(model, relation)
            parent = inner.column(inner.model._meta.get_field(key).attname)
            skip = {key, f"{key}_id"}
        shown_by = getattr(field, "visibility_column", None)
        if shown_by is None and has_column(inner.model, "publication"):
            shown_by = "publication"
        if shown_by:
            conditions.append(is_visible(inner.column(shown_by)))
        row = self.object(field.child, inner)
        ordering = [t for t in inner.model._meta.ordering if str(t).lstrip("-") not in skip]
        order = ", ".join(order_terms(inner, inner.model, ordering))
        aggregate = f"string_agg({row}, ','{' ORDER BY ' + order if order else ''})"
        where = " AND ".join(conditions) or "TRUE"
        grouped = next(self.names)
        tables.joins[f"rows:{field.source}"] = (
            grouped,
            f"LEFT JOIN (SELECT {parent} AS parent, '[' || {aggregate} || ']' AS rows "
            f"FROM {inner.table()} {inner.sql()} WHERE {where} GROUP BY {parent}) {grouped} "
            f"ON {grouped}.parent = {tables.column('pk')}",
        )
        return f"COALESCE({grouped}.rows, '[]')"


class SqlLines:
    """The COPY statement of one resource's lines."""

    def __init__(self, resource: str, viewset, connection, root: str):
        serializer_class = viewset.serializer_class
        self.model = viewset.queryset.model
        if self.model._meta.proxy or not has_column(self.model, "publication"):
            # A proxy's list is a filtered one; this builds whole tables.
            raise Unbuildable(f"{resource}: not a table of its own")
        view = type("View", (), {"action": "list"})()
        serializer = serializer_class(context={"view": view})
        quote = connection.ops.quote_name
        compiler = LineCompiler(quote, root)
        tables = Tables(self.model, next(compiler.names), quote, compiler.names)
        self.line = compiler.object(serializer, tables, [("resource", json_literal(resource))])
        # Built after the line: compiling it adds the joins it needs.
        self.rows = (
            f"FROM {tables.table()} {tables.sql()} "
            f"WHERE {tables.column('publication')} = {literal(PUBLISHED)}"
        )
        self.sql = f"SELECT {self.line} {self.rows} ORDER BY {tables.column('pk')}"

    def copy_to(self, out, connection, count: Callable[[int], None]) -> int:
        """Write every line into `out` (a binary file); the number of lines."""
        counter = _Counting(out, count)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY ({self.sql}) TO STDOUT WITH {COPY_OPTIONS}", counter)
        counter.flush()
        return counter.lines


class _Counting:
    """A file COPY writes into, counting the lines that pass (each ends with a newline)."""

    def __init__(self, out, count: Callable[[int], None]):
        self.out, self.count = out, count
        self.lines, self.pending = 0, 0

    def write(self, data) -> int:
        lines = data.count(b"\n")
        self.lines += lines
        self.pending += lines
        if self.pending >= 10_000:
            self.flush()
        return self.out.write(data)

    def flush(self) -> None:
        if self.pending:
            self.count(self.pending)
            self.pending = 0


def json_lines(resource: str, viewset, connection, root: str) -> SqlLines | None:
    """The database's lines of a resource, or None where Python reads it (not PostgreSQL
    with psycopg2's COPY, or a field the compiler does not know)."""
    if connection.vendor != "postgresql" or not settings.DUMPS_SQL:
        return None
    try:
        lines = SqlLines(resource, viewset, connection, root)
    except (Unbuildable, FieldDoesNotExist):
        return None
    with connection.cursor() as cursor:
        if not hasattr(cursor, "copy_expert"):
            return None
    return lines

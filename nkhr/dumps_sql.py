"""Dump lines built by PostgreSQL: each record's JSON line and CSV row, the bytes the
export writes.

The Python reader (`nkhr.api.reading`) turns `.values()` rows into the representation,
then orjson (or Python's csv) into bytes. Here the same serializer's read fields are
compiled, once per build, into SQL that yields the finished line: `COPY (SELECT …) TO
STDOUT` streams the JSON lines straight into the compressed file, and the CSV rows come a
block at a time through a cursor; Python never sees a record. The compiler follows the
reader field by field (stored columns, columns read through links, dates, partial dates,
timestamps, links in brief form, lists of links, nested rows and their order); a field it
does not know (`Unbuildable`) leaves the whole resource to the Python reader, as does any
database but PostgreSQL. A field the serializer computes (`value_fields`) is built here
only where the serializer also declares its SQL (`value_sql`: name -> function of a column
lookup and an object builder, returning the JSON text). tests/nkhr/test_dumps_sql.py holds
every line and row byte-equal to the export's.

JSON lines never hold a raw newline (a JSON string escapes it), so they are copied out as
CSV with a quote and delimiter no JSON text holds, and COPY writes them as they are.
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from nkhr import registry
from nkhr.api.fields import PartialDateSerializerField, RecordRelatedField
from nkhr.api.reading import AS_STORED, _is_plain_iso_datetime, has_column, publication_hops
from nkhr.api.registry import record_path
from nkhr.api.renderers import BRIEF_KEYS
from nkhr.models.publication import Publication
from nkhr.search import parent_lookup
from nkhr.spreadsheets import neutralise_sql

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
# Python's csv writes rows ending so (the excel dialect).
CRLF = "\r\n"
LF = "\n"
# Names of the cursors lines are read through: one per reading, in one session.
_CURSORS = itertools.count()
FETCH_ROWS = 2000


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


def json_object(pairs: list[tuple[str, str]], sort_keys: bool = False) -> str:
    """`{"key":value,…}` from (key, JSON text expression) pairs, keys in the given order
    (sorted with `sort_keys`, as orjson's OPT_SORT_KEYS writes a CSV cell's JSON)."""
    if sort_keys:
        pairs = sorted(pairs, key=lambda pair: pair[0])
    if not pairs:
        return "'{}'"
    parts = []
    for index, (key, expression) in enumerate(pairs):
        opening = "{" if index == 0 else ","
        parts.append(literal(f"{opening}{orjson.dumps(key).decode()}:"))
        parts.append(f"({expression})")
    parts.append("'}'")
    return " || ".join(parts)


def quoted(text: str) -> str:
    """The JSON text of a nullable text needing no escapes (dates, times)."""
    # NULL joined to text is NULL: the text is computed once.
    return f"COALESCE('\"' || ({text}) || '\"', 'null')"


def iso_datetime(column: str) -> str:
    """DRF's ISO 8601 of a timestamp in UTC (microseconds only when there are any, `Z`),
    as text; NULL for NULL."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return f"replace(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"


def partial_date(date: str, precision: str) -> str:
    """`partial_date_text`: the date as precise as its precision says, as text."""
    return (
        f"CASE WHEN {date} IS NULL THEN NULL "
        f"WHEN {precision} = 'year' THEN to_char({date}, 'YYYY') "
        f"WHEN {precision} = 'month' THEN to_char({date}, 'YYYY-MM') "
        f"ELSE to_char({date}, 'YYYY-MM-DD') END"
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
    return [tables.column(f"{hop}__publication") for hop in publication_hops(tables.model, path)]


def record_url(model, pk: str, kind: str | None, root: str) -> str:
    """A record's API URL as text (`record_path`, with a kind's own route); NULL for a
    model without a route."""

    def path(kind_value):
        found = record_path(model, kind_value, _PLACEHOLDER)
        if found is None:
            return "NULL"
        before, after = found.split(_PLACEHOLDER)
        return f"{literal(root + before)} || {pk}::text || {literal(after)}"

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


@dataclass(frozen=True)
class Value:
    """A field's value two ways: its JSON text (never NULL) and its CSV cell's text before
    `neutralise` and quoting (never NULL; `''` where the reader has null or an empty list);
    a computed field's cell (None) is made from its JSON (`json_cell`)."""

    json: str
    cell: str | None


def text_value(text: str) -> Value:
    """A nullable text needing no JSON escapes (dates, times)."""
    return Value(quoted(text), f"COALESCE({text}, '')")


def brief_link(tables: Tables, prefix: str, model, root: str, sort_keys: bool) -> Value:
    """`{id, url, name, kind}` of the record linked at `prefix`, or null (none, or hidden);
    its cell is its public id."""
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
    shown = f"{pk} IS NOT NULL"
    if has_column(model, "publication"):
        shown += f" AND {is_visible(tables.column(f'{at}publication'))}"
    link = json_object(
        [
            ("id", to_json(pk)),
            ("url", to_json(record_url(model, pk, kind, root))),
            ("name", to_json(name)),
            ("kind", kind_json),
        ],
        sort_keys,
    )
    return Value(
        f"CASE WHEN {shown} THEN {link} ELSE 'null' END",
        f"CASE WHEN {shown} THEN {pk}::text ELSE '' END",
    )


def stored(field, model_field, column: str, through: list[str]) -> Value:
    """A stored column as the reader shows it (through links: hidden with them)."""
    if through:
        # The reader applies the field's representation: str() for a CharField.
        if not (
            isinstance(field, serializers.CharField)
            and isinstance(model_field, models.CharField | models.TextField)
        ):
            raise Unbuildable(f"{field.field_name}: represented by the serializer")
        visible = " AND ".join(is_visible(p) for p in through)
        shown = f"{column} IS NOT NULL AND {visible}"
        return Value(
            f"CASE WHEN {shown} THEN {to_json(column)} ELSE 'null' END",
            f"CASE WHEN {shown} THEN {column} ELSE '' END",
        )
    if isinstance(field, AS_STORED) and isinstance(model_field, JSON_AS_STORED):
        if isinstance(model_field, models.BooleanField):
            cell = f"COALESCE(CASE WHEN {column} THEN 'true' ELSE 'false' END, '')"
        else:
            cell = f"COALESCE({column}::text, '')"
        return Value(to_json(column), cell)
    if (
        type(field) is serializers.DateField
        and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601
        and type(model_field) is models.DateField
    ):
        # DRF's date.isoformat(): four-digit years, as to_char's YYYY.
        return text_value(f"to_char({column}, 'YYYY-MM-DD')")
    if _is_plain_iso_datetime(field) and isinstance(model_field, models.DateTimeField):
        if settings.TIME_ZONE != "UTC" and settings.USE_TZ:
            raise Unbuildable("timestamps shown in a time zone other than UTC")
        return text_value(f"CASE WHEN {column} IS NULL THEN NULL ELSE {iso_datetime(column)} END")
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
        related = field.related_model if field.is_relation else None
        if related is not None and related._meta.ordering:
            inner = order_terms(tables, related, related._meta.ordering, f"{path}__")
            terms.extend(flip(t) for t in inner) if descending else terms.extend(inner)
            continue
        column = tables.column(f"{prefix}{field.attname}" if related is not None else path)
        terms.append(f"{column} DESC" if descending else f"{column} ASC")
    return terms


def flip(term: str) -> str:
    if term.endswith(" DESC"):
        return term.removesuffix(" DESC") + " ASC"
    return term.removesuffix(" ASC") + " DESC"


def json_cell(json: str) -> str:
    """The CSV cell of a value known only as JSON text (a computed field): as
    `flatten_cell` writes it (null and empty lists or objects: empty; a string: its text;
    anything else: its JSON, keys sorted, as the compiler writes it in CSV mode)."""
    return (
        f"CASE WHEN ({json}) IN ('null', '[]', '{{}}') THEN '' "
        f"WHEN left({json}, 1) = '\"' THEN ({json})::json #>> '{{}}' ELSE {json} END"
    )


class LineCompiler:
    """One serializer's read fields as SQL of its JSON object's text, or of its CSV row."""

    def __init__(self, quote: Callable[[str], str], root: str, sort_keys: bool = False):
        self.quote = quote
        self.root = root
        self.sort_keys = sort_keys
        self.names = (f"t{n}" for n in itertools.count())

    def obj(self, pairs) -> str:
        return json_object(pairs, self.sort_keys)

    def values(self, serializer, tables: Tables) -> list[tuple[str, Value]]:
        model = serializer.Meta.model
        found = []
        value_sql = getattr(serializer, "value_sql", {})
        value_fields = getattr(serializer, "value_fields", {})
        for name, field in serializer.fields.items():
            if field.write_only:
                continue
            if name in value_sql:
                json = value_sql[name](tables.column, self.obj)
                found.append((name, Value(json, None)))
                continue
            if name in value_fields:
                raise Unbuildable(f"{name}: computed, with no SQL declared")
            found.append((name, self.field(name, field, model, tables)))
        return found

    def object(self, serializer, tables: Tables) -> str:
        return self.obj([(name, value.json) for name, value in self.values(serializer, tables)])

    def field(self, name, field, model, tables: Tables) -> Value:
        if name == "url" and isinstance(field, serializers.SerializerMethodField):
            kind = tables.column("kind") if has_column(model, "kind") else None
            url = record_url(model, tables.column("pk"), kind, self.root)
            return Value(to_json(url), f"COALESCE({url}, '')")
        source = field.source
        if isinstance(field, PartialDateSerializerField):
            date = tables.column(source)
            return text_value(partial_date(date, tables.column(f"{source}_precision")))
        if isinstance(field, RecordRelatedField):
            relation = model._meta.get_field(source)
            if relation.auto_created or not (relation.many_to_one or relation.one_to_one):
                raise Unbuildable(f"{name}: not a forward link")
            return brief_link(tables, source, relation.related_model, self.root, self.sort_keys)
        if isinstance(field, serializers.ListSerializer):
            rows = self.rows(model, field, tables)
            return Value(rows, f"CASE WHEN {rows} = '[]' THEN '' ELSE {rows} END")
        if isinstance(field, serializers.ManyRelatedField) and isinstance(
            field.child_relation, RecordRelatedField
        ):
            return self.links(model, field, tables)
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
        if set(BRIEF_KEYS) <= set(field.child.fields):
            # A CSV cell would hold their ids (`flatten_cell`), not their JSON.
            raise Unbuildable(f"{field.source}: rows shaped as links")
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
        order = self.order(inner, inner.model, ordering)
        grouped = self.grouped(
            tables,
            field.source,
            inner,
            parent,
            conditions,
            {"rows": f"'[' || string_agg({row}, ','{order}) || ']'"},
        )
        return f"COALESCE({grouped}.rows, '[]')"

    def links(self, model, field, tables: Tables) -> Value:
        """A list of links (`instruments` of an event …): the visible ones in brief form,
        in the linked model's order; its cell is their ids joined by `;`."""
        relation = model._meta.get_field(field.source)
        target = relation.related_model
        if relation.many_to_many and not relation.auto_created and target is not model:
            through = relation.remote_field.through
            inner = Tables(through, next(self.names), self.quote, self.names)
            parent = inner.column(through._meta.get_field(relation.m2m_field_name()).attname)
            prefix = relation.m2m_reverse_field_name()
            skip = {relation.related_query_name()}
        elif relation.one_to_many and relation.auto_created:
            inner = Tables(target, next(self.names), self.quote, self.names)
            parent = inner.column(relation.field.attname)
            prefix = ""
            skip = {relation.field.name, relation.field.attname}
        else:
            raise Unbuildable(f"{field.source}: a list of links this does not follow")
        link = brief_link(inner, prefix, target, self.root, self.sort_keys)
        at = f"{prefix}__" if prefix else ""
        pk = inner.column(f"{at}pk")
        conditions = [f"{pk} IS NOT NULL"]
        if has_column(target, "publication"):
            conditions.append(is_visible(inner.column(f"{at}publication")))
        ordering = [t for t in target._meta.ordering if str(t).lstrip("-") not in skip]
        order = self.order(inner, target, ordering, at)
        grouped = self.grouped(
            tables,
            field.source,
            inner,
            parent,
            conditions,
            {
                "rows": f"'[' || string_agg({link.json}, ','{order}) || ']'",
                "ids": f"string_agg({pk}::text, ';'{order})",
            },
        )
        return Value(f"COALESCE({grouped}.rows, '[]')", f"COALESCE({grouped}.ids, '')")

    @staticmethod
    def order(tables: Tables, model, ordering, prefix: str = "") -> str:
        if not ordering:
            # Python reads such rows in whatever order the database gives: no order to match.
            raise Unbuildable(f"{model.__name__}: rows without an order")
        return " ORDER BY " + ", ".join(order_terms(tables, model, ordering, prefix))

    def grouped(
        self, tables: Tables, source: str, inner: Tables, parent, conditions, columns
    ) -> str:
        """Join `tables` to `columns` (aggregates) of `inner`'s rows grouped by parent: one
        aggregate over all the rows, not a subquery per record."""
        alias = next(self.names)
        where = " AND ".join(conditions) or "TRUE"
        selected = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
        tables.joins[f"rows:{source}"] = (
            alias,
            f"LEFT JOIN (SELECT {parent} AS parent, {selected} "
            f"FROM {inner.table()} {inner.sql()} WHERE {where} GROUP BY {parent}) {alias} "
            f"ON {alias}.parent = {tables.column('pk')}",
        )
        return alias


def csv_quoted(text: str) -> str:
    """A cell as Python's csv writes it (QUOTE_MINIMAL): quoted where it holds a comma, a
    quote or a line break."""
    return (
        f"CASE WHEN {text} ~ '[\",\\n\\r]' "
        f"THEN '\"' || replace({text}, '\"', '\"\"') || '\"' ELSE {text} END"
    )


def fenced(columns: list[str], source: str, alias: str) -> str:
    """A query of `columns` over `source` that PostgreSQL computes once per row and does
    not merge into the query around it (OFFSET 0): each layer of the CSV row refers to
    the one below several times, and merged, every reference would compute it again."""
    return f"(SELECT {', '.join(columns)} FROM {source} OFFSET 0) {alias}"


class SqlLines:
    """The statements of one resource's lines: JSON Lines and CSV rows."""

    def __init__(self, resource: str, viewset, connection, root: str, since=None):
        self.model = viewset.queryset.model
        # Only records changed since then (`/export/?updated_since=`).
        self.since = since
        if self.model._meta.proxy or not has_column(self.model, "publication"):
            # A proxy's list is a filtered one; this builds whole tables.
            raise Unbuildable(f"{resource}: not a table of its own")
        view = type("View", (), {"action": "list"})()
        self.serializer = viewset.serializer_class(context={"view": view})
        self.resource = resource
        self.quote = connection.ops.quote_name
        self.root = root
        resource_value = Value(json_literal(resource), literal(resource))
        json = LineCompiler(self.quote, root)
        tables = Tables(self.model, next(json.names), self.quote, json.names)
        values = [("resource", resource_value), *json.values(self.serializer, tables)]
        self.header = [name for name, _ in values]
        line = json_object([(name, value.json) for name, value in values])
        self.sql = self._select(line, tables)
        # Read through a cursor, a line carries its own line break (COPY adds it).
        self.lines_sql = self._select(f"{line} || {literal(LF)}", tables)
        # CSV: nested JSON with its keys sorted, as `flatten_cell` writes it.
        csv = LineCompiler(self.quote, root, sort_keys=True)
        tables = Tables(self.model, next(csv.names), self.quote, csv.names)
        values = [("resource", resource_value), *csv.values(self.serializer, tables)]
        self.csv_sql = self._csv(values, tables)

    def _csv(self, values: list[tuple[str, Value]], tables: Tables) -> str:
        """A CSV row per record, in layers: the cells (and computed fields' JSON), then
        the cells of that JSON, then `neutralise()`, then quoting; in the records' order."""
        cells = [value.json if value.cell is None else value.cell for _, value in values]
        ordered = self._select(", ".join(f"{c} AS c{i}" for i, c in enumerate(cells)), tables)
        plain = [
            f"{json_cell(f'c{i}') if value.cell is None else f'c{i}'} AS d{i}"
            for i, (_, value) in enumerate(values)
        ]
        safe = [f"{neutralise_sql(f'd{i}')} AS n{i}" for i in range(len(values))]
        source = fenced(plain, f"({ordered} OFFSET 0) l1", "l2")
        source = fenced(safe, source, "l3")
        row = " || ',' || ".join(csv_quoted(f"n{i}") for i in range(len(values)))
        return f"SELECT {row} || {literal(CRLF)} FROM {source}"

    def _select(self, line: str, tables: Tables) -> str:
        # The joins are read after the line: compiling it adds those it needs.
        where = f"{tables.column('publication')} = {literal(PUBLISHED)}"
        if self.since is not None:
            if not has_column(self.model, "updated"):
                raise Unbuildable(f"{self.resource}: no time of change")
            where += f" AND {tables.column('updated')} >= {literal(self.since.isoformat())}"
        return (
            f"SELECT {line} FROM {tables.table()} {tables.sql()} "
            f"WHERE {where} ORDER BY {tables.column('pk')}"
        )

    def copy_to(self, out, connection, count: Callable[[int], None]) -> int:
        """Write every JSON line into `out` (a binary file); the number of lines."""
        counter = _Counting(out, count)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY ({self.sql}) TO STDOUT WITH {COPY_OPTIONS}", counter)
        counter.flush()
        return counter.lines

    def csv_to(self, out, connection, count: Callable[[int], None]) -> int:
        """Write the CSV (a header, then a row per record; nothing at all for none) into
        `out` (a binary file); the number of rows. Inside a transaction."""
        rows = 0
        for block, lines in self.blocks(connection, csv=True):
            out.write(block)
            rows += lines
            count(lines)
        return rows

    def blocks(self, connection, csv: bool = False) -> Iterator[tuple[bytes, int]]:
        """(bytes, records) a block at a time: the JSON lines, or with `csv` the CSV's
        header and rows (nothing at all for no record), fetched through a cursor (COPY
        would quote the line breaks a CSV row holds, and cannot be read as a stream
        here). Inside a transaction."""
        sql = self.csv_sql if csv else self.lines_sql
        name = f"nkhr_lines_{next(_CURSORS)}"
        first = True
        with connection.cursor() as cursor:
            cursor.execute(f"DECLARE {name} NO SCROLL CURSOR FOR {sql}")
            try:
                while True:
                    cursor.execute(f"FETCH {FETCH_ROWS} FROM {name}")
                    block = cursor.fetchall()
                    if not block:
                        break
                    data = "".join(line for (line,) in block).encode()
                    if csv and first:
                        data = header_line(self.header) + data
                    first = False
                    yield data, len(block)
            finally:
                cursor.execute(f"CLOSE {name}")


def header_line(names: list[str]) -> bytes:
    return (",".join(names) + CRLF).encode()


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


def lines_for(resource: str, viewset, connection, root: str, since=None) -> SqlLines | None:
    """The database's lines of a resource's published records (`since`: changed since
    then), or None where Python reads it (not PostgreSQL with psycopg2's COPY, or a field
    the compiler does not know)."""
    if connection.vendor != "postgresql" or not settings.DUMPS_SQL:
        return None
    try:
        lines = SqlLines(resource, viewset, connection, root, since)
    except (Unbuildable, FieldDoesNotExist):
        return None
    with connection.cursor() as cursor:
        if not hasattr(cursor, "copy_expert"):
            return None
    return lines

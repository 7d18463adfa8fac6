"""CSV for every list: flat columns in the serializer's order, stable headers.

A related record becomes its public id; a list of related records becomes their ids joined
by `;`; other nested values (aliases, citations, actions) are written as JSON in their cell,
so a CSV re-imports without loss. A text cell a spreadsheet would run as a formula (`=…`,
`+…`, `-…`, `@…`) is written with a leading single quote (`nkhr.spreadsheets`); a client
writing such a cell back takes the quote off first (`nkhr.spreadsheets.restore`).
"""

import csv
import io

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer

from nkhr.spreadsheets import neutralise

MULTI_VALUE_SEPARATOR = ";"
BRIEF_KEYS = ("id", "url", "name", "kind")


def _is_brief(value) -> bool:
    return isinstance(value, dict) and set(BRIEF_KEYS) <= value.keys()


def flatten_cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if _is_brief(value):
        return value["id"]
    if isinstance(value, list) and value and all(_is_brief(item) for item in value):
        return MULTI_VALUE_SEPARATOR.join(item["id"] for item in value)
    if isinstance(value, (list, dict)):
        if not value:
            return ""
        # Error details of nested rows are keyed by position (ints): allowed, as in JSON.
        options = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
        return orjson.dumps(value, default=str, option=options).decode()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_cell(value):
    """A value as its CSV cell: flattened, and quoted if a spreadsheet would run it."""
    return neutralise(flatten_cell(value))


def empty_list_header(renderer_context) -> list[str]:
    """The columns of a list with no rows, from the view's serializer: a header-only CSV, not
    an empty body (which DRF sends without a Content-Type)."""
    view = (renderer_context or {}).get("view")
    if view is None or not hasattr(view, "get_serializer"):
        return []
    serializer = view.get_serializer()
    if getattr(serializer, "brief", False):
        return list(BRIEF_KEYS)
    return [name for name, field in serializer.fields.items() if not field.write_only]


class _Line:
    """A file-like sink that hands back what csv.writer wrote (one row at a time)."""

    def write(self, text):
        return text


def csv_lines(rows):
    """Stream dicts as CSV text, header from the first row, cells flattened as in lists."""
    writer, header = csv.writer(_Line()), None
    for row in rows:
        if header is None:
            header = list(row)
            yield writer.writerow(header)
        yield writer.writerow([csv_cell(row.get(key)) for key in header])


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        buffer = io.StringIO()
        header = list(rows[0].keys()) if rows else empty_list_header(renderer_context)
        if header:
            writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: csv_cell(row.get(key)) for key in header})
        return buffer.getvalue().encode(self.charset)


class JSONLinesRenderer(JSONRenderer):
    """Lets `?format=jsonl` through content negotiation (DRF answers 404 to a format no
    renderer claims). The exports stream their own lines; what this renders is an error,
    which is one line of JSON."""

    media_type = "application/x-ndjson"
    format = "jsonl"


def _orjson_default(value):
    # Lazy translations, Decimals and the like: their text, as DRF's encoder gives.
    return str(value)


class ORJSONRenderer(JSONRenderer):
    """DRF's JSON, encoded by orjson (several times faster on large pages)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=_orjson_default, option=orjson.OPT_NON_STR_KEYS)

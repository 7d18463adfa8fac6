"""Streamed bulk exports: every record as JSON Lines (to mirror the database), and actors,
positions held and designations as FollowTheMoney entities."""

import itertools
from collections.abc import Iterator

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from nkhr import dumps_sql, ftm
from nkhr.api.filtering import in_utc
from nkhr.api.parameters import Parameter, as_choice, check
from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.reading import Reading, reader_for
from nkhr.api.registry import site_root
from nkhr.api.renderers import JSONLinesRenderer, ORJSONRenderer, csv_lines
from nkhr.api.viewsets import ERRORS
from nkhr.models.publication import can_view_unpublished

CHUNK = 2000
JSON_LINES = "application/x-ndjson"

UPDATED_SINCE = OpenApiParameter(
    "updated_since", OpenApiTypes.DATETIME, description="Only records changed since then."
)


def json_line(data) -> bytes:
    return orjson.dumps(data, default=str, option=orjson.OPT_APPEND_NEWLINE)


def _in_blocks(lines: Iterator[str | bytes], size: int = 500) -> Iterator[bytes]:
    """Lines joined into blocks: the response handles each piece it is given (encoding,
    the server's write), which costs more than a line to make. The first block is a single
    line, so the stream starts at once."""
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        return
    yield first.encode() if isinstance(first, str) else first
    while block := list(itertools.islice(lines, size)):
        yield b"".join(line.encode() if isinstance(line, str) else line for line in block)


def _in_one_transaction(lines: Iterator) -> Iterator:
    """The lines, made inside one transaction. Streamed after the view has returned, they
    would otherwise be read through a cursor Django declares WITH HOLD, for which PostgreSQL
    computes every row before the first is sent (4 s for a million designations); inside a
    transaction the rows come as they are fetched, and from one snapshot."""
    with transaction.atomic():
        yield from lines


def _updated_since(request):
    value = request.query_params.get("updated_since")
    if value is None:
        return None
    try:
        # parse_datetime raises ValueError for a well-formed but impossible time (+99:00).
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError
        return in_utc(parsed)
    except ValueError as exc:
        raise serializers.ValidationError(
            {"updated_since": ["Enter an ISO 8601 date and time."]}
        ) from exc
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"updated_since": exc.messages}) from exc


# What the exports take (`nkhr.api.parameters`); the date and resource are read below.
EXPORT_FORMAT = Parameter("format", as_choice(["jsonl", "csv"]))
FTM_FORMAT = Parameter("format", as_choice(["jsonl"]))
EXPORT_PARAMETERS = [Parameter("resource"), Parameter("updated_since"), EXPORT_FORMAT]
FTM_PARAMETERS = [Parameter("updated_since"), FTM_FORMAT]


class ExportView(APIView):
    """Every record of every resource, one JSON object per line, streamed."""

    permission_classes = [ReadOnlyViewPermission]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, JSONLinesRenderer]

    # (resource, viewset) pairs, set by nkhr.api.urls
    resources: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("resource", str, description="Only this resource (e.g. `actors`)."),
            OpenApiParameter(
                "format",
                str,
                enum=["jsonl", "csv"],
                description="`csv` streams one resource as CSV (with `resource`).",
            ),
            UPDATED_SINCE,
        ],
        responses={
            (200, JSON_LINES): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="One record per line: its resource's JSON plus `resource`.",
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="The resource as CSV, as its list's `?format=csv`."
            ),
            400: OpenApiResponse(
                description="Unknown parameter, resource or format, malformed date."
            ),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        check(request, EXPORT_PARAMETERS)
        since = _updated_since(request)
        wanted = request.query_params.get("resource")
        known = [resource for resource, _ in self.resources]
        if wanted and wanted not in known:
            raise serializers.ValidationError({"resource": [f"Unknown; one of {known}."]})
        selected = [(r, v) for r, v in self.resources if not wanted or r == wanted]
        if request.query_params.get("format") == "csv":
            if not wanted:
                raise serializers.ValidationError({"resource": ["CSV exports one resource."]})
            blocks = export_blocks(request, selected, since, csv=True)
            return StreamingHttpResponse(
                _in_one_transaction(blocks), content_type="text/csv; charset=utf-8"
            )
        blocks = export_blocks(request, selected, since)
        return StreamingHttpResponse(_in_one_transaction(blocks), content_type=JSON_LINES)


def export_blocks(request, selected, since=None, csv: bool = False) -> Iterator[bytes]:
    """The export's bytes in blocks: per resource, the lines the database builds
    (`nkhr.dumps_sql`, for a reader who sees what the public sees: the bulk dumps'
    lines, byte for byte the reader's), else the reader's rows as JSON lines or CSV.
    Inside a transaction."""
    public = not can_view_unpublished(request.user)
    root = site_root(request)
    for resource, viewset in selected:
        lines = dumps_sql.lines_for(resource, viewset, connection, root, since) if public else None
        if lines is not None:
            for block, _records in lines.blocks(connection, csv=csv):
                yield block
            continue
        rows = export_rows(request, [(resource, viewset)], since)
        if csv:
            yield from _in_blocks(csv_lines(rows))
        else:
            yield from _in_blocks(json_line(row) for row in rows)


def export_rows(request, selected, since=None) -> Iterator[dict]:
    """Every record of the (resource, viewset) pairs `selected` the request's user may see,
    as its resource's list shows it plus `resource`, by public id; the bulk dumps
    (`nkhr.dumps`) write the same rows."""
    reading = Reading(request)
    for resource, viewset in selected:
        queryset = viewset.queryset.visible_to(request.user).order_by("pk")
        if since is not None:
            queryset = queryset.filter(updated__gte=since)
        # Rows as the resource's list shows them: what points at a record (an actor's
        # designations …) is exported with those records, not repeated on it.
        reader = reader_for(viewset.serializer_class)
        if reader is not None:
            records = reader.values(queryset).iterator(chunk_size=CHUNK)
            while chunk := list(itertools.islice(records, CHUNK)):
                for data in reader.read(chunk, reading):
                    yield {"resource": resource, **data}
            continue
        view = viewset(request=request, format_kwarg=None, action="list")
        context = {"request": request, "view": view}
        records = queryset.iterator(chunk_size=CHUNK)
        while chunk := list(itertools.islice(records, CHUNK)):
            # One serializer per chunk: building its fields costs more than a row.
            for data in viewset.serializer_class(chunk, many=True, context=context).data:
                yield {"resource": resource, **data}


class FollowTheMoneyExportView(APIView):
    """Actors, positions held and designations as FollowTheMoney entities (JSON Lines)."""

    permission_classes = [ReadOnlyViewPermission]
    # JSON Lines only (errors in JSON): `?format=csv` is a 400 in JSON, not a CSV page.
    renderer_classes = [ORJSONRenderer, JSONLinesRenderer]

    @extend_schema(
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter(
                "format", str, enum=["jsonl"], description="JSON Lines (the default)."
            ),
        ],
        responses={
            (200, JSON_LINES): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="One FollowTheMoney entity per line (Person, PublicBody, "
                "Organization, Position, Occupancy, Sanction).",
            ),
            400: OpenApiResponse(description="Unknown parameter or format, malformed date."),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        check(request, FTM_PARAMETERS)
        since = _updated_since(request)
        published_only = not can_view_unpublished(request.user)
        lines = (json_line(entity) for entity in ftm.entities(published_only, since))
        return StreamingHttpResponse(
            _in_blocks(_in_one_transaction(lines)), content_type=JSON_LINES
        )

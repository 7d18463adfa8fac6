"""`/api/v1/dumps/`: the newest bulk dump's manifest, and its files (nkhr/dumps.py).

A file is served from disk as it is (`FileResponse`: read and sent a block at a time),
with its sha256 as `ETag` and the build's time as `Last-Modified`, so a client that has it
asks again with `If-None-Match` and gets a 304.
"""

import datetime

from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from nkhr import dumps
from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.viewsets import ERRORS

NOT_BUILT = "No dump has been built yet (the site builds them with `manage.py build_dumps`)."


class DumpFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The file's name, as in its URL.")
    url = serializers.URLField(help_text="Where to download it.")
    media_type = serializers.CharField()
    records = serializers.IntegerField(
        help_text="Lines (records, or FollowTheMoney entities) it holds, headers not counted."
    )
    bytes = serializers.IntegerField(help_text="Its size as downloaded.")
    sha256 = serializers.CharField(help_text="Its sha256, hex; also its ETag.")
    resources = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Records per resource, for a file holding several.",
    )


class DumpManifestSerializer(serializers.Serializer):
    schema_version = serializers.IntegerField(
        help_text="Raised when what the files hold, or how, changes."
    )
    build = serializers.CharField(help_text="The build's name (the time it began, UTC).")
    built_at = serializers.DateTimeField(help_text="When the snapshot was read.")
    feed_cursor = serializers.CharField(
        allow_null=True,
        help_text="The change feed's cursor at that moment: read the feed from here to "
        "catch up from this dump (null until the feed exists).",
    )
    site_url = serializers.CharField(help_text="The site the records' links point at.")
    fingerprint = serializers.CharField(help_text="What the build was made from.")
    files = DumpFileSerializer(many=True)


def _latest():
    found = dumps.latest()
    if found is None:
        raise NotFound(NOT_BUILT)
    return found


def _matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weakly, as RFC 9110 compares it)."""
    candidates = [part.strip() for part in header.split(",")]
    return "*" in candidates or etag in {c.removeprefix("W/") for c in candidates}


class DumpListView(APIView):
    """The newest build of the bulk dumps: what each file holds, its size, sha256 and URL."""

    permission_classes = [ReadOnlyViewPermission]

    @extend_schema(
        operation_id="dumps_list",
        responses={
            200: DumpManifestSerializer,
            401: ERRORS[401],
            404: OpenApiResponse(description="No dump has been built yet."),
        },
    )
    def get(self, request):
        manifest, _path = _latest()
        data = {key: manifest.get(key) for key in DumpManifestSerializer().fields}
        data["files"] = [
            {**item, "url": reverse("api:dump-file", args=[item["name"]], request=request)}
            for item in manifest["files"]
        ]
        return Response(data)


class FileNegotiation(BaseContentNegotiation):
    """A file is what it is, whatever the client accepts: its errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DumpFileView(APIView):
    """One file of the newest build, as it is on disk."""

    permission_classes = [ReadOnlyViewPermission]
    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="dumps_file",
        parameters=[
            OpenApiParameter(
                "name",
                str,
                OpenApiParameter.PATH,
                description="A file the manifest lists (`records.jsonl.gz`, "
                "`records-csv.zip`, `ftm.jsonl.gz`).",
            ),
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of the copy you have: 304 if it is still current.",
            ),
        ],
        responses={
            (200, "application/gzip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="JSON Lines, gzip-compressed."
            ),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One CSV per resource."
            ),
            304: OpenApiResponse(description="Your copy (If-None-Match) is current."),
            401: ERRORS[401],
            404: OpenApiResponse(description="No dump has been built, or no such file in it."),
        },
    )
    def get(self, request, name):
        manifest, path = _latest()
        item = next((f for f in manifest["files"] if f["name"] == name), None)
        if item is None:
            listed = ", ".join(f["name"] for f in manifest["files"])
            raise NotFound(f"No file {name!r} in the newest dump; it holds {listed}.")
        etag = f'"{item["sha256"]}"'
        built_at = datetime.datetime.fromisoformat(manifest["built_at"])
        headers = {"ETag": etag, "Last-Modified": http_date(built_at.timestamp())}
        if _matches(request.headers.get("If-None-Match", ""), etag):
            response = HttpResponseNotModified()
        elif request.method == "HEAD":
            response = HttpResponse(content_type=item["media_type"])
            response["Content-Length"] = str(item["bytes"])
        else:
            try:
                handle = open(path / name, "rb")  # noqa: SIM115 (closed by the response)
            except FileNotFoundError as exc:
                # Pruned by a newer build between reading the manifest and here.
                raise NotFound("The dump changed while you asked; ask again.") from exc
            response = FileResponse(
                handle, content_type=item["media_type"], as_attachment=True, filename=name
            )
        for header, value in headers.items():
            response[header] = value
        return response

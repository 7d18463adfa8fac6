"""`/api/v1/changes/`: the change feed, every change to a record the caller may see, in
commit order, from an opaque cursor (nkhr/changes.py writes it; docs/sync.md uses it)."""

import base64
import binascii

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from nkhr import changes
from nkhr.api.parameters import FORMAT, MAX_LIMIT, Invalid, Parameter, as_integer, check
from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.viewsets import ERRORS
from nkhr.models.changes import TOMBSTONES, ChangeKind, kind_of, public_kind_of
from nkhr.models.publication import can_view_unpublished
from nkhr.registry import record_types

DEFAULT_LIMIT = 100
CURSOR_PREFIX = "c1:"
# `?after=latest`: no changes, the cursor where the feed stands now.
LATEST = "latest"


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int:
    """The position a cursor of this feed stands for; ValueError for anything else."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(value) from exc
    if not text.startswith(CURSOR_PREFIX) or not text[len(CURSOR_PREFIX) :].isdigit():
        raise ValueError(value)
    return int(text[len(CURSOR_PREFIX) :])


def current_cursor() -> str:
    """The cursor where the feed stands now (what `?after=latest` answers): a full pull or a
    dump made after it is followed by the feed from it."""
    return encode_cursor(changes.sequence())


class ChangeSerializer(serializers.Serializer):
    """One change (for the schema; the view writes the dicts itself)."""

    cursor = serializers.CharField(help_text="Resume after this change with `?after=`.")
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    type = serializers.CharField(help_text="The record's resource (`actors`, `designations` …).")
    id = serializers.CharField(help_text="The record's public id.")
    time = serializers.DateTimeField(help_text="When the change was written.")
    url = serializers.URLField(help_text="The record's detail in the API.")
    tombstone = serializers.BooleanField(
        help_text="Withdrawn, deleted or merged: the record is gone for you; no content."
    )
    merged_into = serializers.CharField(
        allow_null=True, help_text="For `merged`: the public id of the surviving record."
    )


class ChangePageSerializer(serializers.Serializer):
    next = serializers.URLField(
        allow_null=True, help_text="The next page while there are more changes, else null."
    )
    cursor = serializers.CharField(
        help_text="Where to resume (`?after=`) once this page is applied, even when empty."
    )
    results = ChangeSerializer(many=True)


def _detail_paths() -> dict[str, str]:
    return {
        registered.prefix: reverse(f"api:{registered.basename}-detail", kwargs={"pk": "__pk__"})
        for registered in record_types()
    }


class ChangesView(APIView):
    """Every change visible to you, in commit order: created, changed, published, withdrawn,
    deleted, merged, restored. The public sees a record from its publication (as `created`)
    to its withdrawal or deletion (a tombstone); staff see every change as it happened."""

    permission_classes = [ReadOnlyViewPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "after",
                str,
                description="A cursor from an earlier answer (none: from the start; `latest`: "
                "no changes, only the cursor where the feed stands now).",
            ),
            OpenApiParameter(
                "types",
                str,
                description="Only these resources, comma-separated (`actors,designations`).",
            ),
            OpenApiParameter(
                "limit", int, description=f"Changes per page (1 to {MAX_LIMIT}, {DEFAULT_LIMIT})."
            ),
        ],
        responses={
            200: ChangePageSerializer,
            400: OpenApiResponse(description="Unknown parameter or type, bad cursor or limit."),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        after, types, limit = self._parameters(request)
        top = changes.sequence()
        if after is None:
            # `?after=latest`: where the feed stands, to note before a full pull.
            return Response(
                ChangePageSerializer(
                    {"next": None, "cursor": encode_cursor(top), "results": []}
                ).data
            )
        public = not can_view_unpublished(request.user)
        rows = changes.visible_changes(public).filter(position__gt=after, position__lte=top)
        if types:
            rows = rows.filter(record_type__in=types)
        page = list(
            rows.order_by("position").values_list(
                "position",
                "record_type",
                "record_id",
                "state_before",
                "state_after",
                "cause",
                "merged_into",
                "time",
            )[: limit + 1]
        )
        more = len(page) > limit
        page = page[:limit]
        # With no more to read, every position up to `top` has been considered (those the
        # caller may not see included), so the caller resumes after all of them.
        cursor = page[-1][0] if more else max(after, top)
        root = request.build_absolute_uri("/").rstrip("/")
        paths = _detail_paths()
        kind_for = public_kind_of if public else kind_of
        results = []
        for position, record_type, record_id, before, after_state, cause, merged, time in page:
            kind = kind_for(before, after_state, cause)
            path = paths.get(record_type)
            results.append(
                {
                    "cursor": encode_cursor(position),
                    "kind": kind,
                    "type": record_type,
                    "id": record_id,
                    "time": time,
                    "url": root + path.replace("__pk__", record_id) if path else None,
                    "tombstone": kind in TOMBSTONES,
                    "merged_into": merged or None,
                }
            )
        next_url = None
        if more:
            next_url = replace_query_param(
                request.build_absolute_uri(), "after", encode_cursor(cursor)
            )
        # Written as ChangePageSerializer documents it, without running a serializer over a
        # thousand plain dicts (most of a page's time).
        return Response({"next": next_url, "cursor": encode_cursor(cursor), "results": results})

    def _parameters(self, request):
        values = check(request, PARAMETERS)
        return values.get("after", 0), values.get("types", []), values.get("limit", DEFAULT_LIMIT)


def _read_after(value: str) -> int | None:
    if value == LATEST:
        return None
    try:
        return decode_cursor(value)
    except ValueError as exc:
        raise Invalid("Not a cursor of this feed: use one it gave you.") from exc


def _read_types(value: str) -> list[str]:
    known = changes.resources()
    types = [name.strip() for name in value.split(",") if name.strip()]
    wrong = [name for name in types if name not in known]
    if wrong or not types:
        raise Invalid(f"Unknown type {', '.join(wrong) or '(none)'}; one of {known}.")
    return types


PARAMETERS = (
    FORMAT,
    Parameter("after", _read_after),
    Parameter("types", _read_types),
    Parameter("limit", as_integer(1, MAX_LIMIT)),
)

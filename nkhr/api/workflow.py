"""Per-record routes beyond CRUD: the record's history, and its publication workflow."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from nkhr.history import numbered_versions
from nkhr.models.publication import Publication, can_view_unpublished
from nkhr.services import TRANSITIONS, change_publication

HISTORY_LIMIT = 100
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _plain(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def history_entries(historical_records) -> list[dict]:
    """Versions newest first, each with the fields it changed against the one before."""
    versions = list(historical_records)
    entries = []
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        changes = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["updated"])
            changes = [
                {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
                for change in delta.changes
            ]
        entries.append(
            {
                "version": newer.history_id,
                "number": newer.version_number,
                "date": newer.history_date,
                "user": newer.history_user.get_username() if newer.history_user else None,
                "channel": newer.history_channel,
                "type": HISTORY_TYPES[newer.history_type],
                "reason": newer.history_change_reason or "",
                "publication": getattr(newer, "publication", None),
                "changes": changes,
            }
        )
    return entries


HistoryEntrySerializer = inline_serializer(
    "HistoryEntry",
    {
        "version": serializers.IntegerField(help_text="The version's id in the history."),
        "number": serializers.IntegerField(
            help_text="The version's number among the record's own: 1 for its first."
        ),
        "date": serializers.DateTimeField(),
        "user": serializers.CharField(allow_null=True),
        "channel": serializers.CharField(),
        "type": serializers.ChoiceField(choices=list(HISTORY_TYPES.values())),
        "reason": serializers.CharField(),
        "publication": serializers.CharField(allow_null=True),
        "changes": inline_serializer(
            "FieldChange",
            {
                "field": serializers.CharField(),
                "old": serializers.JSONField(allow_null=True),
                "new": serializers.JSONField(allow_null=True),
            },
            many=True,
        ),
    },
    many=True,
)


class PublicationChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RecordWorkflowMixin:
    """Adds `GET <record>/history/` and `POST <record>/publication/` to a record viewset."""

    @extend_schema(
        summary="The record's change history",
        description="Newest first (at most 100 versions): who changed what, when, through "
        "which channel (admin, api, import, command, fixture), with field-level changes.",
        responses={
            200: HistoryEntrySerializer,
            # A query parameter it does not take (an unknown `format`) is named in a 400.
            400: OpenApiResponse(description="Invalid input: messages by field or parameter."),
            404: OpenApiResponse(description="No such record."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, *args, **kwargs):
        record = self.get_object()
        pk_name = record._meta.concrete_model._meta.pk.attname
        versions = list(
            numbered_versions(record.history.all(), pk_name)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1]
        )
        public = not can_view_unpublished(request.user)
        if public:
            # The public reads the published versions only (numbered among all, so that a
            # number means the same to everyone), and not who on the staff made them.
            versions = [v for v in versions if v.publication == Publication.PUBLISHED]
        entries = history_entries(versions)[:HISTORY_LIMIT]
        if public:
            for entry in entries:
                entry["user"] = None
        return Response(entries)

    @extend_schema(
        summary="Move the record through review",
        description="`submit` (draft → in review), `publish`, `withdraw`, `return_to_draft`; "
        "the comment is kept in the record's history.",
        request=PublicationChangeSerializer,
        responses={
            200: inline_serializer(
                "PublicationState",
                {
                    "id": serializers.CharField(),
                    "publication": serializers.ChoiceField(Publication.choices),
                },
            ),
            400: OpenApiResponse(description="Not possible from the record's current state."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not allowed to take this step."),
            404: OpenApiResponse(description="No such record."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        filter_backends=[],
        permission_classes=[IsAuthenticated],
        serializer_class=PublicationChangeSerializer,
    )
    def publication(self, request, *args, **kwargs):
        record = self.get_object()
        change = PublicationChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        try:
            change_publication(
                record,
                change.validated_data["action"],
                request.user,
                change.validated_data.get("comment", ""),
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"action": exc.messages}) from exc
        return Response({"id": record.pk, "publication": record.publication})

"""`/api/v1/pending-changes/`: changes to published records waiting for an editor.

A PUT or PATCH of a published record by a user who may not publish (a curator) is not
written: it answers 202 with the pending change made of it (`nkhr.pending`), and the record
reads as before. Users who see drafts list and read pending changes here; editors publish
(`POST …/{id}/publish/`) or reject (`POST …/{id}/reject/`) them.
"""

from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter

from nkhr.api.pagination import RecordPagination
from nkhr.api.parameters import FORMAT, PAGINATION, Parameter, check
from nkhr.api.registry import basename_for, record_path, site_root
from nkhr.concurrency import reads_in_autocommit
from nkhr.models.pending import PendingChange
from nkhr.models.publication import can_view_unpublished
from nkhr.pending import ChangeConflict, field_changes, publish_change, reject_change

# The header a PUT or PATCH gives its pending change's comment in: percent-encoded UTF-8
# (`%ED%95%9C` …), as a header holds ASCII only and a comment may be written in Korean.
COMMENT_HEADER = "X-Change-Comment"
COMMENT_PARAMETER = OpenApiParameter(
    COMMENT_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description=(
        "Why the change is made, percent-encoded UTF-8. Kept with the pending change when "
        "the write waits for an editor (see `202`); not used otherwise."
    ),
)


def change_comment(request) -> str:
    """The comment of a write that waits for review (`X-Change-Comment`)."""
    return unquote(request.headers.get(COMMENT_HEADER, "")).strip()[:2000]


class PendingChangeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    class Meta:
        model = PendingChange
        fields = [
            "id",
            "url",
            "record",
            "author",
            "created",
            "status",
            "comment",
            "changes",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]

    def get_url(self, change) -> str:
        return reverse(
            "api:pending-change-detail", kwargs={"pk": change.pk}, request=self.context["request"]
        )

    @extend_schema_field(
        inline_serializer(
            "PendingChangeRecord",
            {
                "type": serializers.CharField(
                    help_text="The record's resource, as `?record_type=`."
                ),
                "id": serializers.CharField(),
                "url": serializers.URLField(allow_null=True),
            },
        )
    )
    def get_record(self, change) -> dict:
        model = change.content_type.model_class()
        path = record_path(model, None, change.object_id)
        request = self.context["request"]
        return {
            "type": basename_for(model),
            "id": change.object_id,
            "url": site_root(request) + path if path else None,
        }

    def get_author(self, change) -> str:
        return change.author.get_username()

    def get_decided_by(self, change) -> str | None:
        return change.decided_by.get_username() if change.decided_by_id else None

    @extend_schema_field(
        inline_serializer(
            "PendingFieldChange",
            {
                "field": serializers.CharField(),
                "old": serializers.JSONField(allow_null=True),
                "new": serializers.JSONField(allow_null=True),
            },
            many=True,
        )
    )
    def get_changes(self, change) -> list:
        return field_changes(change)


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class SeesDrafts(BasePermission):
    """Pending changes are drafts of a kind: for those who read drafts."""

    def has_permission(self, request, view):
        return can_view_unpublished(request.user)


STATUS_PARAMETER = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=list(PendingChange.Status.values)
)
RECORD_TYPE_PARAMETER = OpenApiParameter(
    "record_type",
    OpenApiTypes.STR,
    description="The record's resource (`actor`, `legislation` …): its basename in the API.",
)
RECORD_PARAMETER = OpenApiParameter("record", OpenApiTypes.STR, description="A record's id.")
# What the list takes: its filters and pages.
PENDING_PARAMETERS = [
    FORMAT,
    *PAGINATION,
    *(Parameter(p.name) for p in (STATUS_PARAMETER, RECORD_TYPE_PARAMETER, RECORD_PARAMETER)),
]
READ_ERRORS = {
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Not allowed: for users who see drafts."),
}
DECISION_RESPONSES = {
    200: PendingChangeSerializer,
    400: OpenApiResponse(description="Invalid input, or the change is no longer valid."),
    **READ_ERRORS,
    404: OpenApiResponse(description="No such pending change."),
    409: OpenApiResponse(
        description="The change was decided already, or the record changed since the change "
        "was proposed in a field the change changes: nothing was written."
    ),
}


@extend_schema_view(
    list=extend_schema(
        summary="Changes to published records, waiting for an editor or decided",
        parameters=[STATUS_PARAMETER, RECORD_TYPE_PARAMETER, RECORD_PARAMETER],
        responses={
            200: PendingChangeSerializer(many=True),
            400: OpenApiResponse(description="Invalid filter: messages by parameter."),
            **READ_ERRORS,
        },
    ),
    retrieve=extend_schema(
        responses={
            200: PendingChangeSerializer,
            **READ_ERRORS,
            404: OpenApiResponse(description="No such pending change."),
        }
    ),
)
class PendingChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """Pending changes, newest first; editors publish or reject them."""

    queryset = PendingChange.objects.select_related("author", "decided_by", "content_type")
    serializer_class = PendingChangeSerializer
    permission_classes = [SeesDrafts]
    pagination_class = RecordPagination
    filter_backends: list = []

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return reads_in_autocommit(super().as_view(actions, **initkwargs))

    def get_queryset(self):
        queryset = super().get_queryset().order_by("-created", "-pk")
        if self.action != "list":
            return queryset
        # Unknown parameters first (`nkhr.api.parameters`); the filters are read below.
        check(self.request, PENDING_PARAMETERS)
        params = self.request.query_params
        errors = {}
        if "status" in params:
            if params["status"] not in PendingChange.Status.values:
                errors["status"] = [f"Not one of {', '.join(PendingChange.Status.values)}."]
            queryset = queryset.filter(status=params["status"])
        if "record_type" in params:
            from nkhr.api.urls import RESOURCES

            models = [v.queryset.model for _, v, name in RESOURCES if name == params["record_type"]]
            if not models:
                errors["record_type"] = ["No such resource."]
            queryset = queryset.filter(
                content_type__in=ContentType.objects.get_for_models(
                    *models, for_concrete_models=False
                ).values()
            )
        if "record" in params:
            queryset = queryset.filter(object_id=params["record"])
        if errors:
            raise serializers.ValidationError(errors)
        return queryset

    def _decision(self, request, decide):
        change = self.get_object()
        decision = DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        try:
            change = decide(change, decision.validated_data.get("comment", ""))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except ChangeConflict as exc:
            raise Conflict({"detail": exc.messages[0], "fields": exc.fields}) from exc
        except DjangoValidationError as exc:
            if exc.code == "decided":
                raise Conflict(exc.messages[0]) from exc
            raise serializers.ValidationError({"non_field_errors": exc.messages}) from exc
        return Response(self.get_serializer(change).data)

    @extend_schema(
        summary="Publish a pending change (editors)",
        description="Writes the fields the change changes to the record, as a new version "
        "by the editor whose history reason names the author. Refused (409, nothing "
        "written) when the record changed since in one of those fields.",
        request=DecisionSerializer,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"], serializer_class=PendingChangeSerializer)
    def publish(self, request, *args, **kwargs):
        return self._decision(
            request, lambda change, comment: publish_change(change, request, comment)
        )

    @extend_schema(
        summary="Reject a pending change (editors)",
        description="Closes the change without writing it; the comment says why.",
        request=DecisionSerializer,
        responses=DECISION_RESPONSES,
    )
    @action(detail=True, methods=["post"], serializer_class=PendingChangeSerializer)
    def reject(self, request, *args, **kwargs):
        return self._decision(
            request, lambda change, comment: reject_change(change, request.user, comment)
        )


def pending_urls() -> list:
    """The routes of `/api/v1/pending-changes/` (named `api:pending-change-…`)."""
    router = SimpleRouter()
    router.register("pending-changes", PendingChangeViewSet, basename="pending-change")
    return router.urls

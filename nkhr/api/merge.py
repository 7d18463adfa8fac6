"""`POST <record>/merge/`: merge a duplicate into the record (`nkhr.merging`), and the
301 a merged record's id answers with, pointing at the record it was merged into."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from nkhr.merging import merge_records
from nkhr.models.base import PUBLIC_ID_MAX_LENGTH, reserved_for

IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "The record's ETag as last read (from a GET of the record). A stale one gets 412 and "
        "changes nothing; `*` writes over whatever version is current."
    ),
)
MOVED_RESPONSE = OpenApiResponse(
    description="The record was merged into another: `Location` is the survivor's URL."
)


class MergeRequestSerializer(serializers.Serializer):
    duplicate = serializers.SlugField(
        max_length=PUBLIC_ID_MAX_LENGTH,
        help_text="Public id of the record of the same resource to merge into this one: what "
        "points at it then points at this record, its names become aliases, its citations "
        "join; it is deleted and its id answers 301 to this record.",
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Kept in history."
    )


def survivor_location(view, request, pk):
    """The URL a merged record's `pk` moved to (following merges of merges) on the route
    asked for, or None: not merged, or merged into a record `request`'s user may not see."""
    model = view.get_queryset().model
    survivor, seen = reserved_for(model, pk), set()
    while survivor is not None and survivor not in seen:
        seen.add(survivor)
        further = reserved_for(model, survivor)
        if further is None:
            break
        survivor = further
    if survivor is None or not view.get_queryset().filter(pk=survivor).exists():
        return None
    route = f"{request.resolver_match.namespace}:{request.resolver_match.url_name}"
    kwargs = {**view.kwargs, view.lookup_url_kwarg or view.lookup_field: survivor}
    # Django's reverse: DRF's would add `?format=` again, which the query below carries.
    url = request.build_absolute_uri(reverse(route, kwargs=kwargs))
    query = request.META.get("QUERY_STRING")
    return f"{url}?{query}" if query else url


class RecordMergeMixin:
    """Adds `POST <record>/merge/` to a record viewset, and answers a merged id with 301."""

    def handle_exception(self, exc):
        if isinstance(exc, Http404 | NotFound) and self.kwargs.get(
            self.lookup_url_kwarg or self.lookup_field
        ):
            location = survivor_location(
                self, self.request, self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            )
            if location is not None:
                return Response(
                    {"detail": "This record was merged into another.", "location": location},
                    status=status.HTTP_301_MOVED_PERMANENTLY,
                    headers={"Location": location},
                )
        return super().handle_exception(exc)

    @extend_schema(
        summary="Merge a duplicate into this record",
        description="Every reference to the duplicate then points at this record, its names "
        "become this record's aliases and its citations join this record's; the duplicate is "
        "deleted, its id stays reserved and answers 301 here. Needs If-Match (this record's "
        "ETag); while either record is published, only editors may merge. Answers the record "
        "as merged, with its new ETag.",
        request=MergeRequestSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={
            400: OpenApiResponse(
                description="Refused (`duplicate`: unknown, of another kind, this record "
                "itself, or with a record that would duplicate one of this record's); "
                "nothing is written."
            ),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="Not allowed to merge these records."),
            404: OpenApiResponse(description="No such record."),
            412: OpenApiResponse(description="The If-Match ETag is stale: read it again."),
            428: OpenApiResponse(description="No If-Match: send the record's ETag."),
            503: OpenApiResponse(description="Other writes were in the way; retry."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], permission_classes=[IsAuthenticated])
    def merge(self, request, *args, **kwargs):
        opts = self.get_queryset().model._meta.concrete_model._meta
        if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            raise PermissionDenied(f"You may not change {opts.verbose_name_plural}.")
        survivor = self.get_object()
        self.check_if_match(survivor)
        body = MergeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        duplicate_id = body.validated_data["duplicate"]
        duplicate = self.get_queryset().filter(pk=duplicate_id).first()
        if duplicate is None:
            merged_into = reserved_for(opts.model, duplicate_id)
            raise serializers.ValidationError(
                {
                    "duplicate": [
                        f"{duplicate_id} was merged into {merged_into} already."
                        if merged_into
                        else f"No {opts.verbose_name} {duplicate_id} (of {self.basename} "
                        "that you may see)."
                    ]
                }
            )
        try:
            merge_records(survivor, duplicate, request.user, body.validated_data.get("comment", ""))
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"duplicate": exc.messages}
            raise serializers.ValidationError(detail) from exc
        data = self.read_detail(self.get_queryset(), survivor.pk)[0]
        response = Response(data)
        response["ETag"] = self.current_etag(survivor.pk)
        return response

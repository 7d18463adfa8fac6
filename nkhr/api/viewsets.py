"""The viewset every resource is built on: thin subclasses set queryset, serializer and
filterset; this class adds brief mode, conditional requests and optimistic concurrency.

A write to an existing record (PUT, PATCH, DELETE) must say which version it was based on:
`If-Match` with the ETag last read (428 without it). The record is read, its ETag checked
and the write made under the record's row lock, in the request's one transaction, so of
two writers who read the same version one writes and the other gets 412: nothing written
is silently undone. `If-Match: *` writes over whatever version is current (still applied to
that version, under the lock)."""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connections
from django.http import Http404
from django.utils.http import http_date, parse_etags
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from nkhr.api.base import referenced_by
from nkhr.api.fields import RecordRelatedField
from nkhr.api.filtering import (
    NullsLastOrderingFilter,
    StrictFilterBackend,
    facets_of,
    filters_key,
    nulls_placed,
)
from nkhr.api.merge import IF_MATCH_PARAMETER, MOVED_RESPONSE, RecordMergeMixin
from nkhr.api.pagination import RecordPagination
from nkhr.api.parameters import (
    BRIEF,
    FORMAT,
    check,
    detail_parameters,
    facets_parameter,
    list_parameters,
    ordering_parameter,
)
from nkhr.api.pending import COMMENT_PARAMETER, PendingChangeSerializer, change_comment
from nkhr.api.reading import Reading, reader_for
from nkhr.api.workflow import RecordWorkflowMixin
from nkhr.concurrency import lock_record, reads_in_autocommit
from nkhr.pending import needs_review, propose_change
from nkhr.prefetch import rows
from nkhr.search import BY_IDS
from nkhr.stats import audience_of, cached

ERRORS = {
    400: OpenApiResponse(description="Invalid input: messages by field or parameter."),
    # DRF answers 401 (not 403) when nobody is signed in, as token auth names a scheme.
    401: OpenApiResponse(description="Not signed in (writes need it), or an invalid token."),
    403: OpenApiResponse(description="Not allowed (write without the model permission)."),
    404: OpenApiResponse(description="No such record."),
}
WRITE_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(description="Other records point at this one."),
    412: OpenApiResponse(description="The If-Match ETag is stale: read the record again."),
    428: OpenApiResponse(description="No If-Match: send the ETag of the record as last read."),
    503: OpenApiResponse(description="Other writes were in the way; nothing changed: retry."),
}
# A change to a published record by a user who may not publish waits for an editor.
CHANGE_RESPONSES = {
    **WRITE_ERRORS,
    202: OpenApiResponse(
        PendingChangeSerializer,
        description="The record is published and you may not publish: the change waits for "
        "an editor (`/api/v1/pending-changes/`); the record reads as before.",
    ),
}
# The actions that write over an existing record, and so need If-Match.
IF_MATCH_ACTIONS = frozenset({"update", "partial_update", "destroy"})


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it (stale If-Match): read it again."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "A write to an existing record needs If-Match: the ETag of the record as you last "
        "read it (GET it first), so that nobody else's change is overwritten unseen."
    )
    default_code = "precondition_required"


class WritesContended(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database was busy with other writes, and nothing was changed: try again."
    default_code = "writes_contended"


# PostgreSQL's deadlock and serialization failures: it gave up this transaction for another.
CONTENTION_SQLSTATES = frozenset({"40P01", "40001"})


def is_contention(exc) -> bool:
    """Whether a database error means only that other writers were in the way (PostgreSQL
    broke a deadlock, or SQLite's write lock was not free within the timeout)."""
    code = getattr(exc.__cause__, "pgcode", None) or getattr(exc.__cause__, "sqlstate", None)
    return code in CONTENTION_SQLSTATES or "database is locked" in str(exc)


def latest_update(serializer, instance, request=None):
    """The latest `updated` of what `serializer` shows of `instance` to `request`'s user:
    the record, its nested rows and the records it links to, so that Last-Modified moves
    when any part of the page does. What the serializer leaves out (a draft linked record,
    a citation of a draft source) dates the page by when it was hidden, not by its edits
    since: the same rows, and the same rule (`Reading.latest`), as the values reader's."""
    reading = Reading(request)
    note_shown(serializer, instance, reading)
    return reading.latest


def note_shown(serializer, instance, reading: Reading) -> None:
    """Note in `reading` the `updated` of `instance` and of what `serializer` shows with it."""
    reading.note(getattr(instance, "updated", None))
    if getattr(serializer, "brief", False):
        return
    request = serializer.context.get("request")
    for field in serializer.fields.values():
        if field.write_only:
            continue
        if isinstance(field, serializers.ListSerializer):
            rows = field.get_attribute(instance)
            for row in rows.all() if hasattr(rows, "all") else rows:
                if field.shown(row, request):
                    note_shown(field.child, row, reading)
                else:
                    note_hidden(field, row, reading)
        elif isinstance(field, serializers.ManyRelatedField):
            for linked in field.get_attribute(instance):
                note_link(linked, reading)
        elif isinstance(field, RecordRelatedField):
            note_link(getattr(instance, field.source, None), reading)


def note_link(linked, reading: Reading) -> None:
    """A linked record dates the page by its `updated` when the reader sees it (it is shown
    in brief), else by when it was hidden."""
    if linked is None:
        return
    if reading.visible(getattr(linked, "publication", None)):
        reading.note(getattr(linked, "updated", None))
    else:
        reading.hidden[type(linked)].add(linked.pk)


def note_hidden(field, row, reading: Reading) -> None:
    """`row` of list `field` is hidden from the reader: by its own state, or by the record
    its `visibility_column` names; either way it was hidden with the records it links to."""
    if field.visibility_column in (None, "publication") and hasattr(row, "publication"):
        reading.hidden[type(row)].add(row.pk)
    for child in field.child.fields.values():
        if isinstance(child, RecordRelatedField) and not child.write_only:
            linked = getattr(row, child.source, None)
            if linked is not None and hasattr(linked, "publication"):
                reading.hidden[type(linked)].add(linked.pk)


def representation_etag(data) -> str:
    payload = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return f'"{hashlib.sha256(payload).hexdigest()[:32]}"'


@extend_schema_view(
    # Their query parameters come from `query_parameters` (`RecordAutoSchema`).
    list=extend_schema(responses={400: ERRORS[400], 401: ERRORS[401]}),
    retrieve=extend_schema(
        responses={301: MOVED_RESPONSE, 400: ERRORS[400], 401: ERRORS[401], 404: ERRORS[404]}
    ),
    create=extend_schema(responses={400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403]}),
    update=extend_schema(
        parameters=[IF_MATCH_PARAMETER, COMMENT_PARAMETER], responses=CHANGE_RESPONSES
    ),
    partial_update=extend_schema(
        parameters=[IF_MATCH_PARAMETER, COMMENT_PARAMETER], responses=CHANGE_RESPONSES
    ),
    destroy=extend_schema(parameters=[IF_MATCH_PARAMETER], responses=WRITE_ERRORS),
)
class RecordViewSet(RecordMergeMixin, RecordWorkflowMixin, viewsets.ModelViewSet):
    """List, read, create, update and delete one kind of record by its public id."""

    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = RecordPagination
    filter_backends = [StrictFilterBackend, NullsLastOrderingFilter]
    ordering_fields: list[str] = ["id", "created", "updated"]
    # Lists and details are read from values, not instances, where the serializer allows
    # it (`nkhr.api.reading`); the serializer path gives the same output.
    read_values = True

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # Reads never wait for a writer on SQLite; each write is one transaction.
        return reads_in_autocommit(super().as_view(actions, **initkwargs))

    # The query parameters of this request, read (`nkhr.api.parameters.check`).
    parameters: dict = {}

    def query_parameters(self, action: str | None = None) -> list:
        """Every query parameter `action` takes (`nkhr.api.parameters`): checked before it
        runs, and listed in the schema. None for actions that check their own."""
        action = action or self.action
        if action == "list":
            return list_parameters(self)
        if action == "retrieve":
            return detail_parameters(self)
        if action == "history":
            return [FORMAT]
        return None

    def schema_parameters(self, action: str) -> list:
        """The parameters the schema takes from here rather than from the filter set or
        the paginator: brief form, and a list's ordering and facets."""
        if action == "retrieve":
            return [BRIEF]
        if action != "list":
            return []
        parameters = [BRIEF, ordering_parameter(self.ordering_fields)]
        if self.filterset_class is not None and facets_of(self.filterset_class):
            parameters.append(facets_parameter(facets_of(self.filterset_class)))
        return parameters

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        accepted = self.query_parameters() if request.method in SAFE_METHODS else None
        if accepted is not None:
            # Every unknown or malformed parameter at once, before anything is read.
            self.parameters = check(request, accepted)

    @property
    def brief(self) -> bool:
        return self.parameters.get("brief", False)

    def get_queryset(self):
        # Drafts, records in review and withdrawn records are for curators and analysts.
        queryset = super().get_queryset().visible_to(self.request.user)
        if self.action != "list":
            # The records other apps list on the detail (`Reference.in_api`).
            queryset = queryset.prefetch_related(
                *(
                    rows(
                        reference.accessor,
                        reference.pointing_model._default_manager.select_related(
                            *reference.select_related
                        )
                        if reference.select_related
                        else None,
                    )
                    for reference in referenced_by(queryset.model)
                )
            )
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Whatever the order asked for, ties are broken by the public id, so that pages
        # never repeat or skip a row.
        # Empty values go last (first reversed) on every database (`nulls_placed`).
        ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
        if not {"pk", "-pk", "id", "-id"} & {str(term) for term in ordering}:
            ordering.append("pk")
        return queryset.order_by(*nulls_placed(queryset.model, ordering))

    def list(self, request, *args, **kwargs):
        reader = self.values_reader()
        if reader is None:
            response = super().list(request, *args, **kwargs)
            if isinstance(response.data, dict):
                records = self.filter_queryset(self.get_queryset())
                response = self.with_facets(response, records)
            return response
        records = self.filter_queryset(self.get_queryset())
        queryset = reader.values(records)
        if getattr(request, "search_shape", None) != BY_IDS:
            # Not under `pk IN (ids)`: with the order written, PostgreSQL would walk the
            # whole table to meet the few ids instead of starting from them.
            reader.keep_join_order(connections[queryset.db])
        if self.paginator is not None:
            self.paginator.counted_queryset = records
        page = self.paginate_queryset(queryset)
        data = reader.read(list(queryset) if page is None else page, Reading(request))
        if page is None:
            return Response(data)
        return self.with_facets(self.get_paginated_response(data), records)

    def with_facets(self, response, records):
        """`response` with the counts `?facets=` asks for, of `records` (the list's rows
        before paging): one grouped query per facet."""
        names = self.parameters.get("facets")
        if names:
            facets = facets_of(self.filterset_class)
            response.data["facets"] = {
                name: self.facet_counts(facets[name], records) for name in dict.fromkeys(names)
            }
        return response

    def facet_counts(self, facet, records):
        """`facet`'s counts of `records`, kept with the cached aggregates
        (`nkhr.stats.cached`) for the list and the filters given, until a change the
        reader's audience can see: counting a million designations by authority, regime,
        kind and year takes two seconds, and a dashboard or an analyst's overview asks
        for the same counts again and again (as a search engine's request cache keeps
        aggregations)."""
        name = f"nkhr:facets:{self.basename}:{facet.name}"
        given = filters_key(self.request, self.filterset_class)
        if given:
            name = f"{name}:{given}"
        return cached(
            name,
            audience_of(self.request.user),
            lambda: facet.counts(records, self.request),
        )

    def get_serializer(self, *args, **kwargs):
        if self.request is not None and self.request.method == "GET" and "brief" not in kwargs:
            kwargs["brief"] = self.brief
        return super().get_serializer(*args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        lookup = kwargs[self.lookup_url_kwarg or self.lookup_field]
        data, latest = self.read_detail(
            self.filter_queryset(self.get_queryset()), lookup, self.brief
        )
        response = Response(data)
        if not self.brief:
            response["ETag"] = representation_etag(data)
        response["Last-Modified"] = http_date(latest.timestamp())
        return response

    def read_detail(self, queryset, pk, brief: bool = False):
        """The detail page of record `pk` in `queryset` and its latest `updated`."""
        reader = self.values_reader(detail=True, brief=brief)
        if reader is None:
            instance = get_object_or_404(queryset, pk=pk)
            self.check_object_permissions(self.request, instance)
            serializer = self.get_serializer(instance, brief=brief)
            return serializer.data, latest_update(serializer, instance, self.request)
        rows = list(reader.values(queryset.filter(pk=pk))[:1])
        if not rows:
            raise Http404
        reading = Reading(self.request)
        return reader.read(rows, reading)[0], reading.latest

    def current_etag(self, pk) -> str:
        """The ETag a GET of record `pk` would carry now."""
        return representation_etag(self.read_detail(self.get_queryset(), pk)[0])

    def values_reader(self, detail: bool = False, brief: bool | None = None):
        """The reader of this resource's serializer from values (`nkhr.api.reading`), or
        None where the serializer path is used."""
        if not self.read_values:
            return None
        return reader_for(
            self.get_serializer_class(), self.brief if brief is None else brief, detail
        )

    def get_object(self):
        if self.request.method not in SAFE_METHODS:
            # A write reads the record under its row lock, so that what it checks (the
            # If-Match, the record's state) is what it writes over.
            lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            lock_record(self.get_queryset().model, lookup)
        instance = super().get_object()
        if self.action in IF_MATCH_ACTIONS:
            self.check_if_match(instance)
        return instance

    def update(self, request, *args, **kwargs):
        pk = kwargs[self.lookup_url_kwarg or self.lookup_field]
        partial = kwargs.pop("partial", False)
        instance = self.get_object()

        def save():
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
            return serializer

        if needs_review(request.user, instance):
            # Only editors publish: the change waits for one, and the record reads as before.
            change = propose_change(instance, request, save, change_comment(request))
            if change is not None:
                data = PendingChangeSerializer(change, context=self.get_serializer_context()).data
                return Response(data, status=status.HTTP_202_ACCEPTED)
            # It would change nothing: nothing to review, the record as it is.
            data = self.read_detail(self.get_queryset(), pk)[0]
            response = Response(data)
        else:
            serializer = save()
            response = Response(serializer.data)
        # The new version's ETag, for the next write without reading the record again.
        response["ETag"] = self.current_etag(pk)
        return response

    def handle_exception(self, exc):
        if isinstance(exc, OperationalError) and is_contention(exc):
            # Rare (an import changing parents while someone else changes one of them), and
            # the client's to retry, not a server fault.
            exc = WritesContended()
        response = super().handle_exception(exc)
        if isinstance(exc, WritesContended):
            response["Retry-After"] = "1"
        return response

    def check_if_match(self, instance) -> None:
        header = self.request.headers.get("If-Match", "").strip()
        if not header:
            raise PreconditionRequired()
        if header == "*":
            return
        current = self.current_etag(instance.pk).strip('"')
        if current not in {tag.strip('"') for tag in parse_etags(header)}:
            raise PreconditionFailed()

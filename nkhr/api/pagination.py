"""Pagination: limit/offset by default, a cursor for large pulls (`?cursor=` or `?mode=cursor`)."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


class SyncCursorPagination(CursorPagination):
    """Stable pages over the public id, unaffected by rows added meanwhile."""

    ordering = "pk"
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT

    def decode_cursor(self, request):
        # DRF answers a malformed cursor with 404; it is bad input, so a 400 like any other.
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [exc.detail]}) from exc

    def get_ordering(self, request, queryset, view):
        # Always the public id: a cursor over `?ordering=` on a nullable or repeated field
        # (dates, kinds) skips or repeats rows, and a full pull must see each row once.
        return (self.ordering,)


class RecordPagination(LimitOffsetPagination):
    """`?limit=&offset=` with a count, or a cursor when one is asked for."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def _cursor_mode(self, request) -> bool:
        return "cursor" in request.query_params or request.query_params.get("mode") == "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if self._cursor_mode(request):
            self._cursor = SyncCursorPagination()
            return self._cursor.paginate_queryset(queryset, request, view)
        self._cursor = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self._cursor is not None:
            return self._cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        # A cursor page has no `count` (counting defeats the point of a cursor).
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["required"] = ["results"]
        response_schema["properties"]["count"]["description"] = "Offset pages only."
        return response_schema

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters += [
            {
                "name": "mode",
                "required": False,
                "in": "query",
                "description": "`cursor` pages by a cursor (for full pulls) instead of an offset.",
                "schema": {"type": "string", "enum": ["cursor"]},
            },
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The cursor from a previous page's `next` link.",
                "schema": {"type": "string"},
            },
        ]
        return parameters

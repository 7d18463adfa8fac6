"""Pagination: limit/offset by default, a cursor for large pulls (`?cursor=` or `?mode=cursor`).

Its parameters are declared in `nkhr.api.parameters` (a malformed one is a 400 naming it,
never the default in its place), and the schema shows them from there."""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework.utils.urls import replace_query_param

from nkhr.api.parameters import (
    COUNT,
    COUNT_LIMIT,
    DEFAULT_LIMIT,
    LIMIT,
    MAX_LIMIT,
    MODE,
    OFFSET,
    PAGINATION,
    check_one,
)
from nkhr.search import BY_ROWS, page_and_one_more

__all__ = ["COUNT_LIMIT", "DEFAULT_LIMIT", "MAX_LIMIT", "RecordPagination"]


class SyncCursorPagination(CursorPagination):
    """Stable pages over the public id, unaffected by rows added meanwhile."""

    ordering = "pk"
    page_size = DEFAULT_LIMIT
    page_size_query_param = "limit"
    max_page_size = MAX_LIMIT

    def decode_cursor(self, request):
        # DRF answers a malformed cursor with 404; it is bad input, so a 400 like any other.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [exc.detail]}) from exc
        if cursor is not None and "\x00" in (cursor.position or ""):
            # No public id holds a NUL, and PostgreSQL refuses one in a query.
            raise ValidationError({self.cursor_query_param: ["Invalid cursor"]})
        return cursor

    def get_page_size(self, request):
        return check_one(request, LIMIT, default=self.page_size)

    def get_ordering(self, request, queryset, view):
        # Always the public id: a cursor over `?ordering=` on a nullable or repeated field
        # (dates, kinds) skips or repeats rows, and a full pull must see each row once.
        return (self.ordering,)


class RecordPagination(LimitOffsetPagination):
    """`?limit=&offset=` with a count, or a cursor when one is asked for."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    count_capped = False
    page_length = 0
    # The rows to count when the page is read with joins the count does not need.
    counted_queryset = None

    def get_count(self, queryset):
        if self._exact(self.request):
            return super().get_count(queryset)
        if self.counted_queryset is not None:
            queryset = self.counted_queryset
        counted = queryset.order_by()[: COUNT_LIMIT + 1].count()
        self.count_capped = counted > COUNT_LIMIT
        return min(counted, COUNT_LIMIT)

    def get_next_link(self):
        if self.count_capped and self.offset + self.limit >= self.count:
            if self.page_length < self.limit:
                return None
            # The count stopped counting; the rows go on.
            url = self.request.build_absolute_uri()
            return replace_query_param(
                replace_query_param(url, self.limit_query_param, self.limit),
                self.offset_query_param,
                self.offset + self.limit,
            )
        return super().get_next_link()

    def get_limit(self, request):
        return check_one(request, LIMIT, default=self.default_limit)

    def get_offset(self, request):
        return check_one(request, OFFSET, default=0)

    @staticmethod
    def _exact(request) -> bool:
        return check_one(request, COUNT) == "exact"

    def _cursor_mode(self, request) -> bool:
        return "cursor" in request.query_params or check_one(request, MODE) == "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if self._cursor_mode(request):
            self._cursor = SyncCursorPagination()
            return self._cursor.paginate_queryset(queryset, request, view)
        self._cursor = None
        # DRF's own, except that past a capped count the rows are read, not assumed gone.
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        if getattr(request, "search_shape", None) == BY_ROWS and not self._exact(request):
            return self._page_and_one_more(queryset, request)
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request)
        if self.count == 0 or (self.offset > self.count and not self.count_capped):
            self.page_length = 0
            return []
        page = list(queryset[self.offset : self.offset + self.limit])
        self.page_length = len(page)
        return page

    def _page_and_one_more(self, queryset, request) -> list:
        """A common term's page, not counted: `count` is a lower bound, `count_capped` says
        so, and `next` follows the rows."""
        self.offset = self.get_offset(request)
        page, self.count, self.count_capped = page_and_one_more(queryset, self.offset, self.limit)
        self.page_length = len(page)
        return page

    def get_paginated_response(self, data):
        if self._cursor is not None:
            return self._cursor.get_paginated_response(data)
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        # A cursor page has no `count` (counting defeats the point of a cursor).
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["required"] = ["results"]
        response_schema["properties"]["count"]["description"] = (
            f"Offset pages only. At most {COUNT_LIMIT:,} unless `count=exact`; for a "
            "search of a common term, the rows up to this page and one more."
        )
        response_schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when `count` is a lower bound: there are more rows than "
            f"{COUNT_LIMIT:,}, or (a common term's search) than this page reaches.",
        }
        response_schema["properties"]["facets"] = {
            "type": "object",
            "description": "With `?facets=`: for each field named, the records under the "
            "same filters by value, the most frequent first (`value` null: none, or a "
            "record you may not see).",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": {"nullable": True},
                        "label": {"type": "string", "nullable": True},
                        "count": {"type": "integer", "minimum": 1},
                    },
                    "required": ["value", "label", "count"],
                },
            },
        }
        return response_schema

    def get_schema_operation_parameters(self, view):
        return [parameter.openapi() for parameter in PAGINATION]

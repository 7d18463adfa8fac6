"""`/api/v1/search/?q=`: one query across every kind of record, ranked by relevance."""

import functools
from collections import defaultdict

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.reading import PARENT, BriefLink, Columns, Reading, RelatedRows, has_column
from nkhr.api.registry import is_covered_by_concrete_route
from nkhr.api.viewsets import ERRORS
from nkhr.search import searching_as, sharing_candidates
from nkhr.text import compact, name_key

PER_KIND_LIMIT = 25
# Rows each searched column contributes before ranking: a few top hits per kind are shown,
# exact names always among them (`nkhr.search.key_condition`).
CANDIDATES = 500
MAX_RESULTS = 100


def relevance(query: str, names: list[str]) -> int:
    """3 for an exact name, 2 for a name that starts with the query, 1 for any other match."""
    folded, compacted = name_key(query), compact(query)
    best = 1
    for name in names:
        for key, wanted in ((name_key(name), folded), (compact(name), compacted)):
            if key == wanted:
                return 3
            if key.startswith(wanted):
                best = 2
    return best


# The columns a hit's relevance is judged on, where its model has them (and its aliases).
NAMED_BY = ("name", "title", "short_title", "symbol", "bill_number")


class HitReader:
    """A kind's hits as `.values()` rows: the brief link's columns and the names ranked,
    without model instances (a designation would bring its four linked records)."""

    def __init__(self, model):
        self.columns = Columns()
        self.link = BriefLink(model, "", self.columns, "pk")
        self.names = [self.columns.add(field) for field in NAMED_BY if has_column(model, field)]
        self.aliases = RelatedRows(model, "aliases") if hasattr(model, "aliases") else None

    def hits(self, matches, reading: Reading) -> list[tuple[dict, list[str]]]:
        """Each matching record's brief link and the names it goes by."""
        rows = list(matches.values(*self.columns.names))
        aliases = defaultdict(list)
        if self.aliases is not None and rows:
            for alias in self.aliases.fetch([row["pk"] for row in rows], ["name"]):
                aliases[alias[PARENT]].append(alias["name"])
        return [
            (
                self.link(row, reading),
                [row[column] for column in self.names if row[column]] + aliases[row["pk"]],
            )
            for row in rows
        ]


@functools.cache
def hit_reader(model) -> HitReader:
    return HitReader(model)


class SearchView(APIView):
    """Search every resource at once; each hit says which resource and kind it is."""

    permission_classes = [ReadOnlyViewPermission]
    # (resource, viewset) pairs, set by nkhr.api.urls
    resources: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to look for."),
            OpenApiParameter("type", str, description="Only this resource (e.g. `actors`)."),
        ],
        responses={
            200: inline_serializer(
                "SearchResults",
                {
                    "count": serializers.IntegerField(),
                    "results": inline_serializer(
                        "SearchHit",
                        {
                            "resource": serializers.CharField(),
                            "id": serializers.CharField(),
                            "url": serializers.URLField(),
                            "name": serializers.CharField(),
                            "kind": serializers.CharField(),
                            "score": serializers.IntegerField(),
                        },
                        many=True,
                    ),
                },
            ),
            400: OpenApiResponse(description="`q` missing or `type` unknown."),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        query = request.query_params.get("q", "").strip()
        wanted = request.query_params.get("type")
        known = {resource for resource, _ in self.resources}
        if not compact(query):
            raise serializers.ValidationError({"q": ["Give something to search for."]})
        if "\x00" in query:
            # PostgreSQL cannot take a NUL in a string; no name contains one anyway.
            raise serializers.ValidationError({"q": ["Null characters are not allowed."]})
        if wanted and wanted not in known:
            raise serializers.ValidationError({"type": [f"Unknown type; one of {sorted(known)}."]})
        reading = Reading(request)
        searched = self._searched(wanted)
        linked = set().union(*(viewset.filterset_class.linked_models() for _, viewset in searched))
        hits = []
        with sharing_candidates(linked), searching_as(request.user):
            for resource, viewset in searched:
                hits += self._hits(resource, viewset, query, reading)
        hits.sort(key=lambda hit: (-hit["score"], hit["name"].casefold(), hit["id"]))
        hits = hits[:MAX_RESULTS]
        return Response({"count": len(hits), "results": hits})

    def _searched(self, wanted: str | None) -> list:
        if wanted:
            return [
                (resource, viewset) for resource, viewset in self.resources if resource == wanted
            ]
        # A regime is found once, as an instrument linked to its own route.
        return [
            (resource, viewset)
            for resource, viewset in self.resources
            if not is_covered_by_concrete_route(viewset.queryset.model)
        ]

    def _hits(self, resource, viewset, query, reading) -> list[dict]:
        filterset_class = viewset.filterset_class
        matches = viewset.queryset.visible_to(self.request.user)
        condition = filterset_class.search_condition(query, candidates=CANDIDATES)
        if condition is not None:
            matches = matches.filter(condition)
        # The closest names first, so that an exact "Kim" is among the kind's few hits
        # however many names contain "kim"; the resource's own order breaks ties.
        ordering = list(matches.query.order_by) or list(matches.model._meta.ordering)
        matches = matches.order_by(filterset_class.search_rank(query), *ordering, "pk")
        return [
            {"resource": resource, **link, "score": relevance(query, names)}
            for link, names in hit_reader(matches.model).hits(matches[:PER_KIND_LIMIT], reading)
        ]

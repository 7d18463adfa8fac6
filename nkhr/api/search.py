"""`/api/v1/search/?q=`: one query across every kind of record, ranked by relevance."""

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
from nkhr.api.registry import brief, is_covered_by_concrete_route
from nkhr.api.viewsets import ERRORS
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


def searchable_names(record) -> list[str]:
    names = [
        getattr(record, attr, "")
        for attr in ("name", "title", "short_title", "symbol", "bill_number")
    ]
    aliases = getattr(record, "aliases", None)
    if aliases is not None:
        names += [alias.name for alias in aliases.all()]
    return [name for name in names if name]


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
        hits = []
        for resource, viewset in self.resources:
            if wanted and resource != wanted:
                continue
            if not wanted and is_covered_by_concrete_route(viewset.queryset.model):
                continue  # a regime is found once, as an instrument linked to its own route
            filterset_class = viewset.filterset_class
            # The resource's joins (a designation is named by its target and regime), not
            # its prefetches: a hit needs its name, not its rows.
            queryset = viewset.queryset.prefetch_related(None).visible_to(request.user)
            if hasattr(queryset.model, "aliases"):
                queryset = queryset.prefetch_related("aliases")
            filterset = filterset_class(data={}, queryset=queryset, request=request)
            condition = filterset.search_condition(query, candidates=CANDIDATES)
            matches = queryset if condition is None else queryset.filter(condition)
            # The closest names first, so that an exact "Kim" is among the kind's few hits
            # however many names contain "kim"; the resource's own order breaks ties.
            ordering = list(matches.query.order_by) or list(matches.model._meta.ordering)
            matches = matches.order_by(filterset.search_rank(query), *ordering, "pk")
            matches = matches[:PER_KIND_LIMIT]
            for record in matches:
                hit = brief(record, request)
                hits.append(
                    {
                        "resource": resource,
                        **hit,
                        "score": relevance(query, searchable_names(record)),
                    }
                )
        hits.sort(key=lambda hit: (-hit["score"], hit["name"].casefold(), hit["id"]))
        hits = hits[:MAX_RESULTS]
        return Response({"count": len(hits), "results": hits})

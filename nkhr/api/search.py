"""`/api/v1/search/?q=`: one query across every kind of record, ranked by relevance."""

import functools

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from nkhr.api.parameters import FORMAT, Parameter, as_flag, check
from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.reading import BriefLink, Columns, Reading
from nkhr.api.registry import is_covered_by_concrete_route
from nkhr.api.viewsets import ERRORS
from nkhr.db import serial_plans
from nkhr.matching import Match, Query, best_match, parse
from nkhr.models.publication import can_view_unpublished
from nkhr.search import document_query, searching_as, sharing_candidate_ids
from nkhr.text import compact

PER_KIND_LIMIT = 25
# Rows each searched column contributes before ranking: a few top hits per kind are shown,
# exact names always among them (`nkhr.search.ranked_candidates`).
CANDIDATES = 500
# Candidates of a kind scored, the closest keys first (`DocumentQuery.rank`).
SCORED = 200
MAX_RESULTS = 100
# Below this best score, nothing matched a whole word: keys like the query's (typos) are
# looked for as well.
SIMILAR_BELOW = 0.6


# Longer queries are not names; their rotations alone would be costly to look for.
MAX_QUERY_LENGTH = 200
EXPLAIN = Parameter(
    "explain",
    as_flag,
    {"type": "boolean"},
    "Say for each hit which of its names matched, and how (true/false or 1/0).",
)
# What the search takes (`nkhr.api.parameters`); `q` and `type` are read below.
SEARCH_PARAMETERS = [FORMAT, Parameter("q"), Parameter("type"), EXPLAIN]


def merged(first: list, second: list) -> list:
    """Two passes' hits, each record once with its better score, best first."""
    best = {}
    for hit in (*first, *second):
        key = (hit[1], hit[2]["id"])
        if key not in best or hit[0].score > best[key][0].score:
            best[key] = hit
    return sorted(best.values(), key=_hit_order)


def _hit_order(hit) -> tuple:
    return (-hit[0].score, hit[2]["name"].casefold(), hit[2]["id"])


class HitReader:
    """A kind's hits as `.values()` rows: the brief link's columns, without model instances
    (a designation would bring its four linked records)."""

    def __init__(self, model):
        self.columns = Columns()
        self.link = BriefLink(model, "", self.columns, "pk")

    def links(self, model, pks, reading: Reading) -> dict:
        rows = model._base_manager.filter(pk__in=pks).values(*self.columns.names)
        return {row["pk"]: self.link(row, reading) for row in rows}


@functools.cache
def hit_reader(model) -> HitReader:
    return HitReader(model)


def scored(matches, query: Query, hidden: bool, limit: int) -> list[tuple[object, Match]]:
    """The `limit` best of `matches` (a queryset of candidates) for the query: each
    candidate's document scored (`nkhr.matching.best_match`); ties by the list's order."""
    rows = matches.values_list("pk", "search_names")[:SCORED]
    found = []
    for position, (pk, entries) in enumerate(rows):
        match = best_match(query, entries or (), hidden=hidden)
        if match is not None:
            found.append((-match.score, position, pk, match))
    found.sort(key=lambda item: item[:2])
    return [(pk, match) for _, _, pk, match in found[:limit]]


class SearchView(APIView):
    """Search every resource at once; each hit says which resource and kind it is."""

    permission_classes = [ReadOnlyViewPermission]
    # (resource, viewset) pairs, set by nkhr.api.urls
    resources: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="What to look for."),
            OpenApiParameter("type", str, description="Only this resource (e.g. `actors`)."),
            OpenApiParameter("explain", bool, description=EXPLAIN.description),
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
                            "score": serializers.FloatField(
                                help_text="How well the hit matches, from 0 to 1."
                            ),
                            "matched": inline_serializer(
                                "SearchMatch",
                                {
                                    "name": serializers.CharField(),
                                    "field": serializers.CharField(),
                                    "kind": serializers.CharField(),
                                    "how": serializers.CharField(),
                                    "score": serializers.FloatField(),
                                },
                                required=False,
                                help_text="With `explain=1`: the name that matched, its "
                                "field and kind, and how it matched.",
                            ),
                        },
                        many=True,
                    ),
                },
            ),
            400: OpenApiResponse(
                description="`q` missing, `type` unknown, `explain` not true/false, or an "
                "unknown parameter."
            ),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        explain = check(request, SEARCH_PARAMETERS).get("explain", False)
        query = request.query_params.get("q", "").strip()
        wanted = request.query_params.get("type")
        known = {resource for resource, _ in self.resources}
        if not compact(query):
            raise serializers.ValidationError({"q": ["Give something to search for."]})
        if "\x00" in query:
            # PostgreSQL cannot take a NUL in a string; no name contains one anyway.
            raise serializers.ValidationError({"q": ["Null characters are not allowed."]})
        if len(query) > MAX_QUERY_LENGTH:
            raise serializers.ValidationError({"q": [f"At most {MAX_QUERY_LENGTH} characters."]})
        if wanted and wanted not in known:
            raise serializers.ValidationError({"type": [f"Unknown type; one of {sorted(known)}."]})
        results = []
        for match, resource, link in search_hits(request, query, wanted):
            hit = {"resource": resource, **link, "score": match.score}
            if explain:
                hit["matched"] = match.explain()
            results.append(hit)
        return Response({"count": len(results), "results": results})

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

    def _hits(self, searched, query, parsed, hidden, reading, similar) -> list:
        hits = []
        for resource, viewset in searched:
            filterset_class = viewset.filterset_class
            matches = viewset.queryset.visible_to(self.request.user)
            # Keys like the query's come closest first (SQLite's FTS5 ranks them) and are
            # all scored: more than SCORED would be cut in the list's order, not theirs.
            condition = filterset_class.ranked_candidates(
                query, SCORED if similar else CANDIDATES, similar=similar, enough=SCORED
            )
            if condition is None:
                continue
            # The closest keys first, so that an exact "Kim" is among the scored candidates
            # however many names contain "kim"; the resource's own order breaks ties.
            ordering = list(matches.query.order_by) or list(matches.model._meta.ordering)
            matches = matches.filter(condition).order_by(
                document_query(matches.model).rank(query), *ordering, "pk"
            )
            best = scored(matches, parsed, hidden, PER_KIND_LIMIT)
            links = hit_reader(matches.model).links(matches.model, [pk for pk, _ in best], reading)
            hits += [(match, resource, links[pk]) for pk, match in best if pk in links]
        hits.sort(key=_hit_order)
        return hits


def search_hits(request, query: str, wanted: str | None = None) -> list:
    """`(match, resource, brief link)` of the best hits of `query` (checked as `SearchView`
    checks it) for `request`'s user, best first: what `/api/v1/search/` answers, for every
    reader of the same engine (the public explorer too)."""
    view = SearchView()
    view.request = request
    reading = Reading(request)
    searched = view._searched(wanted)
    parsed = parse(query)
    hidden = can_view_unpublished(request.user)
    # Tens of small index lookups, one per kind and term: planned without parallel
    # workers, whose start cost more than most of them (`nkhr.db.serial_plans`). Screening
    # (`/match`) keeps them: its trigram scans of a million names gain from them.
    with searching_as(request.user), sharing_candidate_ids(), serial_plans():
        hits = view._hits(searched, query, parsed, hidden, reading, similar=False)
        if not hits or hits[0][0].score < SIMILAR_BELOW:
            hits = merged(hits, view._hits(searched, query, parsed, hidden, reading, similar=True))
    return hits[:MAX_RESULTS]

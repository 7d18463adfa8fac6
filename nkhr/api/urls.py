"""`/api/v1/`: every resource, search, match, the OpenAPI schema and its browsable docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import APIRootView, DefaultRouter

from nkhr.api.changes import ChangesView
from nkhr.api.dumps import DumpFileView, DumpListView
from nkhr.api.export import ExportView, FollowTheMoneyExportView
from nkhr.api.match import MatchView
from nkhr.api.pending import pending_urls
from nkhr.api.search import SearchView
from nkhr.api.stats import StatsView
from nkhr.concurrency import SAFE_METHODS, reads_in_autocommit
from nkhr.models.publication import can_view_unpublished
from nkhr.registry import record_types

app_name = "api"

# (URL prefix, viewset, route basename) of every record type (nkhr/registry.py), in the
# registry's order; the prefixes are the API's fixed resource names.
RESOURCES = [
    (record_type.prefix, record_type.viewset, record_type.basename)
    for record_type in record_types()
]


class RootView(APIRootView):
    """The resources of NKHR Records, with search, the schema and the docs."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for name in (
            "search",
            "match",
            "stats",
            "export",
            "export-ftm",
            "dumps",
            "changes",
            "schema",
            "docs",
        ):
            response.data[name] = reverse(f"api:{name}", request=request)
        if can_view_unpublished(request.user):
            # Changes to published records waiting for review: the staff's to read.
            response.data["pending-changes"] = reverse("api:pending-change-list", request=request)
        return Response(response.data)


class Router(DefaultRouter):
    APIRootView = RootView


router = Router()
for prefix, viewset, basename in RESOURCES:
    router.register(prefix, viewset, basename=basename)
SearchView.resources = ExportView.resources = [
    (prefix, viewset) for prefix, viewset, _ in RESOURCES
]

urlpatterns = [
    # Reads that never wait for a writer on SQLite (the resources' viewsets do the same).
    path("search/", reads_in_autocommit(SearchView.as_view()), name="search"),
    # Screening by example: a POST that only reads.
    path(
        "match/",
        reads_in_autocommit(MatchView.as_view(), reading_methods=SAFE_METHODS | {"POST"}),
        name="match",
    ),
    path("stats/", reads_in_autocommit(StatsView.as_view()), name="stats"),
    path("export/", reads_in_autocommit(ExportView.as_view()), name="export"),
    path(
        "export/ftm/",
        reads_in_autocommit(FollowTheMoneyExportView.as_view()),
        name="export-ftm",
    ),
    path("dumps/", reads_in_autocommit(DumpListView.as_view()), name="dumps"),
    path("dumps/<str:name>", reads_in_autocommit(DumpFileView.as_view()), name="dump-file"),
    # The change feed: its reads sequence what has committed (a short write, nkhr/changes.py).
    path("changes/", reads_in_autocommit(ChangesView.as_view()), name="changes"),
    *pending_urls(),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script from ?script, not inline: the page runs
    # under the Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    *router.urls,
]

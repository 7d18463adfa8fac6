"""The explorer's pages. Each reads through explorer/records.py, explorer/timeline.py, the
API's search engine and the cached aggregates (nkhr/stats.py), as the public: a record that
is not published is never shown, named, linked or counted."""

import datetime
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from explorer import charts, facets, relations, timeline
from explorer.records import (
    citations_of,
    many_to_many,
    name_of,
    official_name,
    page_queryset,
    page_url,
    record_type_by_prefix,
    referenced_by,
    rows_of,
    url_of,
    values_of,
    wordings_of,
)
from explorer.relations import relations_of
from mechanisms.models import Mechanism, Report
from nkhr.api.search import MAX_QUERY_LENGTH, search_hits
from nkhr.matching import parse
from nkhr.models import Actor, Instrument
from nkhr.registry import record_types
from nkhr.stats import (
    PUBLIC,
    STATS,
    cached,
    cached_only,
    counts_by_type,
    per_year,
    stats_for,
)
from nkhr.text import compact

PAGE_SIZE = 50
LATEST = 10

# How a name matched a search (nkhr.matching), in plain words.
HOW = {
    "exact": _("the same name, however written"),
    "all words": _("every word searched for"),
    "last word begun": _("every word searched for, the last as the start of a word"),
    "part": _("part of a name"),
    "similar": _("a similar name"),
    "in text": _("in the text"),
}
# The same, said of a query of one word (as nkhr.matching reads its words).
ONE_WORD = {
    "all words": _("the word searched for"),
    "last word begun": _("the start of a word"),
}
MATCHED_KIND = {
    "name": _("name"),
    "alias": _("alias"),
    "abbreviation": _("abbreviation"),
    "symbol": _("symbol or number"),
    "link": _("linked record"),
    "text": _("text"),
}


class AsPublic:
    """`request` as an anonymous visitor makes it: the explorer shows the public's view
    to everyone, a signed-in curator included (drafts are for the admin)."""

    def __init__(self, request):
        self._request = request
        self.user = AnonymousUser()

    def __getattr__(self, name):
        return getattr(self._request, name)


def public_stats() -> dict:
    return stats_for(audience=PUBLIC)


def type_rows(stats: dict) -> list[dict]:
    counts = counts_by_type(stats)
    return [
        {
            "prefix": record_type.prefix,
            "name": record_type.model._meta.verbose_name_plural,
            "count": counts.get(record_type.prefix, 0),
        }
        for record_type in record_types()
    ]


def _latest() -> list[dict]:
    """The public records changed last, across types: one query per type."""
    found = []
    for record_type in record_types():
        model = record_type.model
        if model._meta.proxy:
            continue  # its records are its concrete type's
        for record in page_queryset(model).order_by("-updated", "pk")[:LATEST]:
            found.append(
                {
                    "updated": record.updated,
                    "url": url_of(record),
                    "name": name_of(record),
                    "type": model._meta.label,
                }
            )
    found.sort(key=lambda row: (row["updated"], row["url"]), reverse=True)
    return found[:LATEST]


@require_safe
def home(request):
    stats = public_stats()
    years = per_year(stats["years"], lambda row: "all")
    activity = charts.stacked(
        "activity",
        _("Records per year"),
        _("Dated records of every type, each year."),
        {str(_("records")): years.get("all", {})},
    )
    return render(
        request,
        "explorer/home.html",
        {
            "types": type_rows(stats),
            "latest": [
                {**row, "type": apps.get_model(row["type"])._meta.verbose_name}
                for row in cached("explorer:latest", PUBLIC, _latest)
            ],
            "activity": activity,
            "recent": cached("explorer:recent", PUBLIC, timeline.recent),
        },
    )


def _search_error(query: str) -> str:
    if not compact(query):
        return ""
    if "\x00" in query:
        return _("Null characters are not allowed.")
    if len(query) > MAX_QUERY_LENGTH:
        return _("At most %(count)d characters.") % {"count": MAX_QUERY_LENGTH}
    return ""


def _search_url(query: str, chosen: dict[str, str], **changed) -> str:
    """The search page's query string: `query` with the `chosen` narrowing, `changed`."""
    params = {"q": query, **chosen, **changed}
    return "?" + urlencode({name: value for name, value in params.items() if value})


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()
    known = {record_type.prefix: record_type for record_type in record_types()}
    chosen = {name: request.GET.get(name, "").strip() for name in facets.DIMENSIONS}
    if chosen["type"] not in known:
        chosen["type"] = ""
    error = _search_error(query)
    hits, dimensions = [], []
    if compact(query) and not error:
        found = [
            {"match": match, "resource": resource, "id": brief["id"], "brief": brief}
            for match, resource, brief in search_hits(AsPublic(request), query)
        ]
        shown, dimensions = facets.narrow(found, known, chosen)
        how = {**HOW, **ONE_WORD} if len(parse(query).keys) == 1 else HOW
        for dimension in dimensions:
            dimension.clear = _search_url(query, chosen, **{dimension.name: ""})
            for entry in dimension.values:
                entry["url"] = _search_url(query, chosen, **{dimension.name: entry["value"]})
        for hit in shown:
            explained = hit["match"].explain()
            brief = hit["brief"]
            model = known[hit["resource"]].model
            hits.append(
                {
                    "url": page_url(model, brief["id"], brief.get("kind")),
                    "name": brief["name"],
                    "type": model._meta.verbose_name,
                    "matched": explained["name"],
                    "matched_kind": MATCHED_KIND.get(explained["kind"], explained["kind"]),
                    "how": how.get(explained["how"], explained["how"]),
                    "score": explained["score"],
                }
            )
    status = 400 if error else 200
    return render(
        request,
        "explorer/search.html",
        {
            "query": query,
            "chosen": chosen,
            "narrowed": any(chosen.values()),
            "clear_all": _search_url(query, {}),
            "hits": hits,
            "dimensions": dimensions,
            "error": error,
            "searched": bool(compact(query)),
            "nav": "search",
        },
        status=status,
    )


@require_safe
def record_list(request, prefix):
    record_type = record_type_by_prefix(prefix)
    if record_type is None:
        raise Http404
    model = record_type.model
    paginator = Paginator(page_queryset(model).order_by(*_ordering(model)), PAGE_SIZE)
    # The type's published records as the cached aggregates count them (`nkhr.stats`):
    # counting a million designations for each page cost 170 ms. When they are not cached
    # (all of them take seconds at that size), the page's own count, cached the same way
    # until the next change the public sees.
    stats = cached_only(STATS, PUBLIC)
    if stats is not None:
        paginator.count = counts_by_type(stats)[prefix]
    else:
        paginator.count = cached(f"explorer:count:{prefix}", PUBLIC, paginator.object_list.count)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "explorer/list.html",
        {
            "record_type": record_type,
            "name": model._meta.verbose_name_plural,
            "page": page,
            "records": [(url_of(record), name_of(record)) for record in page],
        },
    )


def _ordering(model) -> list[str]:
    return [*(model._meta.ordering or []), "pk"]


@require_safe
def record(request, prefix, pk):
    record_type = record_type_by_prefix(prefix)
    if record_type is None:
        raise Http404
    model = record_type.model
    try:
        obj = page_queryset(model).get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None
    canonical = url_of(obj)
    return render(
        request,
        "explorer/record.html",
        {
            "record": obj,
            "record_type": record_type,
            "type_name": model._meta.verbose_name,
            "name": name_of(obj),
            "official_name": official_name(obj),
            "wordings": wordings_of(obj),
            "canonical": canonical,
            # The heading names it already.
            "values": [
                value for value in values_of(obj) if value.text != name_of(obj) or value.link
            ],
            "linked": many_to_many(obj),
            "rows": rows_of(obj, listed=relations.LISTED),
            "relations": relations_of(obj),
            "references": referenced_by(obj),
            "citations": citations_of(obj),
            "accessed": datetime.date.today(),
            "api_url": f"/api/v1/{record_type.prefix}/{obj.pk}/",
        },
    )


@require_safe
def timeline_page(request):
    kind = request.GET.get("kind", "")
    if kind not in timeline.KINDS:
        kind = ""
    actor = request.GET.get("actor", "")
    actors = cached("explorer:timeline-actors", PUBLIC, _timeline_actors)
    if actor != timeline.UN and actor not in {a["id"] for a in actors}:
        actor = ""
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1000 <= int(year) <= 9999 else None
    if year:
        found = timeline.items(kind=kind, actor=actor, year=year)
    else:
        # The latest items, oldest of them first.
        found = timeline.items(kind=kind, actor=actor, newest=True)
        found = found[-timeline.LIMIT :]
    years = sorted(per_year(public_stats()["years"], lambda row: "all").get("all", {}))
    return render(
        request,
        "explorer/timeline.html",
        {
            "periods": timeline.by_period(found),
            "count": len(found),
            "streams": timeline.STREAMS,
            "kind": kind,
            "actor": actor,
            "actors": actors,
            "year": year,
            "un": timeline.UN,
            "limit": timeline.LIMIT,
            "years": years,
            "nav": "timeline",
        },
    )


# Kinds of actor the timeline can be narrowed to one of: those that act in it.
ACTING = (
    Actor.Kind.UN_BODY,
    Actor.Kind.UN_OFFICE,
    Actor.Kind.STATE,
    Actor.Kind.INTERGOVERNMENTAL,
    Actor.Kind.GOVERNMENT,
    Actor.Kind.MINISTRY,
    Actor.Kind.AGENCY,
    Actor.Kind.DEPARTMENT,
    Actor.Kind.LEGISLATURE,
    Actor.Kind.CHAMBER,
)
ACTOR_CHOICES = 200


def _timeline_actors() -> list[dict]:
    actors = page_queryset(Actor).filter(kind__in=ACTING).order_by("name", "pk")
    return [{"id": a.pk, "name": a.name} for a in actors[:ACTOR_CHOICES]]


def kind_labels() -> dict:
    labels = {}
    for prefix, model in (
        ("instruments", Instrument),
        ("mechanisms", Mechanism),
        ("reports", Report),
    ):
        for value, label in model.Kind.choices:
            labels[prefix, value] = str(label)
    return labels


@require_safe
def charts_page(request):
    stats = public_stats()
    return render(
        request,
        "explorer/charts.html",
        {
            "charts": [
                charts.designations_by_authority(stats),
                charts.un_actions(stats, kind_labels()),
                charts.state_party_reports(stats),
                charts.rounds_by_authority(stats),
            ],
            "nav": "charts",
        },
    )


@require_safe
def downloads(request):
    stats = public_stats()
    return render(
        request, "explorer/downloads.html", {"types": type_rows(stats), "nav": "downloads"}
    )


@require_safe
def about(request):
    return render(request, "explorer/about.html", {"nav": "about"})

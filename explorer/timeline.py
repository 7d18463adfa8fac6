"""The timeline of the response: resolutions, mechanisms established, designation rounds,
reports, bill actions, visits, statements and other events, in the order they happened.

Each stream is one query over one model (the public's records, with a public parent where
the item is a row: a bill's action), so the page's queries do not grow with the data.
Items known to the month or the year are placed in their month or year and marked so.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from explorer.dates import partial_date
from explorer.records import is_public, link
from mechanisms.models import Mechanism, Report
from nkhr.dates import DatePrecision
from nkhr.models import Actor, Event, Instrument, LegislativeAction, Publication
from nkhr.models.base import DOCUMENT_FIELDS, PublicRecord
from sanctions.models import DesignationRound

# Items a page shows at most: the latest, unless it shows one year (then each stream's
# first); the years before are a link away.
LIMIT = 200
UN = "un"
UN_KINDS = (Actor.Kind.UN_BODY, Actor.Kind.UN_OFFICE)
RESOLUTION_KINDS = (Instrument.Kind.RESOLUTION, Instrument.Kind.DECISION)


@dataclass(frozen=True)
class Stream:
    """One kind of timeline item: `model`'s records dated by `date`, by the actors at
    `actors` (lookup paths), narrowed by `condition`."""

    key: str
    label: str
    model: type
    date: str
    actors: tuple[str, ...]
    condition: Q = field(default_factory=Q)
    select: tuple[str, ...] = ()
    # A row's record, whose page the item links to and which must be public.
    parent: str = ""


STREAMS = [
    Stream(
        "resolution",
        _("Resolutions and decisions"),
        Instrument,
        "adopted",
        ("adopted_by",),
        Q(kind__in=RESOLUTION_KINDS),
        ("adopted_by",),
    ),
    Stream(
        "instrument",
        _("Treaties, regimes and other instruments"),
        Instrument,
        "adopted",
        ("adopted_by",),
        ~Q(kind__in=RESOLUTION_KINDS),
        ("adopted_by",),
    ),
    Stream(
        "mechanism",
        _("Mechanisms established"),
        Mechanism,
        "established",
        ("parent_body", "actor"),
        select=("parent_body",),
    ),
    Stream(
        "designations",
        _("Designation rounds"),
        DesignationRound,
        "announced",
        ("authority",),
        select=("authority",),
    ),
    Stream("report", _("Reports"), Report, "date", ("author", "publisher"), select=("author",)),
    Stream(
        "bill",
        _("Bill actions"),
        LegislativeAction,
        "date",
        ("actor", "legislation__legislature", "legislation__sponsors"),
        select=("legislation", "actor"),
        parent="legislation",
    ),
    Stream(
        "event",
        _("Visits, statements and events"),
        Event,
        "start",
        ("participants",),
    ),
]
KINDS = {stream.key: stream for stream in STREAMS}


@dataclass
class Item:
    date: object
    stream: Stream
    link: object
    kind: str
    by: object = None


def actor_condition(stream: Stream, actors: list[str]) -> Q:
    """Items of `stream` by one of `actors` (public ids): the ids each of the stream's actor
    paths gives, as one `IN (… UNION ALL …)`. Joined as an OR, the paths through a bill's
    legislature and sponsors made PostgreSQL join and deduplicate every bill action (200 ms
    at a million records); the ids written out let it estimate each path by its index."""
    manager = stream.model._default_manager
    first, *rest = [
        manager.filter(**{f"{path}__in": actors}).order_by().values("pk") for path in stream.actors
    ]
    return Q(pk__in=first.union(*rest, all=True) if rest else first)


def actors_meant(actor: str) -> list[str]:
    """The public ids `actor` stands for: the UN's bodies and offices for `un` (one query)."""
    if actor != UN:
        return [actor]
    return list(Actor.objects.filter(kind__in=UN_KINDS).order_by().values_list("pk", flat=True))


def recent(count: int = 8) -> list[Item]:
    """The `count` latest items, newest first (one query per stream)."""
    found = items(limit=count, newest=True)
    return list(reversed(found))[:count]


def items(
    kind: str = "", actor: str = "", year: int | None = None, limit=LIMIT, newest=False
) -> list[Item]:
    """The timeline's items, oldest first (the first `limit` of each stream, or the last
    with `newest`); one query per stream shown."""
    found = []
    actors = actors_meant(actor) if actor else []
    for stream in STREAMS:
        if kind and stream.key != kind:
            continue
        queryset = stream.model._default_manager.filter(stream.condition).filter(
            **{f"{stream.date}__isnull": False}
        )
        prefix = f"{stream.parent}__" if stream.parent else ""
        queryset = queryset.filter(**{f"{prefix}publication": Publication.PUBLISHED})
        if actor:
            queryset = queryset.filter(actor_condition(stream, actors))
        if year:
            queryset = queryset.filter(**{f"{stream.date}__year": year})
        order = (f"-{stream.date}", "-pk") if newest else (stream.date, "pk")
        queryset = queryset.select_related(*stream.select).order_by(*order)
        if issubclass(stream.model, PublicRecord):
            # The search document is not shown, and is the largest part of a row.
            queryset = queryset.defer(*DOCUMENT_FIELDS)
        kinds = _kind_labels(stream.model)
        for record in queryset[:limit]:
            shown = getattr(record, stream.parent) if stream.parent else record
            by = getattr(record, stream.select[0], None) if stream.select else None
            if stream.parent:
                by = record.actor
            found.append(
                Item(
                    date=partial_date(record.partial_date(stream.date)),
                    stream=stream,
                    link=link(shown),
                    kind=kinds.get(getattr(record, "kind", None), ""),
                    by=link(by) if by is not None and is_public(by) else None,
                )
            )
    found.sort(key=lambda item: (item.date.value.date, _precision_order(item), item.link.name))
    return found


def _precision_order(item: Item) -> int:
    # Within a day, month or year: the year's items first, then the month's, then days.
    return {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1}.get(item.date.precision, 2)


def _kind_labels(model) -> dict:
    """Each kind's label, in the reader's language, looked up once a page: Django's
    `get_kind_display()` hashes every lazy label of the choices on each call."""
    try:
        field = model._meta.get_field("kind")
    except FieldDoesNotExist:
        return {}
    return {value: str(label) for value, label in field.flatchoices}


@dataclass
class Period:
    """A year, and in it the items known to the year only and each month's items."""

    year: int
    year_only: list
    months: list


def by_period(found: list[Item]) -> list[Period]:
    periods = []
    for year, in_year in groupby(found, key=lambda item: item.date.value.date.year):
        in_year = list(in_year)
        year_only = [i for i in in_year if i.date.precision == DatePrecision.YEAR]
        dated = [i for i in in_year if i.date.precision != DatePrecision.YEAR]
        months = [
            (month_items[0].date.value.date.replace(day=1), month_items)
            for _, group in groupby(dated, key=lambda item: item.date.value.date.month)
            for month_items in [list(group)]
        ]
        periods.append(Period(year, year_only, months))
    return periods

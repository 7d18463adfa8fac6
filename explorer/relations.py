"""The relations of a person or body, as a structured list: the positions it holds, who
designated it (and under which regime, when), and the bodies it belongs to. Public records
only; three queries, whatever the actor."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from explorer.dates import partial_date
from explorer.records import link
from nkhr.models import Actor, PositionHeld, Publication
from sanctions.models import Designation

PUBLISHED = Publication.PUBLISHED
# Rows listed here, so not again among the page's rows: (model, field pointing at the actor).
LISTED = {(PositionHeld, "person")}
# Bodies above a body shown at most (a ministry's government's state …).
DEPTH = 4
SHOWN = 50


@dataclass
class Relation:
    label: str
    items: list = field(default_factory=list)


@dataclass
class Entry:
    link: object
    detail: list = field(default_factory=list)


def relations_of(record) -> list[Relation]:
    if not isinstance(record, Actor):
        return []
    relations = [
        Relation(_("Positions held"), _positions(record)),
        Relation(_("Designated by"), _designations(record)),
        Relation(_("Belongs to"), _bodies(record)),
    ]
    return [relation for relation in relations if relation.items]


def _positions(actor) -> list[Entry]:
    held = PositionHeld.objects.filter(
        person=actor, publication=PUBLISHED, position__publication=PUBLISHED
    ).select_related("position")[:SHOWN]
    entries = []
    for row in held:
        detail = [
            text % {"date": date}
            for text, date in (
                (_("from %(date)s"), partial_date(row.partial_date("start"))),
                (_("until %(date)s"), partial_date(row.partial_date("end"))),
                (_("as of %(date)s"), partial_date(row.partial_date("as_of"))),
            )
            if date is not None
        ]
        entries.append(Entry(link(row.position), detail))
    return entries


def _designations(actor) -> list[Entry]:
    """One entry per authority: the regimes and dates of its designations of `actor`."""
    designations = (
        Designation.objects.filter(target=actor, publication=PUBLISHED)
        .select_related("authority", "regime")
        .order_by("authority__name", "listed", "pk")[:SHOWN]
    )
    by_authority: dict = {}
    for designation in designations:
        authority = link(designation.authority)
        if authority is None:
            continue
        entry = by_authority.setdefault(authority.name, Entry(authority))
        regime = link(designation.regime)
        listed = partial_date(designation.partial_date("listed"))
        entry.detail.append(
            " · ".join(str(part) for part in (regime.name if regime else "", listed) if part)
        )
    return list(by_authority.values())


def _bodies(actor) -> list[Entry]:
    path = "__".join(["parent"] * DEPTH)
    current = Actor.objects.select_related(path).get(pk=actor.pk)
    entries = []
    for _level in range(DEPTH):
        current = current.parent
        shown = link(current)
        if shown is None:
            break  # nothing above, or a body the public may not see
        entries.append(Entry(shown))
    return entries

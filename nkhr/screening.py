"""Screening by example (`/api/v1/match/`): for each entity described by its names, birth
date and country, the actors most like it, scored in [0, 1], with their designations.

An entity is screened as yente's `/match` screens a FollowTheMoney entity:

* **candidates**: the actors the caller may see whose search document holds one of the
  entity's names (`nkhr.search.ranked_candidates`, a few per name), of the kinds its schema
  allows; the search for names like them (typos) runs only when no candidate matched
  any name well;
* **name score**: each candidate's names compared with each of the entity's names
  (`nkhr.matching.best_match`), the best kept;
* **birth date** (or date of establishment): a date of the entity's that agrees with the
  actor's `established` adds `DATE_AGREES`; dates that all disagree add `DATE_DIFFERS`
  (negative); an actor with no date is not compared. Two partial dates agree when they
  are equal at the coarser of their precisions: "1956" agrees with 1956-03-01, and
  1956-03 with 1956 but not with 1956-04-02;
* **country**: likewise `COUNTRY_AGREES` when the actor's country is one of the entity's
  (nationality, country, jurisdiction), `COUNTRY_DIFFERS` when it is none of them;

the score is `NAME_WEIGHT` times the name score plus both, within [0, 1]: an exact name
alone scores 0.95, with an agreeing birth date 1. What points at each actor found is
listed as its types declare (`Reference.screened` in the registry: a designation with its
regime, authority and measures), read for all the actors of all the entities of a
request at once: a constant number of queries, however many entities are screened.
"""

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from nkhr.api.reading import BriefLink, Columns, Reading, ValuesReader
from nkhr.dates import DatePrecision, PartialDate
from nkhr.db import in_list
from nkhr.matching import Query, best_match, parse
from nkhr.models import Actor
from nkhr.models.publication import can_view_unpublished
from nkhr.registry import record_type_for, references_to
from nkhr.search import document_query, searching_as, sharing_candidate_ids

# A name alone is weighed a little below certainty, so that an agreeing date or country
# can raise even an exact name; what a date or a country that agrees or disagrees adds.
NAME_WEIGHT = 0.95
DATE_AGREES, DATE_DIFFERS = 0.05, -0.15
COUNTRY_AGREES, COUNTRY_DIFFERS = 0.05, -0.15
# Rows each searched column contributes to a name's candidates (`ranked_candidates`' cap),
# and candidates of an entity scored, the closest keys first.
CANDIDATES = 50
SCORED = 100
# Below this best name score nothing matched a whole word: names like the entity's
# (typos) are looked for as well.
SIMILAR_BELOW = 0.6

PERSON, BODY, ANY = "person", "body", "any"
# FollowTheMoney schemas an entity may be given as, and the actors each is screened
# against: people, bodies (every actor but people and positions), or any actor.
SCHEMAS = {
    "Person": PERSON,
    "Organization": BODY,
    "Company": BODY,
    "PublicBody": BODY,
    "LegalEntity": ANY,
    "Thing": ANY,
}
# The FollowTheMoney properties read, by what they are compared with.
NAME_PROPERTIES = ("name", "alias")
DATE_PROPERTIES = ("birthDate", "incorporationDate")
COUNTRY_PROPERTIES = ("nationality", "country", "jurisdiction")
PROPERTIES = (*NAME_PROPERTIES, *DATE_PROPERTIES, *COUNTRY_PROPERTIES)

_PRECISION_PARTS = {DatePrecision.YEAR: 1, DatePrecision.MONTH: 2, DatePrecision.DAY: 3}


@dataclass(frozen=True)
class Entity:
    """An entity to screen: its schema, names, partial dates and countries (ISO alpha-2),
    and the query as given (echoed in the answer)."""

    schema: str
    names: tuple[str, ...]
    dates: tuple[PartialDate, ...] = ()
    countries: frozenset[str] = frozenset()
    given: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def parsed(self) -> tuple[Query, ...]:
        return tuple(parse(name) for name in self.names)


def _schema_condition(schema: str) -> models.Q:
    screened = SCHEMAS[schema]
    if screened == PERSON:
        return models.Q(kind__in=sorted(Actor.PERSON_KINDS))
    if screened == BODY:
        return ~models.Q(kind__in=sorted({*Actor.PERSON_KINDS, Actor.Kind.POSITION}))
    return models.Q()


def _parts(date, precision: str) -> tuple[int, ...]:
    return (date.year, date.month, date.day)[: _PRECISION_PARTS.get(precision, 3)]


def dates_agree(first: PartialDate, second: PartialDate) -> bool:
    """Whether two partial dates are equal at the coarser of their precisions."""
    shown = min(_PRECISION_PARTS.get(p, 3) for p in (first.precision, second.precision))
    first_parts = _parts(first.date, first.precision)[:shown]
    return first_parts == _parts(second.date, second.precision)[:shown]


def date_feature(entity: Entity, established, precision: str) -> float | None:
    """What the entity's dates add for an actor established (or born) then; None when
    either has none."""
    if not entity.dates or established is None:
        return None
    record = PartialDate(established, precision or DatePrecision.DAY)
    if any(dates_agree(date, record) for date in entity.dates):
        return DATE_AGREES
    return DATE_DIFFERS


def country_feature(entity: Entity, country: str) -> float | None:
    """What the entity's countries add for an actor of `country`; None when either has
    none."""
    if not entity.countries or not country:
        return None
    return COUNTRY_AGREES if str(country).upper() in entity.countries else COUNTRY_DIFFERS


class ActorReader:
    """What a candidate is scored by and shown as, read in its candidates' query: its
    brief link's columns, its search document, date and country."""

    def __init__(self):
        self.columns = Columns()
        self.link = BriefLink(Actor, "", self.columns, "pk")
        for name in ("search_names", "established", "established_precision", "country"):
            self.columns.add(name)


@functools.cache
def actor_reader() -> ActorReader:
    return ActorReader()


@dataclass
class Found:
    """A candidate scored for an entity."""

    row: dict
    score: float
    name_score: float
    matched: list
    features: dict
    position: int

    @property
    def order(self):
        return (-self.score, -self.name_score, self.position)


def score_row(entity: Entity, row: dict, hidden: bool, position: int = 0) -> Found | None:
    """The candidate's score for the entity, or None when none of its names matches."""
    entries = row["search_names"] or ()
    matched = []
    for name, parsed in zip(entity.names, entity.parsed, strict=True):
        match = best_match(parsed, entries, hidden=hidden)
        if match is not None:
            matched.append((name, match))
    if not matched:
        return None
    name_score = max(match.score for _, match in matched)
    features = {
        "name": name_score,
        "birth_date": date_feature(entity, row["established"], row["established_precision"]),
        "country": country_feature(entity, row["country"]),
    }
    adjusted = NAME_WEIGHT * name_score + sum(
        value for key, value in features.items() if key != "name" and value
    )
    matched.sort(key=lambda item: -item[1].score)
    return Found(
        row=row,
        score=round(min(1.0, max(0.0, adjusted)), 4),
        name_score=name_score,
        matched=[{"query": name, **match.explain()} for name, match in matched],
        features=features,
        position=position,
    )


def _candidate_rows(entity: Entity, user, similar: bool) -> list[dict]:
    """One query: the entity's candidates the user may see, the closest keys first."""
    filterset = record_type_for(Actor).filterset
    conditions = [
        condition
        for name in entity.names
        if (
            condition := filterset.ranked_candidates(
                name, CANDIDATES, similar=similar, enough=SCORED
            )
        )
        is not None
    ]
    if not conditions:
        return []
    # Records holding a name's key whole first (the first name's, then the next's …).
    document = document_query(Actor)
    ranks = [document.rank(name) for name in entity.names]
    matches = (
        Actor.objects.visible_to(user)
        .filter(_schema_condition(entity.schema))
        .filter(reduce(operator.or_, conditions))
        .order_by(*ranks, *Actor._meta.ordering, "pk")
    )
    return list(matches.values(*actor_reader().columns.names)[:SCORED])


def candidates(entity: Entity, user, hidden: bool) -> list[Found]:
    """The entity's candidates that match one of its names, best first: by the names'
    keys, and as well by keys like them (typos) when none matched well."""
    rows = _candidate_rows(entity, user, similar=False)
    found = _scored(entity, rows, hidden)
    if not found or found[0].name_score < SIMILAR_BELOW:
        seen = {row["pk"] for row in rows}
        alike = [
            row for row in _candidate_rows(entity, user, similar=True) if row["pk"] not in seen
        ]
        found = _scored(entity, rows + alike, hidden)
    return found


def _scored(entity: Entity, rows: list[dict], hidden: bool) -> list[Found]:
    found = [
        scored
        for position, row in enumerate(rows)
        if (scored := score_row(entity, row, hidden, position)) is not None
    ]
    found.sort(key=lambda item: item.order)
    return found


# --- what points at the actors found (`Reference.screened`) -----------------------------


@functools.cache
def screened_reader(reference) -> tuple[ValuesReader, str]:
    """A reader of the pointing type's serializer showing the fields the reference names,
    and the column holding the actor pointed at."""
    record_type = record_type_for(reference.pointing_model)
    base = record_type.serializer
    fields = list(reference.screened)
    meta = type("Meta", (base.Meta,), {"fields": fields})
    nested = {name: parent for name, parent in base.nested_rows.items() if name in fields}
    shown = type(f"Screened{base.__name__}", (base,), {"Meta": meta, "nested_rows": nested})
    view = type("View", (), {"action": "list"})()
    reader = ValuesReader(shown(context={"view": view}))
    if reader.brief is not None or not reader.fields:
        raise ImproperlyConfigured(f"{reference.model}: nothing to show for /match")
    attname = reference.pointing_model._meta.get_field(reference.field).attname
    return reader, reader.columns.add(attname)


def screened_references() -> list:
    return [reference for reference in references_to(Actor) if reference.screened]


def listings(actor_ids, user, reading: Reading) -> dict[str, dict]:
    """For each screened reference (`accessor` -> actor id -> representations), the
    records the user may see pointing at these actors, in their type's order: one query
    for the records with their linked ones by join, one per nested list (measures)."""
    found = {}
    ids = sorted(set(actor_ids))
    for reference in screened_references():
        grouped = defaultdict(list)
        found[reference.accessor] = grouped
        if not ids:
            continue
        reader, parent = screened_reader(reference)
        model = reference.pointing_model
        record_type = record_type_for(model)
        records = (
            record_type.viewset.queryset.visible_to(user)
            .filter(in_list(parent, ids))
            .order_by(*model._meta.ordering, "pk")
        )
        rows = list(reader.values(records))
        for row, shown in zip(rows, reader.read(rows, reading), strict=True):
            grouped[row[parent]].append(shown)
    return found


# --- a batch ------------------------------------------------------------------------------


def screen(entities: dict[str, Entity], request, threshold: float, limit: int) -> dict[str, dict]:
    """Each entity's answer under its id: the query echoed, how many candidates matched
    a name (`total`) and the `limit` best, each with its score, whether it reaches
    `threshold`, the names that matched, the features and what points at it."""
    user = request.user
    hidden = can_view_unpublished(user)
    reading = Reading(request)
    best = {}
    with searching_as(user), sharing_candidate_ids():
        for key, entity in entities.items():
            best[key] = candidates(entity, user, hidden)
    shown_ids = [found.row["pk"] for found_list in best.values() for found in found_list[:limit]]
    listed = listings(shown_ids, user, reading)
    link = actor_reader().link
    responses = {}
    for key, entity in entities.items():
        results = []
        for found in best[key][:limit]:
            brief = link(found.row, reading)
            if brief is None:
                continue
            result = {
                **brief,
                "score": found.score,
                "match": found.score >= threshold,
                "matched": found.matched,
                "features": found.features,
            }
            for accessor, grouped in listed.items():
                result[accessor] = grouped.get(found.row["pk"], [])
            results.append(result)
        responses[key] = {"query": entity.given, "total": len(best[key]), "results": results}
    return responses

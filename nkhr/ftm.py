"""NKHR records as FollowTheMoney entities, the format OpenSanctions-style tools consume.

Each record type maps its own records (its `ftm` in the registry, nkhr/registry.py); the
export chains them in the registry's order. This module has the shared helpers and the
core's mapping: actors become `Person`, `Position`, `PublicBody`, `Organization` or
`Company`, and positions held become `Occupancy` (sanctions/ftm.py maps designations to
`Sanction`). Entity ids are `nkhr-<type>-<public id>`, stable as the public ids are.
"""

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice

from django.contrib.contenttypes.models import ContentType

from nkhr.dates import partial_date_text, with_precisions
from nkhr.db import in_list
from nkhr.models import Actor, Alias, Citation, PositionHeld, Publication
from nkhr.registry import record_types

DATASET_PREFIX = "nkhr"
PUBLISHED = Publication.PUBLISHED

PUBLIC_BODY_KINDS = frozenset(
    {
        Actor.Kind.STATE,
        Actor.Kind.GOVERNMENT,
        Actor.Kind.MINISTRY,
        Actor.Kind.AGENCY,
        Actor.Kind.DEPARTMENT,
        Actor.Kind.LEGISLATURE,
        Actor.Kind.CHAMBER,
        Actor.Kind.COMMITTEE,
        Actor.Kind.PROSECUTOR,
        Actor.Kind.COURT,
        Actor.Kind.UN_BODY,
        Actor.Kind.UN_OFFICE,
    }
)


def entity_id(kind: str, public_id: str) -> str:
    return f"{DATASET_PREFIX}-{kind}-{public_id}"


def schema_for(kind: str) -> str:
    if kind == Actor.Kind.PERSON:
        return "Person"
    if kind == Actor.Kind.POSITION:
        return "Position"
    if kind == Actor.Kind.COMPANY:
        return "Company"
    if kind in PUBLIC_BODY_KINDS:
        return "PublicBody"
    return "Organization"


def date_values(row: dict, name: str) -> list[str]:
    text = partial_date_text(row[name], row[f"{name}_precision"])
    return [text] if text else []


def country_values(code: str) -> list[str]:
    return [code.lower()] if code else []


def entity(schema: str, kind: str, row: dict, properties: dict) -> dict:
    cleaned = {key: [v for v in values if v] for key, values in properties.items()}
    return {
        "id": entity_id(kind, row["id"]),
        "schema": schema,
        "properties": {key: values for key, values in cleaned.items() if values},
        "datasets": [DATASET_PREFIX],
        "last_change": row["updated"].isoformat(),
    }


ACTOR_COLUMNS = (
    "id",
    "updated",
    "name",
    "kind",
    "country",
    "description",
    *with_precisions("established", "dissolved"),
    "url",
    "wikidata_id",
    "parent_id",
    "parent__publication",
)


def actor_entity(actor: dict, aliases: list, source_urls: list, positions: list) -> dict:
    schema = schema_for(actor["kind"])
    properties = {
        "name": [actor["name"]],
        "alias": aliases,
        "country": country_values(actor["country"]),
        "sourceUrl": source_urls,
        "description": [actor["description"]],
    }
    parent = actor["parent_id"]
    if schema == "Person":
        properties["birthDate"] = date_values(actor, "established")
        properties["deathDate"] = date_values(actor, "dissolved")
        properties["position"] = positions
        properties["wikidataId"] = [actor["wikidata_id"]]
    elif schema == "Position":
        properties["organization"] = [entity_id("actor", parent)] if parent else []
        properties["inceptionDate"] = date_values(actor, "established")
        properties["dissolutionDate"] = date_values(actor, "dissolved")
    else:
        properties["incorporationDate"] = date_values(actor, "established")
        properties["dissolutionDate"] = date_values(actor, "dissolved")
        properties["website"] = [actor["url"]]
        properties["wikidataId"] = [actor["wikidata_id"]]
        if parent:
            properties["parent"] = [entity_id("actor", parent)]
    return entity(schema, "actor", actor, properties)


OCCUPANCY_COLUMNS = (
    "id",
    "updated",
    "person_id",
    "position_id",
    *with_precisions("start", "end", "as_of"),
)


def occupancy_entity(held: dict, source_urls: list) -> dict:
    return entity(
        "Occupancy",
        "occupancy",
        held,
        {
            "holder": [entity_id("actor", held["person_id"])],
            "post": [entity_id("actor", held["position_id"])],
            "startDate": date_values(held, "start"),
            "endDate": date_values(held, "end"),
            "date": date_values(held, "as_of"),
            "sourceUrl": source_urls,
        },
    )


CHUNK = 2000


def chunks(queryset, columns) -> Iterator[list[dict]]:
    records = queryset.order_by("pk").values(*columns).iterator(chunk_size=CHUNK)
    while chunk := list(islice(records, CHUNK)):
        yield chunk


def grouped(queryset, parent: str, value: str, ids: list) -> dict[str, list]:
    """`value` of each row of `queryset` whose `parent` is in `ids`, by parent, in order."""
    by_parent = defaultdict(list)
    rows = queryset.filter(in_list(parent, ids)).values_list(parent, value)
    for parent_id, item in rows:
        by_parent[parent_id].append(item)
    return by_parent


class SourceUrls:
    """The URLs of the sources cited by each record of one model, sorted, once each."""

    def __init__(self, model, published_only: bool):
        self.citations = Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).exclude(source__url="")
        if published_only:
            self.citations = self.citations.filter(source__publication=PUBLISHED)

    def of(self, ids: list) -> dict[str, list]:
        by_record = grouped(self.citations, "object_id", "source__url", ids)
        return {record: sorted(set(urls)) for record, urls in by_record.items()}


def entities(published_only: bool = True, since=None) -> Iterator[dict]:
    """Every record type's FollowTheMoney entities, streamed, type after type.

    Each mapping reads values, a chunk at a time, with one query per chunk for each list
    an entity carries. With `published_only`, what is not published (and every link to
    it, and every source the public may not see) stays out, so an entity never points at
    one the reader may not see. With `since`, only what changed from then on.
    """
    for record_type in record_types():
        if record_type.ftm is not None:
            yield from record_type.ftm(published_only=published_only, since=since)


def actor_entities(published_only: bool, since) -> Iterator[dict]:
    """Every actor, then every position held."""
    actors = Actor.objects.all()
    held = PositionHeld.objects.all()
    if published_only:
        actors = actors.published()
        held = held.published().filter(
            person__publication=PUBLISHED, position__publication=PUBLISHED
        )
    if since is not None:
        actors = actors.filter(updated__gte=since)

    cited = SourceUrls(Actor, published_only)
    for chunk in chunks(actors, ACTOR_COLUMNS):
        ids = [actor["id"] for actor in chunk]
        aliases = grouped(Alias.objects.all(), "actor", "name", ids)
        # Every position an actor holds, changed since or not.
        positions = grouped(held, "person", "position__name", ids)
        source_urls = cited.of(ids)
        for actor in chunk:
            if published_only and actor["parent__publication"] not in (None, PUBLISHED):
                actor["parent_id"] = None  # a link to a record the public may not see
            pk = actor["id"]
            yield actor_entity(
                actor, aliases.get(pk, []), source_urls.get(pk, []), positions.get(pk, [])
            )

    if since is not None:
        held = held.filter(updated__gte=since)
    cited = SourceUrls(PositionHeld, published_only)
    for chunk in chunks(held, OCCUPANCY_COLUMNS):
        source_urls = cited.of([occupancy["id"] for occupancy in chunk])
        for occupancy in chunk:
            yield occupancy_entity(occupancy, source_urls.get(occupancy["id"], []))

"""NKHR records as FollowTheMoney entities, the format OpenSanctions-style tools consume.

Actors become `Person`, `Position`, `PublicBody`, `Organization` or `Company`; positions held
become `Occupancy`; designations become `Sanction` with `authority`, `program`,
`listingDate`, `startDate`, `endDate`, `reason` and `sourceUrl`. Entity ids are
`nkhr-<type>-<public id>`, stable as the public ids are.
"""

from collections.abc import Iterator

from nkhr.models import Actor, Citation, PositionHeld, Publication
from nkhr.prefetch import related_rows, rows
from sanctions.models import Designation

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


def schema_for(actor: Actor) -> str:
    if actor.kind == Actor.Kind.PERSON:
        return "Person"
    if actor.kind == Actor.Kind.POSITION:
        return "Position"
    if actor.kind == Actor.Kind.COMPANY:
        return "Company"
    if actor.kind in PUBLIC_BODY_KINDS:
        return "PublicBody"
    return "Organization"


def _source_urls(record) -> list[str]:
    return sorted({c.source.url for c in related_rows(record, "citations") if c.source.url})


def _date(record, name) -> list[str]:
    value = record.partial_date(name)
    return [str(value)] if value else []


def _entity(schema: str, kind: str, record, properties: dict) -> dict:
    cleaned = {key: [v for v in values if v] for key, values in properties.items()}
    return {
        "id": entity_id(kind, record.pk),
        "schema": schema,
        "properties": {key: values for key, values in cleaned.items() if values},
        "datasets": [DATASET_PREFIX],
        "last_change": record.updated.isoformat(),
    }


def actor_entity(actor: Actor) -> dict:
    schema = schema_for(actor)
    aliases = [alias.name for alias in related_rows(actor, "aliases")]
    properties = {
        "name": [actor.name],
        "alias": aliases,
        "country": [actor.country.code.lower()] if actor.country else [],
        "sourceUrl": _source_urls(actor),
        "description": [actor.description],
    }
    if schema == "Person":
        properties["birthDate"] = _date(actor, "established")
        properties["deathDate"] = _date(actor, "dissolved")
        properties["position"] = [
            held.position.name for held in related_rows(actor, "positions_held")
        ]
    elif schema == "Position":
        properties["organization"] = (
            [entity_id("actor", actor.parent_id)] if actor.parent_id else []
        )
        properties["inceptionDate"] = _date(actor, "established")
        properties["dissolutionDate"] = _date(actor, "dissolved")
    else:
        properties["incorporationDate"] = _date(actor, "established")
        properties["dissolutionDate"] = _date(actor, "dissolved")
        properties["website"] = [actor.url]
        properties["wikidataId"] = [actor.wikidata_id]
        if actor.parent_id:
            properties["parent"] = [entity_id("actor", actor.parent_id)]
    if schema == "Person":
        properties["wikidataId"] = [actor.wikidata_id]
    return _entity(schema, "actor", actor, properties)


def occupancy_entity(held: PositionHeld) -> dict:
    return _entity(
        "Occupancy",
        "occupancy",
        held,
        {
            "holder": [entity_id("actor", held.person_id)],
            "post": [entity_id("actor", held.position_id)],
            "startDate": _date(held, "start"),
            "endDate": _date(held, "end"),
            "date": _date(held, "as_of"),
            "sourceUrl": _source_urls(held),
        },
    )


def sanction_entity(designation: Designation) -> dict:
    return _entity(
        "Sanction",
        "sanction",
        designation,
        {
            "entity": [entity_id("actor", designation.target_id)],
            "authority": [designation.authority.name],
            "program": [designation.regime.title],
            "programId": [designation.regime_id],
            "programUrl": [designation.regime.url],
            "authorityId": [designation.reference],
            "listingDate": _date(designation, "listed"),
            "startDate": _date(designation, "listed"),
            "endDate": _date(designation, "delisted"),
            "reason": [designation.basis],
            "provisions": [m.get_measure_display() for m in related_rows(designation, "measures")],
            "country": [designation.authority.country.code.lower()]
            if designation.authority.country
            else [],
            "sourceUrl": _source_urls(designation),
        },
    )


CITATIONS = rows("citations", Citation.objects.select_related("source"))
CHUNK = 2000


def entities(published_only: bool = True, since=None) -> Iterator[dict]:
    """Every actor, position held and designation as FollowTheMoney entities, streamed.

    With `published_only`, what is not published (and every link to it) stays out, so an
    entity never points at one the reader may not see.
    """
    actors = Actor.objects.all()
    held = PositionHeld.objects.all()
    designations = Designation.objects.all()
    if published_only:
        actors = actors.published()
        held = held.published().filter(
            person__publication=PUBLISHED, position__publication=PUBLISHED
        )
        designations = designations.published().filter(
            target__publication=PUBLISHED,
            regime__publication=PUBLISHED,
            authority__publication=PUBLISHED,
        )
    if since is not None:
        actors = actors.filter(updated__gte=since)
        held = held.filter(updated__gte=since)
        designations = designations.filter(updated__gte=since)

    actor_rows = actors.select_related("parent").prefetch_related(
        rows("aliases"), CITATIONS, rows("positions_held", held.select_related("position"))
    )
    for actor in actor_rows.order_by("pk").iterator(chunk_size=CHUNK):
        if published_only and actor.parent_id and actor.parent.publication != PUBLISHED:
            actor.parent_id = None  # a link to a record the public may not see
        yield actor_entity(actor)
    for occupancy in held.prefetch_related(CITATIONS).order_by("pk").iterator(chunk_size=CHUNK):
        yield occupancy_entity(occupancy)
    designation_rows = designations.select_related("authority", "regime").prefetch_related(
        rows("measures"), CITATIONS
    )
    for designation in designation_rows.order_by("pk").iterator(chunk_size=CHUNK):
        yield sanction_entity(designation)

"""NKHR records as FollowTheMoney entities, the format OpenSanctions-style tools consume.

Actors become `Person`, `Position`, `PublicBody`, `Organization` or `Company`; positions held
become `Occupancy`; designations become `Sanction` with `authority`, `program`,
`listingDate`, `startDate`, `endDate`, `reason` and `sourceUrl`. Entity ids are
`nkhr-<type>-<public id>`, stable as the public ids are.
"""

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice

from django.contrib.contenttypes.models import ContentType

from nkhr.dates import partial_date_text, with_precisions
from nkhr.db import in_list
from nkhr.models import Actor, Alias, Citation, PositionHeld, Publication
from sanctions.models import Designation, DesignationMeasure

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


def _date(row: dict, name: str) -> list[str]:
    text = partial_date_text(row[name], row[f"{name}_precision"])
    return [text] if text else []


def _country(code: str) -> list[str]:
    return [code.lower()] if code else []


def _entity(schema: str, kind: str, row: dict, properties: dict) -> dict:
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
        "country": _country(actor["country"]),
        "sourceUrl": source_urls,
        "description": [actor["description"]],
    }
    parent = actor["parent_id"]
    if schema == "Person":
        properties["birthDate"] = _date(actor, "established")
        properties["deathDate"] = _date(actor, "dissolved")
        properties["position"] = positions
        properties["wikidataId"] = [actor["wikidata_id"]]
    elif schema == "Position":
        properties["organization"] = [entity_id("actor", parent)] if parent else []
        properties["inceptionDate"] = _date(actor, "established")
        properties["dissolutionDate"] = _date(actor, "dissolved")
    else:
        properties["incorporationDate"] = _date(actor, "established")
        properties["dissolutionDate"] = _date(actor, "dissolved")
        properties["website"] = [actor["url"]]
        properties["wikidataId"] = [actor["wikidata_id"]]
        if parent:
            properties["parent"] = [entity_id("actor", parent)]
    return _entity(schema, "actor", actor, properties)


OCCUPANCY_COLUMNS = (
    "id",
    "updated",
    "person_id",
    "position_id",
    *with_precisions("start", "end", "as_of"),
)


def occupancy_entity(held: dict, source_urls: list) -> dict:
    return _entity(
        "Occupancy",
        "occupancy",
        held,
        {
            "holder": [entity_id("actor", held["person_id"])],
            "post": [entity_id("actor", held["position_id"])],
            "startDate": _date(held, "start"),
            "endDate": _date(held, "end"),
            "date": _date(held, "as_of"),
            "sourceUrl": source_urls,
        },
    )


SANCTION_COLUMNS = (
    "id",
    "updated",
    "target_id",
    "regime_id",
    "regime__title",
    "regime__url",
    "authority__name",
    "authority__country",
    "reference",
    *with_precisions("listed", "delisted"),
    "basis",
)


def sanction_entity(designation: dict, measures: list, source_urls: list) -> dict:
    return _entity(
        "Sanction",
        "sanction",
        designation,
        {
            "entity": [entity_id("actor", designation["target_id"])],
            "authority": [designation["authority__name"]],
            "program": [designation["regime__title"]],
            "programId": [designation["regime_id"]],
            "programUrl": [designation["regime__url"]],
            "authorityId": [designation["reference"]],
            "listingDate": _date(designation, "listed"),
            "startDate": _date(designation, "listed"),
            "endDate": _date(designation, "delisted"),
            "reason": [designation["basis"]],
            "provisions": measures,
            "country": _country(designation["authority__country"]),
            "sourceUrl": source_urls,
        },
    )


CHUNK = 2000


def _chunks(queryset, columns) -> Iterator[list[dict]]:
    records = queryset.order_by("pk").values(*columns).iterator(chunk_size=CHUNK)
    while chunk := list(islice(records, CHUNK)):
        yield chunk


def _grouped(queryset, parent: str, value: str, ids: list) -> dict[str, list]:
    """`value` of each row of `queryset` whose `parent` is in `ids`, by parent, in order."""
    grouped = defaultdict(list)
    rows = queryset.filter(in_list(parent, ids)).values_list(parent, value)
    for parent_id, item in rows:
        grouped[parent_id].append(item)
    return grouped


class SourceUrls:
    """The URLs of the sources cited by each record of one model, sorted, once each."""

    def __init__(self, model, published_only: bool):
        self.citations = Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(model)
        ).exclude(source__url="")
        if published_only:
            self.citations = self.citations.filter(source__publication=PUBLISHED)

    def of(self, ids: list) -> dict[str, list]:
        grouped = _grouped(self.citations, "object_id", "source__url", ids)
        return {record: sorted(set(urls)) for record, urls in grouped.items()}


def entities(published_only: bool = True, since=None) -> Iterator[dict]:
    """Every actor, position held and designation as FollowTheMoney entities, streamed.

    Read as values, a chunk at a time, with one query per chunk for each list an entity
    carries. With `published_only`, what is not published (and every link to it, and every
    source the public may not see) stays out, so an entity never points at one the reader
    may not see.
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
        designations = designations.filter(updated__gte=since)

    cited = SourceUrls(Actor, published_only)
    for chunk in _chunks(actors, ACTOR_COLUMNS):
        ids = [actor["id"] for actor in chunk]
        aliases = _grouped(Alias.objects.all(), "actor", "name", ids)
        positions = _grouped(held, "person", "position__name", ids)
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
    for chunk in _chunks(held, OCCUPANCY_COLUMNS):
        source_urls = cited.of([occupancy["id"] for occupancy in chunk])
        for occupancy in chunk:
            yield occupancy_entity(occupancy, source_urls.get(occupancy["id"], []))

    labels = dict(DesignationMeasure.Measure.choices)
    cited = SourceUrls(Designation, published_only)
    for chunk in _chunks(designations, SANCTION_COLUMNS):
        ids = [designation["id"] for designation in chunk]
        measures = _grouped(DesignationMeasure.objects.all(), "designation", "measure", ids)
        source_urls = cited.of(ids)
        for designation in chunk:
            pk = designation["id"]
            provisions = [str(labels[measure]) for measure in measures.get(pk, [])]
            yield sanction_entity(designation, provisions, source_urls.get(pk, []))

"""Designations as FollowTheMoney `Sanction` entities (nkhr/ftm.py has the shared parts).

A designation becomes a `Sanction` of its target with `authority`, `program`,
`listingDate`, `startDate`, `endDate`, `reason`, `provisions` and `sourceUrl`.
"""

from collections.abc import Iterator

from nkhr.dates import with_precisions
from nkhr.ftm import (
    PUBLISHED,
    SourceUrls,
    chunks,
    country_values,
    date_values,
    entity,
    entity_id,
    grouped,
)
from sanctions.models import Designation, DesignationMeasure

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
    return entity(
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
            "listingDate": date_values(designation, "listed"),
            "startDate": date_values(designation, "listed"),
            "endDate": date_values(designation, "delisted"),
            "reason": [designation["basis"]],
            "provisions": measures,
            "country": country_values(designation["authority__country"]),
            "sourceUrl": source_urls,
        },
    )


def designation_entities(published_only: bool, since) -> Iterator[dict]:
    """Every designation; published only, one whose target, regime and authority are."""
    designations = Designation.objects.all()
    if published_only:
        designations = designations.published().filter(
            target__publication=PUBLISHED,
            regime__publication=PUBLISHED,
            authority__publication=PUBLISHED,
        )
    if since is not None:
        designations = designations.filter(updated__gte=since)

    labels = dict(DesignationMeasure.Measure.choices)
    cited = SourceUrls(Designation, published_only)
    for chunk in chunks(designations, SANCTION_COLUMNS):
        ids = [designation["id"] for designation in chunk]
        measures = grouped(DesignationMeasure.objects.all(), "designation", "measure", ids)
        source_urls = cited.of(ids)
        for designation in chunk:
            pk = designation["id"]
            provisions = [str(labels[measure]) for measure in measures.get(pk, [])]
            yield sanction_entity(designation, provisions, source_urls.get(pk, []))

"""Each explorer page runs a fixed number of queries, however much it shows: the counts
on the paper's records stay the same once many more records point at what is shown. Home
and charts read cached aggregates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nkhr.models import Actor
from sanctions.models import DesignationRound
from tests.api_base import count_queries
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    DesignationRoundFactory,
    EventFactory,
    EventParticipantFactory,
    SourceFactory,
)

PERSON = "jong-kyong-thaek"
ROUND = "us-treasury-nkspea-designations-2016-2018"
URLS = [
    "/",
    "/charts/",
    "/downloads/",
    "/timeline/",
    "/timeline/?actor=un",
    "/search/?q=Kim+Jong+Un",
    "/actors/",
    f"/actors/{PERSON}/",
    f"/designation-rounds/{ROUND}/",
    "/actors/european-union/",
]


def queries(client, url: str) -> int:
    client.get(url)  # content types and aggregates cached, as on a running server
    return count_queries(client, url)


def grow(times: int = 5) -> None:
    """More of everything the pages list: designations of the person by the EU, aliases,
    occasions of the round, events with participants, citations."""
    person = Actor.objects.get(pk=PERSON)
    eu = Actor.objects.get(pk="european-union")
    total = DesignationRound.objects.get(pk=ROUND)
    for _ in range(times):
        DesignationFactory(target=person, authority=eu, cited__source=SourceFactory())
        AliasFactory(actor=person)
        DesignationRoundFactory(parent=total, regime=total.regime, authority=total.authority)
        event = EventFactory()
        EventParticipantFactory(event=event, actor=person)


def test_query_counts_do_not_grow_with_the_records(client, paper):
    before = {url: queries(client, url) for url in URLS}
    grow()
    after = {url: queries(client, url) for url in URLS}
    assert after == before


@pytest.mark.parametrize("url", ["/", "/charts/", "/downloads/"])
def test_home_and_charts_read_cached_aggregates(client, paper, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Only the request's transaction (ATOMIC_REQUESTS, a savepoint inside the test's).
    assert not [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]


def test_a_list_counts_its_records_once_until_the_public_sees_a_change(client, paper):
    from django.core.cache import cache

    from nkhr.models import Publication

    # (The factory's linked records and sources are published: made before the first count.)
    draft = DesignationFactory(publication=Publication.DRAFT)
    cache.clear()  # no aggregates cached: the list counts its own records

    def counted() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/designations/")
        assert response.status_code == 200
        return [q["sql"] for q in captured if "COUNT(" in q["sql"]]

    assert len(counted()) == 1
    assert counted() == []
    # A draft edited changes nothing the public sees; its publication does.
    draft.reference = "Edited"
    draft.save()
    assert counted() == []
    draft.publication = Publication.PUBLISHED
    draft.save()
    assert len(counted()) == 1

"""What the public may not see never appears in the explorer: a withdrawn, draft or
in-review record is absent from its page, search, counts, charts, the timeline, the
relations and the pages of what it points at or what points at it."""

import pytest

from nkhr.models import Actor, Event, Publication
from nkhr.services import change_publication
from sanctions.models import Designation, DesignationRound
from tests.factories import EventFactory, EventParticipantFactory

PERSON = "jong-kyong-thaek"
EU_DESIGNATION = "eu-global-human-rights-sanctions-regime-jong-kyong-thaek"
MARCH_2016 = "us-treasury-nkspea-designations-2016-03"
PAGES = ["/", "/timeline/", "/charts/", "/downloads/", "/sitemap-actors.xml"]


def html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def withdraw(model, pk):
    record = model.objects.get(pk=pk)
    record.publication = Publication.WITHDRAWN
    record.save()


def actor_count(client) -> int:
    return client.get("/api/v1/stats/").json()["types"][0]["count"]


def test_a_withdrawn_person_disappears_everywhere(client, paper):
    before = actor_count(client)
    assert PERSON in html(client, "/search/", q="Jong Kyong Thaek")
    withdraw(Actor, PERSON)

    assert client.get(f"/actors/{PERSON}/").status_code == 404
    assert f"/actors/{PERSON}/" not in html(client, "/search/", q="Jong Kyong Thaek")
    assert f"/actors/{PERSON}/" not in html(client, "/search/", q="정경택")
    assert actor_count(client) == before - 1
    for url in [*PAGES, "/actors/", "/actors/european-union/"]:
        page = html(client, url)
        assert f"/actors/{PERSON}/" not in page and "Jong Kyong Thaek" not in page, url
    # His position lists no holder, his designation (still published) names no target.
    assert "Jong Kyong Thaek" not in html(client, "/actors/dprk-minister-of-state-security/")
    assert "Jong Kyong Thaek" not in html(client, f"/designations/{EU_DESIGNATION}/")


def test_a_withdrawn_designation_leaves_the_persons_relations_and_the_charts(client, paper):
    assert "Designated by" in html(client, f"/actors/{PERSON}/")
    eu_before = html(client, "/charts/").count("European Union")
    withdraw(Designation, EU_DESIGNATION)
    page = html(client, f"/actors/{PERSON}/")
    assert "Designated by" not in page
    assert EU_DESIGNATION not in page
    assert client.get(f"/designations/{EU_DESIGNATION}/").status_code == 404
    charts = html(client, "/charts/")
    assert "European Union, 2021: 3" not in charts and "European Union, 2021: 2" in charts
    assert charts.count("European Union") <= eu_before


def test_a_withdrawn_round_leaves_the_timeline_and_its_total(client, paper):
    assert "US Treasury human rights designations, March 2016" in html(client, "/timeline/")
    withdraw(DesignationRound, MARCH_2016)
    assert "March 2016" not in html(client, "/timeline/", kind="designations")
    total = html(client, "/designation-rounds/us-treasury-nkspea-designations-2016-2018/")
    assert MARCH_2016 not in total
    assert total.count("US Treasury human rights designations, ") == 5


@pytest.mark.parametrize("state", [Publication.DRAFT, Publication.IN_REVIEW])
def test_drafts_and_records_in_review_never_appear(client, db, state):
    person = EventParticipantFactory().actor
    event = EventFactory(title="Secret consultation", publication=state)
    event.participants.add(person)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert "Secret consultation" not in html(client, f"/actors/{person.pk}/")
    assert "Secret consultation" not in html(client, "/timeline/")
    assert f"/events/{event.pk}/" not in html(client, "/search/", q="Secret consultation")
    assert "Secret consultation" not in html(client, "/")
    assert event.pk not in html(client, "/sitemap-events.xml")
    assert Event.objects.count() == 2


def test_publication_by_an_editor_shows_the_record(client, db, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", password="x")
    event = EventFactory(title="Newly published visit", publication=Publication.IN_REVIEW)
    assert "Newly published visit" not in html(client, "/")
    change_publication(event, "publish", editor)
    assert "Newly published visit" in html(client, "/")
    assert client.get(f"/events/{event.pk}/").status_code == 200


def test_a_signed_in_curator_sees_the_public_explorer(staff_client, db):
    """Drafts are for the admin: the explorer shows everyone what the public sees."""
    event = EventFactory(title="Draft hearing on abductions", publication=Publication.DRAFT)
    found = staff_client.get("/search/", {"q": "Draft hearing on abductions"})
    assert f"/events/{event.pk}/" not in found.content.decode()
    assert staff_client.get(f"/events/{event.pk}/").status_code == 404
    assert "Draft hearing" not in html(staff_client, "/timeline/")


def test_a_wording_from_a_hidden_source_does_not_name_the_source(client, paper):
    from django.utils.html import escape

    from nkhr.models import Source

    paper_source = Source.objects.get(pk="kinu-co22-19")
    title = escape(paper_source.title)
    assert title in html(client, f"/actors/{PERSON}/")
    paper_source.publication = Publication.DRAFT
    paper_source.save()
    page = html(client, f"/actors/{PERSON}/")
    assert title not in page
    assert "As written in a source, section 2.b.(1)" in page

"""API of the core records: sources, actors, instruments, legislation, events, recommendations."""

import datetime

import pytest
from rest_framework.test import APIClient

from nkhr.api.pagination import MAX_LIMIT
from nkhr.models import Actor, Alias, Event, Legislation, Source
from tests.api_base import (
    RecordAPITest,
    analyst_client,
    count_queries,
    if_match,
    result_ids,
    user_with_permissions,
)
from tests.factories import (
    ActorFactory,
    AliasFactory,
    DesignationFactory,
    EventFactory,
    EventParticipantFactory,
    InstrumentFactory,
    InstrumentProvisionFactory,
    LegislationAliasFactory,
    LegislationFactory,
    LegislationRelationFactory,
    LegislativeActionFactory,
    MechanismFactory,
    OrganisationFactory,
    PersonFactory,
    PositionHeldFactory,
    RecommendationFactory,
    ResolutionFactory,
    SourceFactory,
    SponsorshipFactory,
)

JUNE_2015 = {"established": datetime.date(2015, 6, 1), "established_precision": "month"}


class SourceAPITest(RecordAPITest):
    resource = "sources"
    factory = SourceFactory
    has_citations = False
    has_links = False
    filters = {
        "kind": ("un_document", {"kind": "un_document"}),
        "language": ("ko", {"language": "ko"}),
        "published_after": (
            "2022",
            {"published": datetime.date(2022, 6, 9), "published_precision": "day"},
        ),
    }
    search_cases = [
        ("A/HRC/49/74", {"symbol": "A/HRC/49/74"}),
        ("a hrc 49 74", {"symbol": "A/HRC/49/74"}),
        ("kinu online", {"title": "KINU Online Series CO22-19"}),
    ]

    def valid_payload(self):
        return {
            "title": "The International Community's Approach to North Korean Human Rights",
            "kind": "paper",
            "author": "Kim Soo-Am",
            "series": "CO22-19",
            "published": "2022-06-09",
            "document_url": "https://www.kinu.or.kr/",
        }

    def invalid_payloads(self):
        return [
            ({"kind": "paper"}, "title"),
            ({"title": "A paper", "kind": "no-such-kind"}, "kind"),
            ({"title": "A paper", "published": "2022-02-30"}, "published"),
            ({"title": "A paper", "document_url": "not a url"}, "document_url"),
        ]


class ActorAPITest(RecordAPITest):
    resource = "actors"
    factory = ActorFactory
    filters = {
        "kind": ("state", {"kind": "state"}),
        "status": ("dissolved", {"status": "dissolved"}),
        "country": ("KP", {"country": "KP"}),
        "parent": ("api-parent", {"parent": lambda: OrganisationFactory(id="api-parent")}),
        "established_after": ("2015", JUNE_2015),
        "established_before": ("2015-06", JUNE_2015),
    }
    search_cases = [
        ("chong gyong thaek", {"name": "Jong Kyong-thaek"}),
        ("Jŏng Kyŏng T'aek", {"name": "Jong Kyong-thaek"}),
        ("unification", {"name": "Ministry of Unification"}),
    ]

    def make_linked_record(self):
        actor = self.make_record(parent=OrganisationFactory())
        AliasFactory(actor=actor, source=SourceFactory())
        return actor

    def valid_payload(self):
        source = SourceFactory()
        return {
            "name": "Ministry of Unification",
            "kind": "ministry",
            "country": "KR",
            "established": "1969-03",
            "aliases": [{"name": "통일부", "kind": "native", "language": "ko"}],
            "citations": [{"source": source.pk, "section": "2.b.(1)"}],
        }

    def invalid_payloads(self):
        valid = {"name": "Someone", "kind": "person"}
        return [
            ({"kind": "person"}, "name"),
            ({**valid, "kind": "no-such-kind"}, "kind"),
            ({**valid, "established": "1942-13"}, "established"),
            ({**valid, "parent": "no-such-actor"}, "parent"),
            ({**valid, "established": "2000", "dissolved": "1999"}, "non_field_errors"),
            ({**valid, "status": "vacant"}, "non_field_errors"),
            ({**valid, "citations": [{"source": "no-such-source"}]}, "citations"),
            # Rows are written after the record: a bad row must undo the record too.
            ({**valid, "aliases": [{"name": "Twice", "language": "en"}] * 2}, "aliases"),
        ]


class InstrumentAPITest(RecordAPITest):
    resource = "instruments"
    factory = InstrumentFactory
    filters = {
        "kind": ("resolution", {"kind": "resolution"}),
        "status": ("in_force", {"status": "in_force"}),
        "adopted_by": ("api-unga", {"adopted_by": lambda: OrganisationFactory(id="api-unga")}),
        "legal_basis": ("api-law", {"legal_basis": lambda: LegislationFactory(id="api-law")}),
        "adopted_after": ("2017-12", {"adopted": datetime.date(2017, 12, 19)}),
    }
    search_cases = [
        ("A/RES/72/188", {"symbol": "A/RES/72/188"}),
        ("ares72188", {"symbol": "A/RES/72/188"}),
        ("situation of human rights", {"title": "Situation of human rights in the DPRK"}),
    ]

    def make_record(self, **kwargs):
        if "adopted" in kwargs:
            kwargs.setdefault("adopted_precision", "day")
        return super().make_record(**kwargs)

    def make_linked_record(self):
        instrument = self.make_record(
            adopted_by=OrganisationFactory(), based_on=InstrumentFactory(cited=False)
        )
        InstrumentProvisionFactory(instrument=instrument)
        return instrument

    def valid_payload(self):
        general_assembly = OrganisationFactory(kind="un_body")
        return {
            "title": "Situation of human rights in the Democratic People's Republic of Korea",
            "kind": "resolution",
            "symbol": "A/RES/72/188",
            "adopted_by": general_assembly.pk,
            "adopted": "2017-12-19",
            "provisions": [{"label": "paragraph 10", "order": 1}],
            "citations": [{"source": SourceFactory().pk, "footnote": "4"}],
        }

    def invalid_payloads(self):
        valid = {"title": "A resolution", "kind": "resolution"}
        return [
            ({"kind": "resolution"}, "title"),
            ({**valid, "kind": "no-such-kind"}, "kind"),
            ({**valid, "adopted": "2017-19"}, "adopted"),
            ({**valid, "adopted_by": "no-such-actor"}, "adopted_by"),
            ({**valid, "scope": "country"}, "non_field_errors"),
            ({**valid, "provisions": [{"label": "1"}, {"label": "1"}]}, "provisions"),
        ]


class LegislationAPITest(RecordAPITest):
    resource = "legislation"
    factory = LegislationFactory
    filters = {
        "jurisdiction": ("KR", {"jurisdiction": "KR", "session": "20th National Assembly"}),
        "chamber": ("upper", {"chamber": "upper"}),
        "status": ("enacted", {"status": "enacted"}),
        "sponsor": ("api-sponsor", {"sponsor": lambda: PersonFactory(id="api-sponsor")}),
        "introduced_after": (
            "2016",
            {"introduced": datetime.date(2016, 2, 1), "introduced_precision": "month"},
        ),
        "introduced_before": (
            "2016-02",
            {"introduced": datetime.date(2016, 2, 1), "introduced_precision": "month"},
        ),
    }
    search_cases = [
        ("hr 757", {"bill_number": "H.R.757"}),
        ("H.R.757", {"bill_number": "H.R.757"}),
        ("H. R. 757", {"bill_number": "H.R.757"}),
        ("sanctions and policy", {"title": "North Korea Sanctions and Policy Enhancement Act"}),
        # By an alias, as written or in another spelling.
        ("north-south relations", {"alias": "Act on the Development of North-South Relations"}),
        ("policy enforcement act", {"alias": "Sanctions and Policy Enforcement Act of 2016"}),
    ]

    def make_record(self, sponsor=None, alias=None, **kwargs):
        bill = super().make_record(**kwargs)
        if sponsor is not None:
            SponsorshipFactory(legislation=bill, actor=sponsor, role="sponsor")
        if alias is not None:
            LegislationAliasFactory(legislation=bill, name=alias)
        return bill

    def make_linked_record(self):
        bill = self.make_record(legislature=OrganisationFactory(kind="legislature"))
        LegislationAliasFactory(legislation=bill, source=SourceFactory())
        SponsorshipFactory(legislation=bill, role="sponsor")
        LegislativeActionFactory(
            legislation=bill, actor=OrganisationFactory(), source=SourceFactory()
        )
        LegislationRelationFactory(from_legislation=bill)
        LegislationRelationFactory(to_legislation=bill)
        return bill

    def valid_payload(self):
        sponsor = PersonFactory(name="Ed Royce")
        return {
            "title": "North Korea Sanctions and Policy Enhancement Act of 2016",
            "jurisdiction": "US",
            "session": "114th Congress",
            "chamber": "lower",
            "bill_number": "H.R.757",
            "law_number": "Public Law 114-122",
            "status": "enacted",
            "introduced": "2015-02",
            "enacted": "2016-02-18",
            "aliases": [
                {"name": "Sanctions Enhancement Act", "kind": "as_cited", "language": "en"}
            ],
            "sponsorships": [{"actor": sponsor.pk, "role": "sponsor"}],
            "actions": [
                {"order": 1, "kind": "introduced", "date": "2015-02-05", "chamber": "lower"},
                {"order": 2, "kind": "signed", "date": "2016-02-18"},
            ],
            "citations": [{"source": SourceFactory().pk, "section": "3"}],
        }

    def invalid_payloads(self):
        LegislationFactory(session="114th Congress", bill_number="H.R.757")
        valid = {"title": "A bill", "jurisdiction": "US", "status": "introduced"}
        two_sponsors = [
            {"actor": PersonFactory().pk, "role": "sponsor"},
            {"actor": PersonFactory().pk, "role": "sponsor"},
        ]
        return [
            ({"jurisdiction": "US", "status": "introduced"}, "title"),
            ({**valid, "jurisdiction": "XX"}, "jurisdiction"),
            ({**valid, "status": "no-such-status"}, "status"),
            ({**valid, "introduced": "2015-02-30"}, "introduced"),
            # "H. R. 757" is the bill above, written differently.
            (
                {**valid, "session": "114th Congress", "bill_number": "H. R. 757"},
                "non_field_errors",
            ),
            ({**valid, "sponsorships": two_sponsors}, "sponsorships"),
            ({**valid, "sponsorships": [{"actor": "no-such-actor"}]}, "sponsorships"),
            ({**valid, "aliases": [{"name": "Same"}, {"name": "Same"}]}, "aliases"),
            ({**valid, "aliases": [{"name": "An alias", "kind": "no-such-kind"}]}, "aliases"),
        ]


class EventAPITest(RecordAPITest):
    resource = "events"
    factory = EventFactory
    filters = {
        "kind": ("visit", {"kind": "visit"}),
        "visibility": ("private", {"visibility": "private"}),
        "country": ("KR", {"country": "KR"}),
        "participant": ("api-guest", {"participant": lambda: PersonFactory(id="api-guest")}),
        "start_after": ("2022", {"start": datetime.date(2022, 3, 1), "start_precision": "month"}),
        "start_before": (
            "2021-06",
            {"start": datetime.date(2021, 1, 1), "start_precision": "year"},
        ),
    }
    search_cases = [("seoul forum", {"title": "Seoul Forum on North Korean Human Rights"})]

    def make_record(self, participant=None, **kwargs):
        event = super().make_record(**kwargs)
        if participant is not None:
            EventParticipantFactory(event=event, actor=participant)
        return event

    def make_linked_record(self):
        event = self.make_record()
        EventParticipantFactory(event=event)
        event.instruments.add(ResolutionFactory(cited=False))
        event.legislation.add(LegislationFactory(cited=False))
        MechanismFactory(cited=False).events.add(event)
        return event

    def valid_payload(self):
        return {
            "title": "Workshop on accountability",
            "kind": "workshop",
            "start": "2021-07-19",
            "country": "KR",
            "participations": [{"actor": OrganisationFactory().pk, "role": "organiser"}],
            "instruments": [ResolutionFactory().pk],
            "citations": [{"source": SourceFactory().pk, "page": "7"}],
        }

    def invalid_payloads(self):
        valid = {"title": "A meeting", "kind": "meeting"}
        return [
            ({"kind": "meeting"}, "title"),
            ({**valid, "start": "2021-07-19", "end": "2021-07-18"}, "non_field_errors"),
            ({**valid, "instruments": ["no-such-instrument"]}, "instruments"),
            ({**valid, "participations": [{"actor": "no-such-actor"}]}, "participations"),
        ]


class RecommendationAPITest(RecordAPITest):
    resource = "recommendations"
    factory = RecommendationFactory
    filters = {
        "theme": ("funding", {"theme": "funding"}),
        "recommended_by": (
            "api-author",
            {"recommended_by": lambda: PersonFactory(id="api-author")},
        ),
        "addressee": ("api-addressee", {"addressee": lambda: ActorFactory(id="api-addressee")}),
        "concerns": ("api-concerned", {"concerns": lambda: ActorFactory(id="api-concerned")}),
        "date_after": ("2022-06", {"date": datetime.date(2022, 6, 1), "date_precision": "month"}),
    }
    search_cases = [("separated families", {"text": "Resolve the issue of separated families."})]

    def make_record(self, concerns=None, **kwargs):
        recommendation = super().make_record(**kwargs)
        if concerns is not None:
            recommendation.concerns.add(concerns)
        return recommendation

    def make_linked_record(self):
        return self.make_record(addressee=ActorFactory(), concerns=ActorFactory())

    def valid_payload(self):
        return {
            "title": "Keep the principles consistent",
            "text": "Apply the same principles whatever the political situation.",
            "theme": "principles",
            "number": 1,
            "recommended_by": PersonFactory(name="Kim Soo-Am").pk,
            "addressee": ActorFactory(kind="government").pk,
            "concerns": [ActorFactory().pk],
            "date": "2022-06",
        }

    def invalid_payloads(self):
        valid = {"title": "Do it", "text": "Do it.", "theme": "other"}
        return [
            (valid, "recommended_by"),
            ({**valid, "recommended_by": "no-such-actor"}, "recommended_by"),
            ({**valid, "recommended_by": PersonFactory().pk, "theme": "nope"}, "theme"),
            ({**valid, "recommended_by": PersonFactory().pk, "number": -1}, "number"),
        ]


# --- search by the ways names and numbers are written ----------------------------------------


@pytest.mark.django_db
def test_bill_number_variants_find_the_same_bill():
    bill = LegislationFactory(bill_number="H.R.757")
    LegislationFactory(bill_number="H.R.7570")
    LegislationFactory(bill_number="S.757")
    client = APIClient()
    for words in ("hr 757", "H.R.757", "H. R. 757"):
        ids = result_ids(client.get("/api/v1/legislation/", {"search": words}))
        # "H.R.7570" contains the words too; the exact bill must be among the hits
        assert bill.pk in ids, words
        assert "S.757" not in ids
    exact = client.get("/api/v1/search/", {"q": "H. R. 757", "type": "legislation"}).json()
    assert exact["results"][0]["id"] == bill.pk


@pytest.mark.django_db
def test_romanizations_find_the_same_person():
    person = PersonFactory(name="Jong Kyong-thaek")
    PersonFactory(name="Kim Jong-un")
    client = APIClient()
    for words in ("chong gyong thaek", "Jong Kyong-thaek", "JONG KYONG THAEK"):
        assert result_ids(client.get("/api/v1/actors/", {"search": words})) == [person.pk]


@pytest.mark.django_db
def test_hangul_alias_finds_its_actor():
    person = PersonFactory(name="Jong Kyong-thaek")
    AliasFactory(actor=person, name="정경택", language="ko", kind=Alias.Kind.NATIVE)
    other = PersonFactory(name="Someone else")
    AliasFactory(actor=other, name="김정은", language="ko")
    response = APIClient().get("/api/v1/actors/", {"search": "정경택"})
    assert result_ids(response) == [person.pk]
    alias = response.json()["results"][0]["aliases"][0]
    assert alias["script"] == "Hang"


@pytest.mark.django_db
def test_several_aliases_matching_give_the_actor_once():
    person = PersonFactory(name="Jong Kyong-thaek")
    AliasFactory(actor=person, name="Chong Kyong Thaek")
    AliasFactory(actor=person, name="Jong Gyong Taek")
    assert result_ids(APIClient().get("/api/v1/actors/", {"search": "jong kyong"})) == [person.pk]


# --- partial dates ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_partial_dates_read_back_as_written():
    client = APIClient()
    client.force_authenticate(user_with_permissions(Event, "add"))
    written = {"start": "2015-06", "end": "2016"}
    response = client.post(
        "/api/v1/events/", {"title": "Two visits", "kind": "visit", **written}, format="json"
    )
    assert response.status_code == 201, response.content
    data = analyst_client().get(response.json()["url"]).json()
    assert (data["start"], data["start_precision"]) == ("2015-06", "month")
    assert (data["end"], data["end_precision"]) == ("2016", "year")
    event = Event.objects.get(pk=data["id"])
    assert event.start == datetime.date(2015, 6, 1)
    assert event.end == datetime.date(2016, 1, 1)

    day = EventFactory()  # 2021-07-19
    data = APIClient().get(f"/api/v1/events/{day.pk}/").json()
    assert (data["start"], data["start_precision"]) == ("2021-07-19", "day")
    assert (data["end"], data["end_precision"]) == (None, "")


@pytest.mark.django_db
def test_partial_date_can_be_cleared_and_refined():
    event = EventFactory()
    client = APIClient()
    client.force_authenticate(user_with_permissions(Event, "change", "publish"))
    url = f"/api/v1/events/{event.pk}/"
    response = client.patch(url, {"start": "2021-07"}, format="json", **if_match(client, url))
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.start, event.start_precision) == (datetime.date(2021, 7, 1), "month")
    response = client.patch(url, {"start": None}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 200
    event.refresh_from_db()
    assert (event.start, event.start_precision) == (None, "")


# --- writes with rows ------------------------------------------------------------------------


@pytest.mark.django_db
def test_created_actor_has_its_aliases_and_citations():
    source = SourceFactory(title="KINU CO22-19")
    client = APIClient()
    client.force_authenticate(user_with_permissions(Actor, "add"))
    response = client.post(
        "/api/v1/actors/",
        {
            "name": "Ministry of Unification",
            "kind": "ministry",
            "aliases": [{"name": "통일부", "language": "ko"}, {"name": "MOU", "language": "en"}],
            "citations": [{"source": source.pk, "section": "2.a"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["id"] == "ministry-of-unification"
    actor = Actor.objects.get(pk="ministry-of-unification")
    assert sorted(actor.aliases.values_list("name", "script")) == [
        ("MOU", "Latn"),
        ("통일부", "Hang"),
    ]
    citation = actor.citations.get()
    assert (citation.source, citation.section) == (source, "2.a")


@pytest.mark.django_db
def test_patch_with_rows_replaces_them():
    actor = PersonFactory()
    AliasFactory(actor=actor, name="Old spelling")
    client = APIClient()
    client.force_authenticate(user_with_permissions(Actor, "change", "publish"))
    url = f"/api/v1/actors/{actor.pk}/"
    response = client.patch(
        url, {"aliases": [{"name": "New spelling"}]}, format="json", **if_match(client, url)
    )
    assert response.status_code == 200, response.content
    assert list(actor.aliases.values_list("name", flat=True)) == ["New spelling"]
    # The citation was not in the PATCH, so it stays.
    assert actor.citations.count() == 1


@pytest.mark.django_db
def test_patch_resending_rows_keeps_the_unchanged_ones_with_their_ids():
    actor = PersonFactory()
    kept = AliasFactory(actor=actor, name="Chong Gyong Thaek")
    AliasFactory(actor=actor, name="Jong Kyong-thaek")
    versions = kept.history.count()
    client = APIClient()
    client.force_authenticate(user_with_permissions(Actor, "change", "publish"))
    url = f"/api/v1/actors/{actor.pk}/"
    read = client.get(url)
    aliases = read.json()["aliases"]
    aliases[1]["name"] = "Jong Kyongthaek"

    response = client.patch(url, {"aliases": aliases}, format="json", HTTP_IF_MATCH=read["ETag"])

    assert response.status_code == 200, response.content
    assert sorted(actor.aliases.values_list("name", flat=True)) == [
        "Chong Gyong Thaek",
        "Jong Kyongthaek",
    ]
    assert actor.aliases.get(name="Chong Gyong Thaek").pk == kept.pk
    assert kept.history.count() == versions


@pytest.mark.django_db
def test_public_id_never_changes():
    actor = PersonFactory()
    client = APIClient()
    client.force_authenticate(user_with_permissions(Actor, "change", "publish"))
    url = f"/api/v1/actors/{actor.pk}/"
    response = client.patch(url, {"id": "renamed"}, format="json", **if_match(client, url))
    assert response.status_code == 400
    assert "id" in response.json()
    assert Actor.objects.filter(pk=actor.pk).exists()


@pytest.mark.django_db
def test_deleting_an_actor_others_point_at_is_409():
    parent = OrganisationFactory()
    OrganisationFactory(parent=parent)
    client = APIClient()
    client.force_authenticate(user_with_permissions(Actor, "delete"))
    url = f"/api/v1/actors/{parent.pk}/"
    response = client.delete(url, **if_match(client, url))
    assert response.status_code == 409
    assert Actor.objects.filter(pk=parent.pk).exists()


# --- detail pages and query counts -----------------------------------------------------------


@pytest.mark.django_db
def test_actor_detail_shows_what_points_at_it():
    person = PersonFactory()
    designation = DesignationFactory(target=person)
    held = PositionHeldFactory(person=person)
    data = APIClient().get(f"/api/v1/actors/{person.pk}/").json()
    assert [d["id"] for d in data["designations"]] == [designation.pk]
    assert [p["id"] for p in data["positions_held"]] == [held.pk]
    # ... and the list leaves those out.
    row = APIClient().get("/api/v1/actors/", {"kind": "person"}).json()["results"][0]
    assert "designations" not in row


def grow_actor(actor, count):
    for _ in range(count):
        AliasFactory(actor=actor, source=SourceFactory())
        DesignationFactory(target=actor)
        PositionHeldFactory(person=actor)


@pytest.mark.django_db
def test_actor_detail_query_count_does_not_grow():
    client = APIClient()
    small, large = PersonFactory(), PersonFactory()
    grow_actor(small, 1)
    grow_actor(large, 10)
    assert count_queries(client, f"/api/v1/actors/{large.pk}/") == count_queries(
        client, f"/api/v1/actors/{small.pk}/"
    )


def grow_bill(bill, count):
    SponsorshipFactory(legislation=bill, role="sponsor")
    for _ in range(count):
        SponsorshipFactory(legislation=bill)
        LegislativeActionFactory(
            legislation=bill, actor=OrganisationFactory(), source=SourceFactory()
        )
        LegislationRelationFactory(from_legislation=bill)


@pytest.mark.django_db
def test_bill_detail_query_count_does_not_grow():
    client = APIClient()
    small, large = LegislationFactory(), LegislationFactory()
    grow_bill(small, 1)
    grow_bill(large, 10)
    assert count_queries(client, f"/api/v1/legislation/{large.pk}/") == count_queries(
        client, f"/api/v1/legislation/{small.pk}/"
    )


# --- pagination at full size -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_page_holds_at_most_the_maximum():
    Source.objects.bulk_create(
        Source(id=f"bulk-{n:04d}", title=f"Bulk {n}", publication="published")
        for n in range(MAX_LIMIT + 1)
    )
    data = APIClient().get("/api/v1/sources/", {"limit": MAX_LIMIT, "brief": "1"}).json()
    assert data["count"] == MAX_LIMIT + 1
    assert len(data["results"]) == MAX_LIMIT
    assert data["next"] is not None


@pytest.mark.django_db
def test_legislation_list_orders_by_bill_number():
    for number in ("H.R.3", "H.R.1", "H.R.2"):
        LegislationFactory(bill_number=number)
    response = APIClient().get("/api/v1/legislation/", {"ordering": "bill_number"})
    numbers = [row["bill_number"] for row in response.json()["results"]]
    assert numbers == sorted(numbers)
    assert Legislation.objects.count() == 3


# --- legislation: aliases and relations seen from both bills -----------------------------------


@pytest.mark.django_db
def test_a_bill_is_found_by_an_alias_in_lists_and_in_the_search():
    bill = LegislationFactory(title="Development of Inter-Korean Relations Act", bill_number="")
    LegislationAliasFactory(
        legislation=bill, name="Act on the Development of North-South Relations"
    )
    LegislationFactory(title="North Korean Human Rights Act", bill_number="")
    client = APIClient()
    assert result_ids(client.get("/api/v1/legislation/", {"search": "north south relations"})) == [
        bill.pk
    ]
    hits = client.get("/api/v1/search/", {"q": "North-South Relations"}).json()["results"]
    assert [(hit["resource"], hit["id"]) for hit in hits] == [("legislation", bill.pk)]
    detail = client.get(f"/api/v1/legislation/{bill.pk}/").json()
    assert [alias["name"] for alias in detail["aliases"]] == [
        "Act on the Development of North-South Relations"
    ]


@pytest.mark.django_db
def test_writing_aliases_keeps_the_unchanged_ones():
    client = APIClient()
    # An editor: a change to a published bill by one who may not publish waits for review.
    client.force_authenticate(user_with_permissions(Legislation, "change", "publish"))
    bill = LegislationFactory()
    kept = LegislationAliasFactory(legislation=bill, name="Kept Short Title")
    LegislationAliasFactory(legislation=bill, name="Dropped Short Title")
    url = f"/api/v1/legislation/{bill.pk}/"
    read = client.get(url).json()["aliases"]
    aliases = [
        *(alias for alias in read if alias["name"] == "Kept Short Title"),
        {"name": "NKHRA", "kind": "abbreviation", "language": "en"},
    ]
    response = client.patch(url, {"aliases": aliases}, format="json", **if_match(client, url))
    assert response.status_code == 200, response.content
    assert sorted(bill.aliases.values_list("name", "script")) == [
        ("Kept Short Title", "Latn"),
        ("NKHRA", "Latn"),
    ]
    assert bill.aliases.get(name="Kept Short Title").pk == kept.pk


@pytest.mark.django_db
def test_the_relation_kind_shows_on_both_bills():
    house = LegislationFactory(bill_number="H.R.826")
    senate = LegislationFactory(bill_number="S.2688", chamber="upper")
    LegislationRelationFactory(from_legislation=senate, to_legislation=house, kind="companion")
    client = APIClient()
    from_side = client.get(f"/api/v1/legislation/{senate.pk}/").json()
    to_side = client.get(f"/api/v1/legislation/{house.pk}/").json()
    assert [(r["kind"], r["to_legislation"]["id"]) for r in from_side["relations_out"]] == [
        ("companion", house.pk)
    ]
    assert [(r["kind"], r["from_legislation"]["id"]) for r in to_side["relations_in"]] == [
        ("companion", senate.pk)
    ]
    # Lists read from values say the same.
    row = next(
        r for r in client.get("/api/v1/legislation/").json()["results"] if r["id"] == house.pk
    )
    assert row["relations_in"] == to_side["relations_in"]


@pytest.mark.django_db
def test_a_relation_from_a_draft_bill_is_not_shown_to_the_public():
    bill = LegislationFactory()
    draft = LegislationFactory(publication="draft")
    LegislationRelationFactory(from_legislation=draft, to_legislation=bill, kind="amends")
    public = APIClient().get(f"/api/v1/legislation/{bill.pk}/").json()
    assert public["relations_in"] == []
    analyst = analyst_client().get(f"/api/v1/legislation/{bill.pk}/").json()
    assert [r["from_legislation"]["id"] for r in analyst["relations_in"]] == [draft.pk]


# --- events under a mechanism ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_event_shows_the_mechanisms_it_belongs_to_and_hides_drafts():
    visit = EventFactory(kind="visit")
    mandate = MechanismFactory(name="Special Rapporteur on the rights of persons with disabilities")
    MechanismFactory(publication="draft", name="Draft Qqzzq mandate").events.add(visit)
    mandate.events.add(visit)
    client = APIClient()
    detail = client.get(f"/api/v1/events/{visit.pk}/").json()
    assert [m["id"] for m in detail["mechanisms"]] == [mandate.pk]
    # What points at a record is on its detail, as an actor's designations are.
    listed = client.get("/api/v1/events/").json()["results"][0]
    assert "mechanisms" not in listed
    assert b"Qqzzq" not in client.get("/api/v1/events/", {"format": "csv"}).content
    mechanism = client.get(f"/api/v1/mechanisms/{mandate.pk}/").json()
    assert [e["id"] for e in mechanism["events"]] == [visit.pk]

"""API of sanctions regimes, designation rounds and designations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sanctions.models import Designation, SanctionsRegime
from tests.api_base import RecordAPITest, result_ids, user_with_permissions
from tests.factories import (
    DesignationFactory,
    DesignationMeasureFactory,
    DesignationRoundFactory,
    LegislationFactory,
    OrganisationFactory,
    PersonFactory,
    ResolutionFactory,
    SanctionsRegimeFactory,
    SourceFactory,
)


class SanctionsRegimeAPITest(RecordAPITest):
    resource = "sanctions-regimes"
    factory = SanctionsRegimeFactory
    filters = {
        "authority": ("api-ofac", {"adopted_by": lambda: OrganisationFactory(id="api-ofac")}),
        "status": ("in_force", {"status": "in_force"}),
        "scope": ("global", {"scope": "global", "target_country": ""}),
        "target_country": ("RU", {"target_country": "RU"}),
        "legal_basis": ("api-act", {"legal_basis": lambda: LegislationFactory(id="api-act")}),
    }
    search_cases = [
        ("global human rights", {"title": "Global Human Rights Sanctions Regime"}),
        ("EU 2020/1998", {"symbol": "Regulation (EU) 2020/1998"}),
    ]

    def make_linked_record(self):
        return self.make_record(legal_basis=LegislationFactory(cited=False))

    def valid_payload(self):
        return {
            "title": "EU Global Human Rights Sanctions Regime",
            "symbol": "Council Regulation (EU) 2020/1998",
            "adopted_by": OrganisationFactory(kind="intergovernmental", country="EU").pk,
            "adopted": "2020-12-07",
            "scope": "global",
            "status": "in_force",
        }

    def invalid_payloads(self):
        valid = {"title": "A regime", "adopted_by": OrganisationFactory().pk}
        return [
            ({"scope": "global"}, "title"),
            ({**valid, "scope": "planetary"}, "scope"),
            ({**valid, "target_country": "XX"}, "target_country"),
            ({**valid, "adopted": "2020", "ended": "2019"}, "non_field_errors"),
        ]


class DesignationRoundAPITest(RecordAPITest):
    resource = "designation-rounds"
    factory = DesignationRoundFactory
    filters = {
        "regime": ("api-regime", {"regime": lambda: SanctionsRegimeFactory(id="api-regime")}),
        "authority": (
            "api-authority",
            {"authority": lambda: OrganisationFactory(id="api-authority")},
        ),
        "parent": ("api-group", {"parent": lambda: DesignationRoundFactory(id="api-group")}),
        "announced_after": (
            "2016-07",
            {"announced": datetime.date(2016, 7, 6), "announced_precision": "day"},
        ),
    }
    search_cases = [("december 2018", {"title": "Designations of December 2018"})]

    def make_linked_record(self):
        group = DesignationRoundFactory(cited=False)
        return self.make_record(regime=group.regime, parent=group)

    def valid_payload(self):
        regime = SanctionsRegimeFactory()
        return {
            "title": "US designations, 2016 to 2018",
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "announced": "2018",
            "reported_persons": 37,
            "reported_entities": 12,
            "citations": [{"source": SourceFactory().pk, "footnote": "6"}],
        }

    def invalid_payloads(self):
        regime = SanctionsRegimeFactory()
        valid = {"title": "A round", "regime": regime.pk, "authority": regime.adopted_by_id}
        return [
            ({**valid, "title": ""}, "title"),
            ({**valid, "regime": ResolutionFactory().pk}, "regime"),
            ({**valid, "reported_persons": -3}, "reported_persons"),
            ({**valid, "announced": "December 2018"}, "announced"),
            ({**valid, "parent": "no-such-round"}, "parent"),
        ]


class DesignationAPITest(RecordAPITest):
    resource = "designations"
    factory = DesignationFactory
    filters = {
        "authority": ("api-ofac", {"authority": lambda: OrganisationFactory(id="api-ofac")}),
        "regime": ("api-regime", {"regime": lambda: SanctionsRegimeFactory(id="api-regime")}),
        "target": ("api-target", {"target": lambda: PersonFactory(id="api-target")}),
        "target_kind": ("agency", {"target": lambda: OrganisationFactory(kind="agency")}),
        "target_country": ("KP", {"target": lambda: PersonFactory(country="KP")}),
        "round": ("api-round", {"round": lambda: DesignationRoundFactory(id="api-round")}),
        "measure": ("travel_ban", {"measure": "travel_ban"}),
        "active": ("false", {"delisted": datetime.date(2022, 1, 1), "delisted_precision": "day"}),
        "listed_after": ("2021-04", {"listed": datetime.date(2021, 4, 1)}),
        "listed_before": ("2020", {"listed": datetime.date(2020, 12, 31)}),
    }
    search_cases = [
        ("chong gyong thaek", {"target": lambda: PersonFactory(name="Jong Kyong-thaek")}),
        ("KPi.009", {"reference": "KPi.009"}),
    ]

    def make_record(self, measure=None, **kwargs):
        if "listed" in kwargs:
            kwargs.setdefault("listed_precision", "day")
        designation = super().make_record(**kwargs)
        if measure is not None:
            DesignationMeasureFactory(designation=designation, measure=measure)
        return designation

    def make_linked_record(self):
        round_ = DesignationRoundFactory(cited=False, parent=DesignationRoundFactory(cited=False))
        return self.make_record(
            regime=round_.regime, round=round_, measure="asset_freeze", reference="KPi.001"
        )

    def patch_payload(self):
        return {"reference": "KPi.081", "basis": "Serious human rights abuse."}

    def valid_payload(self):
        regime = SanctionsRegimeFactory()
        return {
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "target": PersonFactory(name="Jong Kyong-thaek").pk,
            "listed": "2016-07",
            "measures": [{"measure": "asset_freeze"}, {"measure": "travel_ban"}],
            "citations": [{"source": SourceFactory().pk, "section": "2.b.(3)"}],
        }

    def invalid_payloads(self):
        regime = SanctionsRegimeFactory()
        listed = DesignationFactory(regime=regime, authority=regime.adopted_by)
        valid = {"regime": regime.pk, "authority": regime.adopted_by_id}
        return [
            (valid, "target"),
            ({**valid, "target": regime.adopted_by_id}, "non_field_errors"),
            ({**valid, "target": "no-such-actor"}, "target"),
            ({**valid, "target": PersonFactory().pk, "listed": "2016-7"}, "listed"),
            (
                {**valid, "target": listed.target_id, "listed": "2021-03-22"},
                "non_field_errors",
            ),
            (
                {**valid, "target": PersonFactory().pk, "measures": [{"measure": "exile"}]},
                "measures",
            ),
            (
                {
                    **valid,
                    "target": PersonFactory().pk,
                    "measures": [{"measure": "travel_ban"}] * 2,
                },
                "measures",
            ),
        ]


# --- designation filters in detail -----------------------------------------------------------


@pytest.mark.django_db
def test_designation_filters_by_authority_regime_target_and_kind():
    ofac = OrganisationFactory(id="ofac", kind="agency")
    regime = SanctionsRegimeFactory(id="us-dprk", adopted_by=ofac)
    person = PersonFactory(id="jong-kyong-thaek")
    ministry = OrganisationFactory(id="ministry-of-state-security", kind="ministry")
    by_person = DesignationFactory(regime=regime, authority=ofac, target=person)
    by_ministry = DesignationFactory(regime=regime, authority=ofac, target=ministry)
    elsewhere = DesignationFactory()
    client = APIClient()

    def ids(**params):
        response = client.get("/api/v1/designations/", params)
        assert response.status_code == 200, response.content
        return sorted(result_ids(response))

    assert ids(authority="ofac") == sorted([by_person.pk, by_ministry.pk])
    assert ids(regime="us-dprk") == sorted([by_person.pk, by_ministry.pk])
    assert ids(target="jong-kyong-thaek") == [by_person.pk]
    assert ids(target_kind="person") == sorted([by_person.pk, elsewhere.pk])
    assert ids(target_kind="ministry") == [by_ministry.pk]
    assert ids(authority="ofac", target_kind="person") == [by_person.pk]


@pytest.mark.django_db
def test_grouping_round_finds_the_designations_of_its_rounds():
    regime = SanctionsRegimeFactory()
    group = DesignationRoundFactory(id="us-2016-2018", regime=regime, reported_persons=37)
    first = DesignationRoundFactory(id="us-2016-07", regime=regime, parent=group)
    second = DesignationRoundFactory(id="us-2017-10", regime=regime, parent=group)
    other_round = DesignationRoundFactory(regime=regime)
    in_first = DesignationFactory(regime=regime, round=first)
    in_second = DesignationFactory(regime=regime, round=second)
    DesignationFactory(regime=regime, round=other_round)
    DesignationFactory(regime=regime)
    client = APIClient()

    response = client.get("/api/v1/designations/", {"round": "us-2016-2018"})
    assert sorted(result_ids(response)) == sorted([in_first.pk, in_second.pk])
    assert result_ids(client.get("/api/v1/designations/", {"round": "us-2016-07"})) == [in_first.pk]
    # The totals the source gives for the group show on each designation under it.
    totals = client.get(f"/api/v1/designations/{in_first.pk}/").json()["round_totals"]
    assert totals == {"round": "us-2016-2018", "persons": 37, "entities": None}


@pytest.mark.django_db
def test_listing_dates_filter_with_partial_dates():
    july_2016 = DesignationFactory(listed=datetime.date(2016, 7, 1), listed_precision="month")
    year_2018 = DesignationFactory(listed=datetime.date(2018, 1, 1), listed_precision="year")
    day_2021 = DesignationFactory()  # 2021-03-22
    client = APIClient()

    def ids(**params):
        response = client.get("/api/v1/designations/", params)
        assert response.status_code == 200, response.content
        return sorted(result_ids(response))

    assert ids(listed_after="2016-07") == sorted([july_2016.pk, year_2018.pk, day_2021.pk])
    assert ids(listed_after="2016-08") == sorted([year_2018.pk, day_2021.pk])
    # "before 2018" runs to the end of 2018, so a date known only to the year is kept.
    assert ids(listed_before="2018") == sorted([july_2016.pk, year_2018.pk])
    assert ids(listed_before="2016-07") == [july_2016.pk]
    assert ids(listed_after="2018", listed_before="2021-02") == [year_2018.pk]
    # ... and "before March 2021" runs to 31 March.
    assert ids(listed_after="2018-02", listed_before="2021-03") == [day_2021.pk]
    assert ids(listed_after="2021-03-22", listed_before="2021-03-22") == [day_2021.pk]
    data = client.get(f"/api/v1/designations/{july_2016.pk}/").json()
    assert (data["listed"], data["listed_precision"]) == ("2016-07", "month")


@pytest.mark.django_db
def test_designation_with_partial_date_is_created_as_written():
    client = APIClient()
    client.force_authenticate(user_with_permissions(Designation, "add"))
    regime = SanctionsRegimeFactory()
    response = client.post(
        "/api/v1/designations/",
        {
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "target": PersonFactory().pk,
            "listed": "2016-07",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    designation = Designation.objects.get(pk=response.json()["id"])
    assert (designation.listed, designation.listed_precision) == (
        datetime.date(2016, 7, 1),
        "month",
    )
    assert response.json()["listed"] == "2016-07"


@pytest.mark.django_db
def test_regime_created_through_the_api_is_a_regime():
    client = APIClient()
    client.force_authenticate(user_with_permissions(SanctionsRegime, "add"))
    response = client.post(
        "/api/v1/sanctions-regimes/",
        {"title": "A regime", "kind": "resolution", "scope": "country", "target_country": "KP"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "sanctions_regime"
    assert SanctionsRegime.objects.filter(pk=response.json()["id"]).exists()


@pytest.mark.django_db
def test_regimes_list_shows_only_regimes():
    regime = SanctionsRegimeFactory()
    ResolutionFactory()
    assert result_ids(APIClient().get("/api/v1/sanctions-regimes/")) == [regime.pk]
    assert (
        APIClient().get(f"/api/v1/sanctions-regimes/{ResolutionFactory().pk}/").status_code == 404
    )


@pytest.mark.django_db
def test_list_counts_ids_without_joining_linked_records():
    DesignationFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/designations/?limit=2")
    assert response.json()["count"] == 3
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert len(counts) == 1
    assert "JOIN" not in counts[0]


@pytest.mark.django_db
def test_round_totals_follow_a_chain_deeper_than_the_page_joins():
    top = DesignationRoundFactory(reported_persons=31, reported_entities=13)
    middle = DesignationRoundFactory(parent=top, regime=top.regime, authority=top.authority)
    lower = DesignationRoundFactory(parent=middle, regime=top.regime, authority=top.authority)
    lowest = DesignationRoundFactory(parent=lower, regime=top.regime, authority=top.authority)
    DesignationFactory(round=lowest, regime=top.regime, authority=top.authority)
    listed = APIClient().get("/api/v1/designations/").json()["results"]
    assert listed[0]["round_totals"] == {"round": top.pk, "persons": 31, "entities": 13}

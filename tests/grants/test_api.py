"""API of funding programmes."""

import pytest
from rest_framework.test import APIClient

from tests.api_base import RecordAPITest, count_queries
from tests.factories import (
    FundingPriorityFactory,
    FundingProgrammeFactory,
    LegislationFactory,
    OrganisationFactory,
    ResolutionFactory,
    SourceFactory,
)


class FundingProgrammeAPITest(RecordAPITest):
    resource = "funding-programs"
    factory = FundingProgrammeFactory
    filters = {
        "funder": ("api-drl", {"adopted_by": lambda: OrganisationFactory(id="api-drl")}),
        "adopted_by": ("api-ned", {"adopted_by": lambda: OrganisationFactory(id="api-ned")}),
        "status": ("expired", {"status": "expired"}),
        "legal_basis": ("api-nkhra", {"legal_basis": lambda: LegislationFactory(id="api-nkhra")}),
    }
    search_cases = [
        ("north korea human rights programs", {"title": "DRL North Korea Human Rights Programs"}),
        # A priority's words find the programme.
        ("information access", {"priority": "Promote information access"}),
    ]

    def make_record(self, priority=None, **kwargs):
        programme = super().make_record(**kwargs)
        if priority is not None:
            FundingPriorityFactory(programme=programme, text=priority)
        return programme

    def make_linked_record(self):
        programme = self.make_record(legal_basis=LegislationFactory(cited=False))
        FundingPriorityFactory(programme=programme)
        return programme

    def valid_payload(self):
        return {
            "title": "North Korea Human Rights Programs",
            "adopted_by": OrganisationFactory(kind="department").pk,
            "adopted": "2021",
            "legal_basis": LegislationFactory().pk,
            "citations": [{"source": SourceFactory().pk, "section": "2.b.(4)"}],
        }

    def invalid_payloads(self):
        valid = {"title": "A programme"}
        return [
            ({"status": "adopted"}, "title"),
            ({**valid, "status": "no-such-status"}, "status"),
            ({**valid, "scope": "global"}, "non_field_errors"),
            ({**valid, "based_on": "no-such-instrument"}, "based_on"),
            ({**valid, "in_force": "2021-02-29"}, "in_force"),
        ]


@pytest.mark.django_db
def test_programme_shows_its_priorities_in_order():
    programme = FundingProgrammeFactory()
    for number in (3, 1, 2):
        FundingPriorityFactory(programme=programme, number=number, text=f"Priority {number}")
    data = APIClient().get(f"/api/v1/funding-programs/{programme.pk}/").json()
    assert [p["number"] for p in data["priorities"]] == [1, 2, 3]
    assert data["kind"] == "funding_programme"


@pytest.mark.django_db
def test_programmes_are_not_mixed_with_other_instruments():
    programme = FundingProgrammeFactory()
    resolution = ResolutionFactory()
    client = APIClient()
    ids = [row["id"] for row in client.get("/api/v1/funding-programs/").json()["results"]]
    assert ids == [programme.pk]
    assert client.get(f"/api/v1/funding-programs/{resolution.pk}/").status_code == 404


@pytest.mark.django_db
def test_programme_detail_query_count_does_not_grow_with_priorities():
    client = APIClient()
    small, large = FundingProgrammeFactory(), FundingProgrammeFactory()
    FundingPriorityFactory(programme=small)
    for _ in range(10):
        FundingPriorityFactory(programme=large)
    assert count_queries(client, f"/api/v1/funding-programs/{large.pk}/") == count_queries(
        client, f"/api/v1/funding-programs/{small.pk}/"
    )

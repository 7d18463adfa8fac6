"""API of UN mechanisms and reports."""

import datetime

import pytest
from rest_framework.test import APIClient

from tests.api_base import RecordAPITest, count_queries, result_ids
from tests.factories import (
    ConcernFactory,
    EventFactory,
    InstrumentFactory,
    LegislationFactory,
    MechanismFactory,
    MechanismFunctionFactory,
    OrganisationFactory,
    ReportFactory,
    ResolutionFactory,
    SourceFactory,
    TreatyFactory,
)


class MechanismAPITest(RecordAPITest):
    resource = "mechanisms"
    factory = MechanismFactory
    filters = {
        "kind": ("commission_of_inquiry", {"kind": "commission_of_inquiry"}),
        "status": ("concluded", {"status": "concluded"}),
        "country": ("MM", {"country": "MM"}),
        "parent": ("api-hrc", {"parent_body": lambda: OrganisationFactory(id="api-hrc")}),
        "establishing_instrument": (
            "api-res",
            {"establishing_instrument": lambda: ResolutionFactory(id="api-res")},
        ),
        "function": ("evidence_preservation", {"function": "evidence_preservation"}),
        "event": ("api-visit", {"events": lambda: [EventFactory(id="api-visit")]}),
        "established_after": (
            "2013-03",
            {"established": datetime.date(2013, 3, 21), "established_precision": "day"},
        ),
    }
    search_cases = [
        ("commission of inquiry", {"name": "Commission of Inquiry on Human Rights in the DPRK"}),
        ("seoul office", {"name": "OHCHR Seoul Office"}),
    ]

    def make_record(self, function=None, events=(), **kwargs):
        mechanism = super().make_record(**kwargs)
        if function is not None:
            MechanismFunctionFactory(mechanism=mechanism, function=function)
        mechanism.events.add(*events)
        return mechanism

    def make_linked_record(self):
        mechanism = self.make_record(
            parent_body=OrganisationFactory(kind="un_body"),
            actor=OrganisationFactory(kind="un_office"),
            establishing_instrument=ResolutionFactory(cited=False),
            function="monitoring",
            events=[EventFactory(cited=False)],
        )
        ReportFactory(mechanism=mechanism, cited=False)
        return mechanism

    def valid_payload(self):
        return {
            "name": "OHCHR Seoul Office",
            "kind": "field_office",
            "parent_body": OrganisationFactory(kind="un_office").pk,
            "established": "2015-06",
            "establishing_instrument": ResolutionFactory().pk,
            "events": [EventFactory().pk],
            "functions": [{"function": "monitoring"}, {"function": "documentation"}],
            "citations": [{"source": SourceFactory().pk, "section": "2.b.(2)"}],
        }

    def invalid_payloads(self):
        valid = {"name": "A mechanism", "kind": "other"}
        return [
            ({"kind": "other"}, "name"),
            ({**valid, "kind": "no-such-kind"}, "kind"),
            ({**valid, "established": "2015-06-31"}, "established"),
            ({**valid, "establishing_instrument": "no-such-instrument"}, "establishing_instrument"),
            ({**valid, "established": "2016", "ended": "2015"}, "non_field_errors"),
            ({**valid, "functions": [{"function": "monitoring"}] * 2}, "functions"),
            ({**valid, "functions": [{"function": "no-such-function"}]}, "functions"),
        ]


class ReportAPITest(RecordAPITest):
    resource = "reports"
    factory = ReportFactory
    filters = {
        "author": ("api-author", {"author": lambda: OrganisationFactory(id="api-author")}),
        "kind": ("hc_report", {"kind": "hc_report"}),
        "treaty": (
            "api-iccpr",
            {"state_party": True, "treaty": lambda: TreatyFactory(id="api-iccpr")},
        ),
        "mechanism": ("api-coi", {"mechanism": lambda: MechanismFactory(id="api-coi")}),
        "concerns": ("api-programme", {"concerns": lambda: InstrumentFactory(id="api-programme")}),
        "concerns_legislation": (
            "api-bill",
            {"concerns": lambda: LegislationFactory(id="api-bill")},
        ),
        "country": ("KP", {"country": "KP"}),
        "date_before": ("2014-02", {"date": datetime.date(2014, 2, 7), "date_precision": "day"}),
    }
    search_cases = [
        ("A/HRC/25/63", {"symbol": "A/HRC/25/63"}),
        ("report of the commission", {"title": "Report of the commission of inquiry"}),
    ]

    def make_record(self, concerns=None, **kwargs):
        report = super().make_record(**kwargs)
        if concerns is not None:
            link = "legislation" if concerns._meta.model_name == "legislation" else "instrument"
            ConcernFactory(report=report, **{link: concerns})
        return report

    def make_linked_record(self):
        report = self.make_record(
            state_party=True,
            publisher=OrganisationFactory(),
            mechanism=MechanismFactory(cited=False),
            concerns=InstrumentFactory(cited=False),
        )
        ConcernFactory(report=report, legislation=LegislationFactory(cited=False))
        return report

    def valid_payload(self):
        return {
            "title": "Second periodic report under the Convention on the Rights of the Child",
            "kind": "state_party_report",
            "author": OrganisationFactory(kind="state", country="KP").pk,
            "treaty": TreatyFactory().pk,
            "reporting_cycle": 2,
            "date": "2016",
            "concerns": [{"instrument": InstrumentFactory().pk}, {"event": EventFactory().pk}],
            "citations": [{"source": SourceFactory().pk}],
        }

    def invalid_payloads(self):
        valid = {"title": "A report", "kind": "other", "author": OrganisationFactory().pk}
        resolution = ResolutionFactory()
        return [
            ({"title": "A report", "kind": "other"}, "author"),
            ({**valid, "kind": "no-such-kind"}, "kind"),
            ({**valid, "date": "16"}, "date"),
            # The treaty must be a treaty, and only a state-party report names one.
            ({**valid, "kind": "state_party_report", "treaty": resolution.pk}, "treaty"),
            ({**valid, "kind": "state_party_report"}, "non_field_errors"),
            ({**valid, "treaty": TreatyFactory().pk}, "non_field_errors"),
            # A concern names exactly one record.
            ({**valid, "concerns": [{}]}, "concerns"),
            (
                {**valid, "concerns": [{"instrument": resolution.pk, "event": EventFactory().pk}]},
                "concerns",
            ),
            ({**valid, "concerns": [{"legislation": "no-such-bill"}]}, "concerns"),
        ]


@pytest.mark.django_db
def test_report_filters_combine():
    author = OrganisationFactory(id="ohchr")
    treaty = TreatyFactory(id="crc")
    wanted = ReportFactory(author=author, state_party=True, treaty=treaty)
    ReportFactory(author=author)  # same author, not a state-party report
    ReportFactory(state_party=True, treaty=treaty)  # same treaty, another author
    response = APIClient().get(
        "/api/v1/reports/", {"author": "ohchr", "treaty": "crc", "kind": "state_party_report"}
    )
    assert result_ids(response) == [wanted.pk]


@pytest.mark.django_db
def test_kind_filter_takes_several_values():
    inquiry = ReportFactory(kind="inquiry_report")
    statement = ReportFactory(kind="press_statement")
    ReportFactory(kind="other")
    response = APIClient().get("/api/v1/reports/?kind=inquiry_report&kind=press_statement")
    assert sorted(result_ids(response)) == sorted([inquiry.pk, statement.pk])


@pytest.mark.django_db
def test_mechanism_detail_lists_its_reports_with_few_queries():
    client = APIClient()
    small, large = MechanismFactory(), MechanismFactory()
    ReportFactory(mechanism=small)
    for _ in range(10):
        ReportFactory(mechanism=large)
    data = client.get(f"/api/v1/mechanisms/{large.pk}/").json()
    assert len(data["reports"]) == 10
    assert "reports" not in client.get("/api/v1/mechanisms/").json()["results"][0]
    assert count_queries(client, f"/api/v1/mechanisms/{large.pk}/") == count_queries(
        client, f"/api/v1/mechanisms/{small.pk}/"
    )

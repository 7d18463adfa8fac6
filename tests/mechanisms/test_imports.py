"""Bulk import and export of reports (mechanisms/resources.py): the admin's validation
(state-party reports name a treaty of the right kind), duplicates by symbol, and an export from
the admin re-imported without loss."""

import datetime

import pytest

from mechanisms.models import Report
from mechanisms.resources import ReportResource
from nkhr.dates import DatePrecision
from nkhr.models import Actor, Publication
from tests import factories
from tests.import_base import export_through_admin, round_trip, row_errors, run_import, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


@pytest.fixture
def ohchr():
    return factories.OrganisationFactory(id="ohchr", name="OHCHR", kind=Actor.Kind.UN_OFFICE)


def report_row(paper, **values) -> dict:
    row = {
        "title": "Promoting accountability in the DPRK",
        "kind": "hc_report",
        "symbol": "A/HRC/46/52",
        "author": "OHCHR",
        "date": "2021-01",
        "citation_source": paper.pk,
    }
    row.update(values)
    return row


def test_reports_are_validated_like_the_admin_validates_them(editor, paper, ohchr):
    factories.ReportFactory(id="existing", symbol="A/HRC/40/66")
    resolution = factories.ResolutionFactory(id="a-res-76-177")
    rows = [
        report_row(paper),
        report_row(paper, title="A state report", kind="state_party_report", symbol=""),
        report_row(paper, title="Another", symbol="", treaty=resolution.pk, reporting_cycle=2),
        report_row(paper, title="Same symbol", symbol="a/hrc/40/66"),
        report_row(paper, title="Bad cycle", symbol="", reporting_cycle="second"),
    ]

    result = run_import(ReportResource, rows, editor, dry_run=True)

    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 5}
    assert errors[2] == {
        "__all__": ["A state-party report names its treaty; other documents have none."]
    }
    assert "Choose a treaty." in errors[3]["treaty"]
    assert errors[4] == {
        "title": ["duplicate: already recorded as 'existing' (give that id to update it)"]
    }
    assert list(errors[5]) == ["reporting_cycle"]
    assert not Report.objects.exclude(pk="existing").exists()


def test_reports_round_trip_through_an_admin_export(client, editor, paper, ohchr):
    treaty = factories.TreatyFactory(id="iccpr")
    programme = factories.FundingProgrammeFactory(id="drl-nofo")
    mechanism = factories.MechanismFactory(id="sr-dprk")
    report = factories.ReportFactory(
        id="a-hrc-46-52",
        title="Promoting accountability",
        kind=Report.Kind.HIGH_COMMISSIONER_REPORT,
        symbol="A/HRC/46/52",
        author=ohchr,
        publisher=factories.OrganisationFactory(id="un", kind=Actor.Kind.UN_BODY),
        mechanism=mechanism,
        date=datetime.date(2021, 1, 1),
        date_precision=DatePrecision.MONTH,
        country="KP",
        url="https://undocs.org/A/HRC/46/52",
        summary="Accountability, in two lines;\nsecond line.",
        cited__source=paper,
        cited__section="2.a.(2)",
    )
    factories.ConcernFactory(report=report, instrument=programme)
    factories.ConcernFactory(report=report, legislation=factories.LegislationFactory())
    factories.ReportFactory(
        id="dprk-crc-5",
        state_party=True,
        treaty=treaty,
        reporting_cycle=5,
        publication=Publication.WITHDRAWN,
    )
    client.force_login(editor)
    exported = export_through_admin(client, Report, "xlsx")

    before, after, result = round_trip(ReportResource, Report, editor, "xlsx", export=exported)

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert len(before) == 2
    assert after == before

"""UN mechanisms, reports, and the resolution and treaty proxies of `nkhr.Instrument`."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from mechanisms.models import Concern, Mechanism, MechanismFunction, Report, Resolution, Treaty
from nkhr.models import Citation, Instrument
from nkhr.text import compact, name_key
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        factories.ResolutionFactory,
        factories.TreatyFactory,
        factories.MechanismFactory,
        factories.MechanismFunctionFactory,
        factories.ReportFactory,
        factories.ConcernFactory,
    ],
)
def test_factory_makes_a_valid_cited_record(factory):
    record = factory()
    record.full_clean()
    if not isinstance(record, MechanismFunction | Concern):
        assert record.citations.count() == 1


def test_state_party_report_factory_trait_names_its_treaty():
    report = factories.ReportFactory(state_party=True)
    report.full_clean()
    assert report.treaty.kind == Instrument.Kind.TREATY


# --- proxies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxy", "kind"),
    [(Resolution, Instrument.Kind.RESOLUTION), (Treaty, Instrument.Kind.TREATY)],
)
def test_a_proxy_sets_its_kind_on_save(proxy, kind):
    made = proxy.objects.create(title="Convention on the Rights of the Child")
    assert Instrument.objects.get(pk=made.pk).kind == kind
    # Saved through the proxy, a record is of the proxy's kind whatever it said before.
    made.kind = Instrument.Kind.POLICY
    made.save()
    assert Instrument.objects.get(pk=made.pk).kind == kind


def test_proxy_managers_show_only_their_kind():
    resolution = factories.ResolutionFactory()
    treaty = factories.TreatyFactory()
    policy = factories.InstrumentFactory()
    assert list(Resolution.objects.all()) == [resolution]
    assert list(Treaty.objects.all()) == [treaty]
    assert set(Instrument.objects.all()) == {resolution, treaty, policy}
    with pytest.raises(Resolution.DoesNotExist):
        Resolution.objects.get_by_natural_key(treaty.pk)


def test_a_proxy_cannot_have_a_scope():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ResolutionFactory(scope=Instrument.Scope.COUNTRY)


def test_a_proxy_records_citations_under_the_instrument_table():
    resolution = factories.ResolutionFactory(symbol="A/RES/76/177")
    citation = resolution.citations.get()
    assert citation.natural_key()[:3] == ("nkhr", "instrument", resolution.pk)
    assert Citation.objects.get_by_natural_key(*citation.natural_key()) == citation
    resolution.delete()
    assert not Citation.objects.exists()


def test_resolution_symbol_key_is_compact():
    resolution = factories.ResolutionFactory(symbol="A/RES/76/177")
    resolution.refresh_from_db()
    assert resolution.symbol_key == compact("a res 76 177")


# --- reports -----------------------------------------------------------------------------------


def test_a_state_party_report_needs_its_treaty():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReportFactory(kind=Report.Kind.STATE_PARTY_REPORT, treaty=None)
    report = factories.ReportFactory.build(
        kind=Report.Kind.STATE_PARTY_REPORT, author=factories.OrganisationFactory()
    )
    with pytest.raises(ValidationError, match="names its treaty"):
        report.full_clean()


def test_other_documents_have_no_treaty_and_no_reporting_cycle():
    treaty = factories.TreatyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReportFactory(kind=Report.Kind.HIGH_COMMISSIONER_REPORT, treaty=treaty)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReportFactory(kind=Report.Kind.HIGH_COMMISSIONER_REPORT, reporting_cycle=2)


def test_report_keys_are_derived_on_save():
    report = factories.ReportFactory(title="Report of the Special Rapporteur", symbol="A/HRC/49/74")
    report.refresh_from_db()
    assert report.title_key == name_key("Report of the Special Rapporteur")
    assert report.symbol_key == "ahrc4974"


def test_report_date_known_to_the_month_is_stored_on_the_first():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ReportFactory(date=datetime.date(2022, 3, 2), date_precision="month")


# --- mechanisms --------------------------------------------------------------------------------


def test_mechanism_name_key_is_derived_on_save():
    mechanism = factories.MechanismFactory(name="Special Rapporteur on the DPRK")
    mechanism.refresh_from_db()
    assert mechanism.name_key == name_key("special rapporteur on the dprk")


def test_mechanism_cannot_end_before_it_is_established():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MechanismFactory(
            established=datetime.date(2004, 1, 1),
            established_precision="year",
            ended=datetime.date(2003, 1, 1),
            ended_precision="year",
        )


def test_a_mechanism_lists_a_function_once():
    function = factories.MechanismFunctionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MechanismFunction.objects.create(mechanism=function.mechanism, function=function.function)


def test_mechanism_function_natural_key_finds_the_same_row():
    mechanism = factories.MechanismFactory()
    first, _second = factories.MechanismFunctionFactory.create_batch(2, mechanism=mechanism)
    assert MechanismFunction.objects.get_by_natural_key(*first.natural_key()) == first
    assert Mechanism.objects.get_by_natural_key(*mechanism.natural_key()) == mechanism


# --- what a report concerns ------------------------------------------------------------------


def test_a_concern_names_exactly_one_record():
    report = factories.ReportFactory()
    bill, instrument = factories.LegislationFactory(), factories.InstrumentFactory()
    concern = Concern(report=report, legislation=bill)
    concern.full_clean()
    assert concern.target == bill
    for links in ({}, {"legislation": bill, "instrument": instrument}):
        with pytest.raises(ValidationError, match="exactly one record"):
            Concern(report=report, **links).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        Concern.objects.create(report=report)


def test_a_report_concerns_a_record_once_and_records_of_any_kind():
    report = factories.ReportFactory()
    designation = factories.DesignationFactory()
    factories.ConcernFactory(report=report, designation=designation)
    factories.ConcernFactory(report=report, event=factories.EventFactory())
    factories.ConcernFactory(report=report, other_report=factories.ReportFactory())
    with pytest.raises(ValidationError, match="already concerns this record"):
        Concern(report=report, designation=designation).full_clean()
    assert {type(row.target).__name__ for row in report.concerns.all()} == {
        "Designation",
        "Event",
        "Report",
    }


def test_a_concern_goes_with_the_report_or_the_record_it_names():
    kept, dropped = factories.ConcernFactory(), factories.ConcernFactory()
    dropped.instrument.delete()
    assert list(Concern.objects.all()) == [kept]
    kept.report.delete()
    assert not Concern.objects.exists()


def test_concerns_have_history():
    concern = factories.ConcernFactory()
    assert concern.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_old_concern_into_a_row():
    """0007 turns `Report.concerns` (an instrument) into a `Concern` row, and back."""
    old = [("mechanisms", "0006_list_order_indexes")]
    new = [("mechanisms", "0007_report_concerns_and_mechanism_events")]
    executor = MigrationExecutor(connection)
    executor.migrate(old)
    past = executor.loader.project_state(old).apps
    author = past.get_model("nkhr", "Actor").objects.create(id="an-author", name="An author")
    programme = past.get_model("nkhr", "Instrument").objects.create(
        id="a-programme", title="A programme", kind="funding_programme", status="adopted"
    )
    PastReport = past.get_model("mechanisms", "Report")
    PastReport.objects.create(
        id="a-notice", title="A notice", kind="other", author=author, concerns=programme
    )
    PastReport.objects.create(id="a-report", title="A report", kind="other", author=author)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(new)
    assert list(Concern.objects.values_list("report", "instrument")) == [
        ("a-notice", "a-programme")
    ]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(old)
    back = executor.loader.project_state(old).apps.get_model("mechanisms", "Report")
    assert dict(back.objects.values_list("pk", "concerns")) == {
        "a-notice": "a-programme",
        "a-report": None,
    }
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

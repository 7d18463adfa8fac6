"""Admin pages of mechanisms: the generic contract, symbols in any spelling, proxies of
instruments that set their own kind, what a report concerns and a mechanism's events."""

import pytest

from mechanisms.models import Mechanism, Report, Resolution
from nkhr.models import Instrument
from tests import factories
from tests.admin_base import (
    AdminPagesContract,
    admin_url,
    changelist_pks,
    parametrize_model_admins,
    post_data_from,
)

pytest_generate_tests = parametrize_model_admins


class TestMechanismsAdminPages(AdminPagesContract):
    """Every mechanisms admin page renders, searches and lists rows in constant queries."""

    app_label = "mechanisms"


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["a res 72 188", "A/RES/72/188", "ares72188"])
def test_resolution_search_ignores_symbol_spelling(staff_client, term):
    resolution = factories.ResolutionFactory(symbol="A/RES/72/188")
    factories.ResolutionFactory(symbol="A/HRC/RES/40/20")
    assert changelist_pks(staff_client, Resolution, term) == [resolution.pk]


@pytest.mark.django_db
def test_report_search_finds_the_symbol(staff_client):
    report = factories.ReportFactory(symbol="A/HRC/34/66")
    factories.ReportFactory(symbol="A/HRC/40/66")
    assert changelist_pks(staff_client, Report, "a hrc 34 66") == [report.pk]


@pytest.mark.django_db
def test_adding_a_resolution_sets_its_kind(staff_client):
    add_url = admin_url(Resolution, "add")
    page = staff_client.get(add_url)
    assert "kind" not in page.context["adminform"].form.fields
    data = post_data_from(page)
    data.update({"title": "Situation of human rights in the DPRK", "status": "adopted"})
    response = staff_client.post(add_url, data)
    assert response.status_code == 302
    instrument = Instrument.objects.get()
    assert (instrument.pk, instrument.kind) == (
        "situation-of-human-rights-in-the-dprk",
        "resolution",
    )


@pytest.mark.django_db
def test_a_report_page_edits_what_it_concerns_and_the_record_lists_the_report(staff_client):
    report = factories.ReportFactory()
    bill = factories.LegislationFactory()
    url = admin_url(Report, "change", report.pk)
    page = staff_client.get(url)
    data = post_data_from(page)
    prefix = "concerns"
    data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-legislation": bill.pk})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert [row.legislation_id for row in report.concerns.all()] == [bill.pk]
    bill_page = staff_client.get(admin_url(type(bill), "change", bill.pk))
    assert report.title in bill_page.content.decode()


@pytest.mark.django_db
def test_a_mechanism_lists_its_events_and_the_event_its_mechanism(staff_client):
    mechanism = factories.MechanismFactory()
    event = factories.EventFactory(title="Visit to the DPRK")
    mechanism.events.add(event)
    page = staff_client.get(admin_url(Mechanism, "change", mechanism.pk))
    assert event.pk in page.context["adminform"].form.initial["events"] or [
        e.pk for e in page.context["adminform"].form.initial["events"]
    ] == [event.pk]
    event_page = staff_client.get(admin_url(type(event), "change", event.pk))
    assert mechanism.name in event_page.content.decode()

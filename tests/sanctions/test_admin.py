"""Admin pages of sanctions: the generic contract, search by target name in any spelling,
partial listing dates, and regimes citing as the instruments they are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nkhr.dates import DatePrecision
from nkhr.models import Citation
from sanctions.models import Designation, SanctionsRegime
from tests import factories
from tests.admin_base import (
    AdminPagesContract,
    admin_url,
    change_url,
    changelist_pks,
    parametrize_model_admins,
    post_data_from,
)

pytest_generate_tests = parametrize_model_admins


class TestSanctionsAdminPages(AdminPagesContract):
    """Every sanctions admin page renders, searches and lists rows in constant queries."""

    app_label = "sanctions"


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Chong Gyong", "Chong Kyong", "Jong Kyong-thaek", "정경택"])
def test_designation_search_finds_the_target_by_any_spelling(staff_client, term):
    target = factories.PersonFactory(name="Jong Kyong Thaek")
    factories.AliasFactory(actor=target, name="Chong Gyong Thaek")
    factories.AliasFactory(actor=target, name="정경택", language="ko")
    designation = factories.DesignationFactory(target=target)
    factories.DesignationFactory(target=factories.PersonFactory(name="Kim Yong Chol"))
    assert changelist_pks(staff_client, Designation, term) == [designation.pk]


@pytest.mark.django_db
def test_designation_with_an_invented_day_is_refused(staff_client):
    regime = factories.SanctionsRegimeFactory()
    target = factories.PersonFactory()
    data = post_data_from(staff_client.get(admin_url(Designation, "add")))
    data.update(
        {
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "target": target.pk,
            "listed": "2021-03-15",
            "listed_precision": DatePrecision.MONTH,
        }
    )
    response = staff_client.post(admin_url(Designation, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Designation.objects.exists()


@pytest.mark.django_db
def test_designation_added_with_a_month_date_and_measures(staff_client):
    regime = factories.SanctionsRegimeFactory()
    target = factories.PersonFactory(id="ri-yong-ho")
    data = post_data_from(staff_client.get(admin_url(Designation, "add")))
    data.update(
        {
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "target": target.pk,
            "listed": "2021-03-01",
            "listed_precision": DatePrecision.MONTH,
            "measures-TOTAL_FORMS": "1",
            "measures-0-measure": "asset_freeze",
        }
    )
    response = staff_client.post(admin_url(Designation, "add"), data)
    assert response.status_code == 302
    designation = Designation.objects.get()
    assert designation.pk == f"{regime.pk}-ri-yong-ho"
    assert str(designation.partial_date("listed")) == "2021-03"
    assert [m.measure for m in designation.measures.all()] == ["asset_freeze"]
    listing = staff_client.get(admin_url(Designation, "changelist")).content.decode()
    assert "2021-03" in listing


@pytest.mark.django_db
def test_regime_page_shows_the_citations_of_the_instrument(staff_client):
    regime = factories.SanctionsRegimeFactory(cited=False)
    citation = factories.CitationFactory(record=regime, section="2.b.(3)")
    response = staff_client.get(change_url(regime))
    citation_forms = [
        form
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Citation
        for form in inline.formset.forms
    ]
    assert [form.instance.pk for form in citation_forms] == [citation.pk]
    assert "kind" not in response.context["adminform"].form.fields
    assert "scope" in response.context["adminform"].form.fields


@pytest.mark.django_db
def test_regime_changelist_lists_only_regimes(staff_client):
    regime = factories.SanctionsRegimeFactory()
    factories.ResolutionFactory()
    response = staff_client.get(admin_url(SanctionsRegime, "changelist"))
    assert [obj.pk for obj in response.context["cl"].result_list] == [regime.pk]


@pytest.mark.django_db
def test_changelist_filters_read_no_distinct_values_of_designations(staff_client):
    # Two authorities: a filter with one choice is not shown.
    designation, _ = factories.DesignationFactory.create_batch(2)
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(admin_url(Designation, "changelist"))
    assert response.status_code == 200
    scans = [
        query["sql"]
        for query in captured.captured_queries
        if "DISTINCT" in query["sql"] and 'FROM "sanctions_designation"' in query["sql"]
    ]
    assert scans == []
    # The authority filter still offers the designation's authority (its regime's adopter).
    assert f"authority__id__exact={designation.authority.pk}" in response.content.decode()

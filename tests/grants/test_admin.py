"""Admin pages of grants: the generic contract, priorities inline on their programme, and
awards found by their recipient's name in any spelling."""

import pytest

from grants.models import Award, FundingPriority
from tests import factories
from tests.admin_base import (
    AdminPagesContract,
    admin_url,
    change_url,
    parametrize_model_admins,
)

pytest_generate_tests = parametrize_model_admins


class TestGrantsAdminPages(AdminPagesContract):
    """Every grants admin page renders, searches and lists rows in constant queries."""

    app_label = "grants"


@pytest.mark.django_db
def test_programme_page_lists_its_priorities(staff_client):
    programme = factories.FundingProgrammeFactory()
    priorities = factories.FundingPriorityFactory.create_batch(3, programme=programme)
    response = staff_client.get(change_url(programme))
    shown = [
        form.instance.pk
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is FundingPriority
        for form in inline.formset.forms
    ]
    assert shown == [priority.pk for priority in priorities]


@pytest.mark.django_db
def test_award_search_finds_the_recipient_by_alias(staff_client):
    recipient = factories.OrganisationFactory(name="Database Center for North Korean Human Rights")
    factories.AliasFactory(actor=recipient, name="NKDB", kind="abbreviation")
    award = factories.AwardFactory(recipient=recipient)
    factories.AwardFactory()
    response = staff_client.get(admin_url(Award, "changelist"), {"q": "nkdb"})
    assert [obj.pk for obj in response.context["cl"].result_list] == [award.pk]

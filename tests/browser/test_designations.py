"""A curator records a designation, choosing regime and target by autocomplete."""

import pytest
from playwright.sync_api import expect

from nkhr.models import Actor
from sanctions.models import Designation
from tests import factories
from tests.browser.conftest import choose_autocomplete, log_in

pytestmark = [pytest.mark.browser]


def test_curator_adds_a_designation_and_sees_it_on_the_target(page, curator, shot):
    council = factories.OrganisationFactory(
        name="Council of the European Union", kind=Actor.Kind.INTERGOVERNMENTAL
    )
    regime = factories.SanctionsRegimeFactory(
        title="EU Global Human Rights Sanctions Regime", adopted_by=council
    )
    target = factories.PersonFactory(name="Jong Kyong Thaek")
    log_in(page, curator)

    page.goto("/admin/sanctions/designation/add/")
    choose_autocomplete(page, "regime", "global human", regime.title)
    choose_autocomplete(page, "authority", "council", council.name)
    # The target's name as a sanctions list romanizes it: found by its search key.
    choose_autocomplete(page, "target", "Chong Gyong", target.name)
    page.fill("#id_listed", "2021-03-22")
    page.select_option("#id_listed_precision", "day")
    page.fill("#id_reference", "EU-HR-2021-7")
    shot(page, "1-filled")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "2-saved")

    designation = Designation.objects.get(target=target)
    assert (designation.regime_id, designation.authority_id) == (regime.pk, council.pk)
    assert str(designation.partial_date("listed")) == "2021-03-22"

    page.goto(f"/admin/nkhr/actor/{target.pk}/change/")
    section = page.locator(".referenced-by", has_text="designations targeting it")
    expect(section.get_by_role("link", name=str(designation))).to_be_visible()
    section.scroll_into_view_if_needed()
    shot(page, "3-on-target")

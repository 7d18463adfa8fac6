"""A curator changes a record, reads the change in its history and reverts it."""

import pytest
from playwright.sync_api import expect

from nkhr.models import Actor, Publication
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_curator_reads_a_change_in_history_and_reverts_it(page, curator, shot):
    # A draft: a curator's change to a published record waits for review instead.
    actor = factories.PersonFactory(
        name="Jong Kyong Thaek", status=Actor.Status.ACTIVE, publication=Publication.DRAFT
    )
    log_in(page, curator)

    page.goto(f"/admin/nkhr/actor/{actor.pk}/change/")
    page.fill("#id_name", "Chong Kyong Thaek")
    page.select_option("#id_status", "deceased")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("Chong Kyong Thaek")

    page.goto(f"/admin/nkhr/actor/{actor.pk}/change/")
    page.get_by_role("link", name="History").click()
    versions = page.locator("#change-history tbody tr")
    expect(versions).to_have_count(2)
    latest = versions.first
    expect(latest).to_contain_text("curator")
    changes = latest.locator(".history-changes")
    expect(changes).to_contain_text("Name: Jong Kyong Thaek → Chong Kyong Thaek")
    # Choices are shown by their labels, as the curator chose them.
    expect(changes).to_contain_text("Status: active → deceased")
    shot(page, "1-history-with-diff")

    versions.last.get_by_role("link", name="version 1").click()
    expect(page.locator("#id_name")).to_have_value("Jong Kyong Thaek")
    shot(page, "2-earlier-version")
    page.get_by_role("button", name="Revert").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Jong Kyong Thaek")

    actor.refresh_from_db()
    assert (actor.name, actor.status) == ("Jong Kyong Thaek", Actor.Status.ACTIVE)

    page.goto(f"/admin/nkhr/actor/{actor.pk}/history/")
    expect(versions).to_have_count(3)
    expect(versions.first).to_contain_text("Reverted to version 1")
    expect(versions.first.locator(".history-changes")).to_contain_text(
        "Name: Chong Kyong Thaek → Jong Kyong Thaek"
    )
    shot(page, "3-revert-in-history")

"""A curator's change to a published record waits for an editor, who publishes it from the
review queue; the public API reads the published version until then."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from nkhr.models import Actor, PendingChange
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def public_name(live_server, record) -> str:
    with urllib.request.urlopen(f"{live_server.url}/api/v1/actors/{record.pk}/") as response:
        return json.load(response)["name"]


def test_curator_change_waits_and_the_editor_publishes_it(page, curator, editor, live_server, shot):
    person = factories.PersonFactory(name="Kim Yong Chol")
    log_in(page, curator)

    page.goto(f"/admin/nkhr/actor/{person.pk}/change/")
    page.fill("#id_name", "Kim Yong-chol")
    page.click("input[name=_save]")

    expect(page.locator(".messagelist .warning")).to_contain_text(
        "Your change waits for an editor's review"
    )
    expect(page.locator("#pending-changes-notice")).to_contain_text("by curator")
    expect(page.locator("#id_name")).to_have_value("Kim Yong Chol")
    shot(page, "1-curator-notice")
    assert public_name(live_server, person) == "Kim Yong Chol"

    page.context.clear_cookies()
    log_in(page, editor)
    page.goto("/admin/review-queue/")
    change = PendingChange.objects.get()
    row = page.locator(f"#pending-change-{change.pk}")
    expect(row).to_contain_text("Kim Yong Chol")
    expect(row).to_contain_text("Kim Yong-chol")
    shot(page, "2-review-queue")
    row.get_by_role("button", name="Publish").click()

    expect(page.locator(".messagelist .success")).to_contain_text("Change published:")
    shot(page, "3-published")
    assert public_name(live_server, person) == "Kim Yong-chol"
    assert Actor.objects.get(pk=person.pk).name == "Kim Yong-chol"

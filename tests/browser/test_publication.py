"""An editor publishes a draft and withdraws it again; the public API follows."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from nkhr.models import Publication
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def public_status(live_server, path: str) -> int:
    """The status the public (no session, no token) gets for `path`."""
    try:
        with urllib.request.urlopen(f"{live_server.url}{path}") as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_action(page: Page, record_id: str, action: str, comment: str) -> None:
    """Select one record on the changelist and run a workflow action on it."""
    page.locator(f"input.action-select[value='{record_id}']").check()
    page.select_option("select[name=action]", action)
    page.fill("input[name=comment]", comment)
    page.get_by_role("button", name="Go").click()


def test_editor_publishes_a_draft_and_withdraws_it(page, editor, live_server, shot):
    draft = factories.PersonFactory(name="Ri Pyong Chol", publication=Publication.DRAFT)
    api_path = f"/api/v1/actors/{draft.pk}/"
    assert public_status(live_server, api_path) == 404
    log_in(page, editor)

    page.goto("/admin/nkhr/actor/?publication__exact=draft")
    expect(page.locator("#result_list")).to_contain_text("Ri Pyong Chol")
    run_action(page, draft.pk, "publication_publish", "Checked against the source.")
    expect(page.locator(".messagelist .success")).to_contain_text("Publish: 1 record done.")
    shot(page, "1-published")
    assert public_status(live_server, api_path) == 200

    page.goto("/admin/nkhr/actor/?publication__exact=published")
    run_action(page, draft.pk, "publication_withdraw", "Identity disputed.")
    expect(page.locator(".messagelist .success")).to_contain_text("Withdraw: 1 record done.")
    shot(page, "2-withdrawn")
    assert public_status(live_server, api_path) == 404

    draft.refresh_from_db()
    assert draft.publication == Publication.WITHDRAWN
    reasons = list(draft.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["Identity disputed.", "Checked against the source."]

"""The admin, the API's browsable pages and its Swagger docs work under the
Content-Security-Policy: Chromium reports no violation and no console error on any of
them, while a curator signs in, edits an actor, makes an API token, and reads the docs."""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import choose_autocomplete, log_in

pytestmark = [pytest.mark.browser]

# Recorded in the page before any of its own scripts run (Playwright's init scripts are
# not subject to the page's policy).
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watched:
    """What the browser complained about while the test browsed."""

    def __init__(self, page: Page):
        self.page = page
        self.console: list[str] = []
        self.policies: dict[str, str] = {}
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"{page.url}: {error}"))
        page.on("response", self._response)

    def _console(self, message):
        # The browser asks for /favicon.ico by itself; the project has none (a 404).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.console.append(f"{self.page.url}: {message.text}")

    def _response(self, response):
        if response.request.resource_type == "document":
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.cspViolations || []")

    def visit(self, path: str) -> list[str]:
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        return self.violations()


def test_the_admin_runs_under_the_policy(page, curator, shot):
    # A draft, which a curator changes directly (a published record's change waits).
    actor = factories.OrganisationFactory(
        name="Ministry of State Security", kind="ministry", publication="draft"
    )
    factories.OrganisationFactory(name="State Affairs Commission", kind="government")
    watched = Watched(page)

    assert watched.visit("/admin/login/") == []
    log_in(page, curator)
    assert watched.violations() == []
    for path in ["/admin/", "/admin/nkhr/actor/", "/admin/nkhr/actor/add/", "/admin/nkhr/"]:
        assert watched.visit(path) == [], path

    # A change page with its inlines, the autocomplete widget and the sidebar toggle.
    assert watched.visit(f"/admin/nkhr/actor/{actor.pk}/change/") == []
    choose_autocomplete(page, "parent", "state affairs", "State Affairs Commission")
    page.get_by_role("button", name="Add another alias").click()
    page.locator(".toggle-nav-sidebar").click()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert watched.violations() == []
    assert watched.visit(f"/admin/nkhr/actor/{actor.pk}/history/") == []

    # The token page selects the new key when it is focused (a script file, not onfocus).
    assert watched.visit("/admin/my-api-token/") == []
    page.get_by_role("button", name="Create a token").click()
    # The script comes after the field: focus it once the page has run its scripts, as a
    # curator's click into the field does.
    page.wait_for_load_state("load")
    key = page.locator("#token-key")
    key.focus()
    selected = page.evaluate(
        "() => { const k = document.getElementById('token-key');"
        " return k.value.substring(k.selectionStart, k.selectionEnd); }"
    )
    assert selected == key.input_value() != ""
    shot(page, "token")

    assert watched.violations() == []
    assert watched.console == []
    assert watched.policies, "no page was seen"
    for url, policy in watched.policies.items():
        assert "script-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy, url


def test_the_api_docs_and_browsable_pages_run_under_the_policy(page, curator, shot):
    factories.PersonFactory(name="Kim Jong Un")
    watched = Watched(page)

    assert watched.visit("/api/v1/docs/") == []
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    # Open a list operation and run it: the page calls the API itself (connect-src).
    actors_list = page.locator("#operations-actors-actors_list")
    actors_list.locator(".opblock-summary").click()
    actors_list.get_by_role("button", name="Try it out").click()
    with page.expect_response(lambda response: "/api/v1/actors/" in response.url) as answer:
        actors_list.get_by_role("button", name="Execute").click()
    assert answer.value.status == 200
    expect(actors_list.locator(".live-responses-table tbody .response-col_status")).to_contain_text(
        "200"
    )
    shot(page, "docs")
    assert watched.violations() == []

    log_in(page, curator)
    # The browsable API as a curator who may write: its forms list related records.
    for path in ["/api/v1/", "/api/v1/actors/", "/api/v1/designations/"]:
        assert watched.visit(path) == [], path
        expect(page.locator(".response-info")).to_be_visible()
    shot(page, "browsable")

    assert watched.violations() == []
    assert watched.console == []

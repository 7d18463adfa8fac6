"""A curator switches the admin to Korean and back with the switcher in the header."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def switch_language(page: Page, code: str) -> None:
    switcher = page.locator("#language-switcher")
    switcher.locator("select").select_option(code)
    # The button is labelled in the language being left, so it is found by its role only.
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_curator_switches_the_admin_to_korean_and_back(page, curator, shot):
    log_in(page, curator)
    page.goto("/admin/nkhr/")
    actors_link = page.locator("#content-main").get_by_role("link", name="Actors", exact=True)
    expect(actors_link).to_be_visible()
    shot(page, "1-english")

    switch_language(page, "ko")
    # The switcher brings the curator back to the page they were on, now in Korean.
    expect(page).to_have_url("/admin/nkhr/")
    expect(
        page.locator("#content-main").get_by_role("link", name="행위자", exact=True)
    ).to_be_visible()
    expect(page.locator("#language-switcher select")).to_have_value("ko")
    shot(page, "2-korean")

    switch_language(page, "en")
    expect(actors_link).to_be_visible()
    shot(page, "3-english-again")

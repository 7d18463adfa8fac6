"""A curator adds an actor under its Hangul name and finds it again by any spelling."""

import pytest
from playwright.sync_api import Page, expect

from nkhr.models import Actor, Alias
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def search_actors(page: Page, term: str):
    """Search the actor changelist the way a curator does, and return the result rows."""
    page.goto("/admin/nkhr/actor/")
    page.fill("#searchbar", term)
    page.press("#searchbar", "Enter")
    expect(page.locator("#searchbar")).to_have_value(term)
    return page.locator("#result_list tbody tr")


def test_curator_adds_an_actor_with_a_hangul_alias_and_finds_it_by_any_spelling(
    page, curator, shot
):
    factories.PersonFactory(name="Jong Kyong Thaek")  # another person, who must not match
    log_in(page, curator)

    page.goto("/admin/nkhr/actor/add/")
    page.fill("#id_name", "Kim Yong Chol")
    page.select_option("#id_kind", "person")
    page.get_by_role("button", name="Add another alias").click()
    alias_row = page.locator("#aliases-0")
    alias_row.locator("[name=aliases-0-name]").fill("김영철")
    alias_row.locator("[name=aliases-0-kind]").select_option("native")
    alias_row.locator("[name=aliases-0-language]").fill("ko")
    shot(page, "1-filled")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text("Kim Yong Chol")
    shot(page, "2-saved")

    actor = Actor.objects.get(name="Kim Yong Chol")
    alias = Alias.objects.get(actor=actor)
    assert (alias.name, alias.language, alias.script) == ("김영철", "ko", "Hang")

    rows = search_actors(page, "김영철")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kim Yong Chol")
    shot(page, "3-found-by-hangul")

    # Revised Romanization of the same name: no stored spelling, only the search key matches.
    rows = search_actors(page, "Gim Yeong-cheol")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kim Yong Chol")
    shot(page, "4-found-by-romanization")

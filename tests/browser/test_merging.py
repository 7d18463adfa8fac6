"""A curator finds two draft records of one person and merges them in the admin."""

import pytest
from playwright.sync_api import expect

from nkhr.models import Actor, Alias, MergedRecord, Publication
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]


def test_curator_merges_two_drafts_of_one_person(page, curator, live_server, shot):
    kept = factories.PersonFactory(name="Jong Kyong Thaek", publication=Publication.DRAFT)
    other = factories.PersonFactory(name="Chong Kyong-taek", publication=Publication.DRAFT)
    factories.AliasFactory(actor=other, name="정경택", language="ko")
    factories.PositionHeldFactory(person=other, publication=Publication.DRAFT)
    log_in(page, curator)

    page.goto("/admin/nkhr/actor/?publication__exact=draft")
    for record in (kept, other):
        page.locator(f"input.action-select[value='{record.pk}']").check()
    page.select_option("select[name=action]", "merge_two_records")
    page.get_by_role("button", name="Go").click()

    table = page.locator("#merge-records")
    expect(table).to_contain_text("Chong Kyong-taek")
    expect(table).to_contain_text("Positions held (person): 1")
    expect(table).to_contain_text("alias: Chong Kyong-taek")
    page.check(f"input[name=survivor][value='{kept.pk}']")
    page.fill("#merge-comment", "One person, two romanizations.")
    shot(page, "1-confirm")
    page.get_by_role("button", name="Merge").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        f"Chong Kyong-taek ({other.pk}) was merged into Jong Kyong Thaek."
    )
    aliases = page.locator("#aliases-group")
    expect(aliases.locator("input[value='Chong Kyong-taek']")).to_have_count(1)
    expect(aliases.locator("input[value='정경택']")).to_have_count(1)
    shot(page, "2-survivor")
    live_server.thread.httpd.wait_until_idle()
    assert not Actor.objects.filter(pk=other.pk).exists()
    assert set(Alias.objects.filter(actor=kept).values_list("name", flat=True)) == {
        "Chong Kyong-taek",
        "정경택",
    }
    assert MergedRecord.objects.get().merged_by == curator

    # The other's old page leads to the survivor.
    page.goto(f"/admin/nkhr/actor/{other.pk}/change/")
    expect(page).to_have_url(f"{live_server.url}/admin/nkhr/actor/{kept.pk}/change/")

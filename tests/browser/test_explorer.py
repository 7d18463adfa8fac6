"""The public explorer, as a visitor uses it in Chromium: search in the Korean interface,
a search narrowed by authority, the paper's wording of a law's name beside the official one,
a designation round's totals, a citation followed to its source, the timeline narrowed to
the UN, the language switched, a CSV downloaded, a record withdrawn by an editor gone from
every page; and every page type checked with axe-core (no serious or critical violation)
and photographed at 1280 and 390 pixels wide (screenshots/, git-ignored)."""

import csv
import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser]

PERSON = "/actors/jong-kyong-thaek/"
ROUND = "/designation-rounds/us-treasury-nkspea-designations-2016-2018/"
SIX_MONTHS = ("March 2016", "July 6, 2016", "Jan. 11, 2017", "August 2017", "October 2017")
PAGE_TYPES = {
    "home": "/",
    "search": "/search/?q=Chong+Gyong+Thaek",
    "search-narrowed": "/search/?q=Kim&type=designations",
    "record-person": PERSON,
    "record-round": ROUND,
    "record-law": "/legislation/us-114-hr-757/",
    "list": "/actors/",
    "timeline": "/timeline/",
    "charts": "/charts/",
    "downloads": "/downloads/",
    "about": "/about/",
}


@pytest.fixture(autouse=True)
def fresh_cache():
    # Each test's database starts empty again; the server's cached aggregates must too.
    cache.clear()
    yield
    cache.clear()


def switch_language(page: Page, code: str) -> None:
    page.locator(f"form.language button[value='{code}']").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_korean_search_reaches_the_persons_page(page, paper, shot):
    page.goto("/")
    switch_language(page, "ko")
    page.get_by_label("이름, 제목, 문서 기호, 법안 번호 검색").fill("Chong Gyong Thaek")
    page.get_by_role("button", name="검색", exact=True).click()
    expect(page.locator(".hits")).to_contain_text("Jong Kyong Thaek")
    shot(page, "1-korean-results")
    page.locator(".hits").get_by_role("link", name="Jong Kyong Thaek", exact=True).click()
    expect(page).to_have_url(PERSON)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jong Kyong Thaek")
    expect(page.locator("#cite")).to_have_text("이 기록 인용하기")
    shot(page, "2-korean-person")
    switch_language(page, "en")
    expect(page).to_have_url(PERSON)
    expect(page.locator("#cite")).to_have_text("Cite this record")


def test_search_narrowed_by_authority_then_cleared(page, paper, shot):
    page.goto("/search/?q=Jong+Kyong+Thaek")
    hits = page.locator(".hits > li")
    expect(hits).to_have_count(2)
    facets = page.get_by_role("navigation", name="Narrow the results")
    facets.get_by_role("list", name="Authority").get_by_role("link", name="European Union").click()
    expect(page).to_have_url("/search/?q=Jong+Kyong+Thaek&authority=european-union")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("designation")
    expect(facets.get_by_role("link", name="European Union")).to_have_attribute(
        "aria-current", "true"
    )
    shot(page, "narrowed")
    facets.get_by_role("link", name="Clear every choice").click()
    expect(hits).to_have_count(2)


def test_the_papers_wording_beside_the_official_name(page, paper):
    page.goto("/legislation/us-114-hr-757/")
    wordings = page.locator("dl.wordings")
    expect(wordings).to_contain_text("North Korea Sanctions and Policy Enhancement Act of 2016")
    expect(wordings).to_contain_text("“North Korea Sanctions and Policy Enforcement Act of 2016”")
    wordings.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/sources/[\w-]+/$"))


def test_a_designation_round_shows_its_totals_and_six_occasions(page, paper, shot):
    page.goto(ROUND)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Individuals designated (as reported)31")
    expect(facts).to_contain_text("Entities designated (as reported)13")
    occasions = page.locator(".reference", has_text="Occasions grouped here").locator("li")
    expect(occasions).to_have_count(6)
    for month in SIX_MONTHS:
        expect(occasions.filter(has_text=month)).to_have_count(1)
    shot(page, "round")


def test_a_citation_leads_to_its_source(page, paper):
    page.goto(ROUND)
    citation = page.locator("ol.citations li").first
    expect(citation).to_contain_text("section 2.b.(1)")
    expect(citation.locator("blockquote")).to_contain_text("31 individuals")
    title = citation.get_by_role("link").first.inner_text()
    citation.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/sources/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_timeline_narrowed_to_the_un(page, paper, shot):
    page.goto("/timeline/")
    expect(page.locator(".timeline")).to_contain_text("US Treasury human rights designations")
    page.get_by_label("Actor").select_option("un")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url("/timeline/?kind=&actor=un&year=")
    timeline = page.locator(".timeline")
    expect(timeline).not_to_contain_text("US Treasury human rights designations")
    expect(timeline).to_contain_text("Commission of Inquiry")
    shot(page, "un")


def test_a_list_downloads_as_csv(page, paper):
    page.goto("/downloads/")
    row = page.locator("table.downloads tr", has_text="Actors")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "actors.csv"
    with open(download.path(), encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert "jong-kyong-thaek" in {row["id"] for row in rows}


def test_an_editor_withdraws_a_record_and_it_disappears(page, paper, editor, shot):
    page.goto(PERSON)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jong Kyong Thaek")
    log_in(page, editor)
    page.goto("/admin/nkhr/actor/?q=jong-kyong-thaek")
    page.locator("input.action-select[value='jong-kyong-thaek']").check()
    page.select_option("select[name=action]", "publication_withdraw")
    page.fill("input[name=comment]", "Identity disputed.")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Withdraw: 1 record done.")

    response = page.goto(PERSON)
    assert response.status == 404
    page.goto("/search/?q=Chong+Gyong+Thaek")
    expect(page.locator("main")).not_to_contain_text("Jong Kyong Thaek")
    for url in ("/", "/actors/", "/actors/european-union/", "/timeline/", "/charts/"):
        page.goto(url)
        expect(page.locator("main")).not_to_contain_text("Jong Kyong Thaek")
        assert page.locator(f"a[href='{PERSON}']").count() == 0
    shot(page, "withdrawn")


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_type_is_accessible_and_photographed(chromium, live_server, paper, width):
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    axe = Axe()
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    try:
        for name, url in PAGE_TYPES.items():
            response = page.goto(url)
            assert response.status == 200, url
            results = axe.run(page)
            serious = [
                f"{violation['id']}: {violation['help']} ({len(violation['nodes'])})"
                for violation in results.response["violations"]
                if violation["impact"] in ("serious", "critical")
            ]
            if serious:
                found[url] = serious
            page.screenshot(path=str(SCREENSHOTS / f"explorer-{name}-{width}.png"), full_page=True)
    finally:
        context.close()
        live_server.thread.httpd.wait_until_idle()
    assert not found

"""A curator uploads a file of actors with mistakes, reads every error, fixes the file and
imports it."""

import pytest
from playwright.sync_api import Page, expect

from nkhr.models import Actor, Publication
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser]

HEADER = "name,kind,parent,established,aliases,citation_source,citation_page\n"
WITH_ERRORS = HEADER + (
    "Ri Song Chol,person,,2015-13,리성철,kinu-co22-19,3\n"
    "Ministry of State Security,ministry,Unknown Body,,국가보위성,kinu-co22-19,4\n"
    "Choe Son Hui,wizard,,,,,\n"
)
FIXED = HEADER + (
    "Ri Song Chol,person,,2015-06,리성철,kinu-co22-19,3\n"
    "Ministry of State Security,ministry,Government of the DPRK,,국가보위성,kinu-co22-19,4\n"
    "Choe Son Hui,person,,,최선희,kinu-co22-19,5\n"
)
NEW_NAMES = ["Choe Son Hui", "Ministry of State Security", "Ri Song Chol"]


def upload(page: Page, content: str) -> None:
    page.goto("/admin/nkhr/actor/import/")
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "actors.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.select_option("#id_format", label="csv")
    page.get_by_role("button", name="Submit").click()


def test_curator_fixes_an_import_file_from_its_error_list_and_imports_it(page, curator, shot):
    factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")
    factories.OrganisationFactory(name="Government of the DPRK", kind=Actor.Kind.GOVERNMENT)
    log_in(page, curator)

    upload(page, WITH_ERRORS)
    errors = page.locator("table.import-preview tbody")
    expect(errors.locator("tr")).to_have_count(3)
    for message in (
        "2015-13",  # the impossible month, quoted back
        "unknown actor 'Unknown Body'",
        "'wizard' is not a valid choice",
        "missing citation",
    ):
        expect(errors).to_contain_text(message)
    errors.locator("td.errors").first.hover()  # the list opens on hover
    shot(page, "1-errors")
    assert not Actor.objects.filter(name__in=NEW_NAMES).exists()

    upload(page, FIXED)
    preview = page.locator("table.import-preview")
    expect(preview.locator("tr.new")).to_have_count(3)
    shot(page, "2-preview")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator(".messagelist .success")).to_contain_text("3 new")
    shot(page, "3-imported")

    imported = Actor.objects.filter(name__in=NEW_NAMES).order_by("name")
    assert [actor.name for actor in imported] == NEW_NAMES
    # A curator's import makes drafts, each citing the source on its row's page.
    assert {actor.publication for actor in imported} == {Publication.DRAFT}
    ministry = imported.get(name="Ministry of State Security")
    assert ministry.parent.name == "Government of the DPRK"
    assert [alias.name for alias in ministry.aliases.all()] == ["국가보위성"]
    assert ministry.citations.get().page == "4"

    page.goto("/admin/nkhr/actor/?q=국가보위성")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Ministry of State Security")
    shot(page, "4-found")

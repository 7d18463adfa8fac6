"""The explorer's pages on the paper's records, read as the public reads them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from nkhr.stats import stats_for

ROUND = "/designation-rounds/us-treasury-nkspea-designations-2016-2018/"
PERSON = "/actors/jong-kyong-thaek/"


def text(response) -> str:
    """The visible words of a page, spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search/",
        "/search/?q=hr+757",
        "/timeline/",
        "/timeline/?actor=un",
        "/charts/",
        "/downloads/",
        "/about/",
        "/actors/",
        PERSON,
        ROUND,
        "/sitemap.xml",
        "/sitemap-actors.xml",
    ],
)
def test_every_page_answers(client, paper, url):
    assert client.get(url).status_code == 200


def test_the_root_is_the_explorer(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<title>" in response.content
    assert b'rel="canonical"' in response.content


def test_home_counts_records_by_type(client, paper):
    page = text(client.get("/"))
    counts = {row["type"]: row["count"] for row in stats_for()["types"]}
    assert f"Designation rounds {counts['designation-rounds']}" in page
    assert "Latest changes" in page


def test_a_designation_round_shows_its_totals_and_six_occasions(client, paper):
    page = text(client.get(ROUND))
    assert "Individuals designated (as reported) 31" in page
    assert "Entities designated (as reported) 13" in page
    for month in ("March 2016", "August 2017", "October 2017"):
        assert month in page
    # Known to the day where the notice gives it; never an invented day for a month.
    assert "July 6, 2016" in page and "March 1, 2016" not in page
    assert page.count("US Treasury human rights designations, ") == 6


def test_a_record_cites_its_sources_with_locator_and_quote(client, paper):
    response = client.get(ROUND)
    page = text(response)
    assert "section 2.b.(1)" in page
    assert "the US Treasury has designated 31 individuals" in page
    assert re.search(rb'href="/sources/[\w-]+/"', response.content)


def test_a_person_shows_relations_aliases_and_citation_line(client, paper):
    page = text(client.get(PERSON))
    assert "Positions held Minister of State Security" in page
    assert "Designated by European Union" in page
    assert "Chong Gyong Thaek" in page  # an alias
    assert "Cite this record" in page
    assert "http://testserver/actors/jong-kyong-thaek/" in page


def test_search_finds_a_romanization_and_says_why(client, paper):
    response = client.get("/search/", {"q": "Chong Gyong Thaek"})
    page = text(response)
    assert 'href="/actors/jong-kyong-thaek/"' in response.content.decode()
    assert "Matched “Jong Kyong Thaek” (name): the same name, however written." in page
    assert "Narrow the results" in page


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("Ri", "Matched “Ri Yong Gil” (name): the word searched for."),
        ("Yong Gil", "Matched “Ri Yong Gil” (name): every word searched for."),
        ("Hiro", "Matched “Mazie Hirono” (name): the start of a word."),
        (
            "Kim Jo",
            "Matched “Kim Jong Un” (name): every word searched for, the last as the start"
            " of a word.",
        ),
    ],
)
def test_search_says_how_the_words_searched_for_matched(client, paper, query, why):
    page = text(client.get("/search/", {"q": query}))
    assert why in page
    said = why.split(": ")[-1].rstrip(".")
    with translation.override("ko"):
        korean = text(client.get("/search/", {"q": query}, HTTP_ACCEPT_LANGUAGE="ko"))
        in_korean = translation.gettext(said)
    assert in_korean != said and in_korean in korean


def test_the_readme_names_every_way_a_name_matches():
    from explorer.views import HOW

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"how it\s+matched \(([^)]*)\)", readme)
    assert listed, "README: `?explain=1` … how it matched (…)"
    assert set(re.findall(r"`([^`]+)`", listed[1])) == set(HOW)


def test_search_facets_narrow_by_type(client, paper):
    response = client.get("/search/", {"q": "Jong Kyong Thaek", "type": "designations"})
    html = response.content.decode()
    assert 'href="/designations/' in html
    assert 'href="/actors/jong-kyong-thaek/"' not in html.split('class="results"')[1]


def test_a_bad_query_is_a_400_saying_so(client, db):
    response = client.get("/search/", {"q": "x" * 300})
    assert response.status_code == 400
    assert "At most 200 characters" in text(response)


def test_unknown_type_or_record_is_404(client, paper):
    assert client.get("/no-such-type/").status_code == 404
    assert client.get("/actors/no-such-actor/").status_code == 404


def test_timeline_places_months_and_marks_them(client, paper):
    page = text(client.get("/timeline/", {"kind": "designations"}))
    assert "March 2016 (month known)" in page
    assert "Designation rounds" in page


def test_timeline_filtered_to_the_un(client, paper):
    everyone = text(client.get("/timeline/"))
    un = text(client.get("/timeline/", {"actor": "un"}))
    assert "US Treasury human rights designations" in everyone
    assert "US Treasury human rights designations" not in un
    assert "Commission of Inquiry" in un or "Special Rapporteur" in un


def test_charts_are_svg_with_title_description_and_table(client, paper):
    html = client.get("/charts/").content.decode()
    assert html.count("<svg") >= 3
    assert "<title id=" in html and "<desc id=" in html
    assert "Designations per authority per year" in html
    assert '<table class="data">' in html


def test_downloads_link_the_apis_csv_and_json(client, paper):
    html = client.get("/downloads/").content.decode()
    assert "/api/v1/actors/?format=csv" in html
    assert "/api/v1/export/?resource=designations" in html


def test_pages_carry_no_inline_script_or_style(client, paper):
    for url in ("/", PERSON, "/charts/", "/timeline/", "/search/?q=kim"):
        html = client.get(url).content.decode()
        assert "<script" not in html
        assert "style=" not in html and "<style" not in html


def test_the_korean_explorer(client, paper):
    client.cookies["django_language"] = "ko"
    with translation.override("ko"):
        page = text(client.get(ROUND, headers={"accept-language": "ko"}))
    assert "2016년 3월" in page
    assert "이 기록 인용하기" in page


def test_sitemap_lists_public_records(client, paper):
    xml = client.get("/sitemap-actors.xml").content.decode()
    assert "/actors/jong-kyong-thaek/" in xml


def test_the_papers_wording_is_shown_beside_the_official_name(client, paper):
    page = text(client.get(PERSON))
    assert "Official name Jong Kyong Thaek" in page
    assert "section 2.b.(1) “Chong Gyong Thaek”" in page
    # A law's official name is its short title; the paper calls it "Enforcement" Act.
    page = text(client.get("/legislation/us-114-hr-757/"))
    assert "Official name North Korea Sanctions and Policy Enhancement Act of 2016" in page
    assert "“North Korea Sanctions and Policy Enforcement Act of 2016”" in page


def test_a_record_the_paper_names_as_it_is_officially_shows_no_wording(client, paper):
    assert "Official name" not in text(client.get(ROUND))

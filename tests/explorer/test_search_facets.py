"""The explorer's search narrowed by type, authority, regime, country and year: each
choice keeps only the hits that hold it, each list of values counts the hits under the
other choices, and a record the public may not see is never a value."""

import re

from nkhr.models import Actor, Publication

EU = "european-union"
PERSON = "jong-kyong-thaek"


def page(client, **params) -> str:
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> list[str]:
    """The record links among the results, in order."""
    return re.findall(r'<li>\s*<a href="(/[^"]+/)"', html.split('class="results"')[1])


def facet_links(html: str) -> dict[str, str]:
    """`visible text -> href` of the values the page offers to narrow by."""
    nav = html.split('<nav class="facets"')[1].split("</nav>")[0]
    return {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", label)).strip(): href.replace("&amp;", "&")
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, flags=re.S)
    }


def test_the_values_of_every_dimension_are_offered_with_counts(client, paper):
    links = facet_links(page(client, q="Jong Kyong Thaek"))
    assert links["Actors 1"] == "?q=Jong+Kyong+Thaek&type=actors"
    assert links["European Union 1"] == "?q=Jong+Kyong+Thaek&authority=european-union"
    assert links["North Korea 1"] == "?q=Jong+Kyong+Thaek&country=KP"
    assert links["2021 1"] == "?q=Jong+Kyong+Thaek&year=2021"
    assert any(label.startswith("EU Global Human Rights Sanctions Regime") for label in links)


def test_an_authority_keeps_only_its_designations(client, paper):
    everything = results(page(client, q="Jong Kyong Thaek"))
    assert f"/actors/{PERSON}/" in everything
    narrowed = results(page(client, q="Jong Kyong Thaek", authority=EU))
    assert narrowed and all(link.startswith("/designations/") for link in narrowed)
    assert f"/actors/{PERSON}/" not in narrowed


def test_a_country_keeps_only_records_of_it(client, paper):
    korean = results(page(client, q="ministry", country="KP"))
    south = results(page(client, q="ministry", country="KR"))
    assert korean and south and not set(korean) & set(south)
    assert "/actors/dprk-ministry-of-state-security/" in korean


def test_choices_combine_and_each_list_counts_under_the_others(client, paper):
    html = page(client, q="Kim", type="designations", year="2016")
    found = results(html)
    assert found and all(link.startswith("/designations/") for link in found)
    links = facet_links(html)
    # The type list counts the 2016 hits of every type; the chosen year stays offered.
    assert links["Designations 1"] == "?q=Kim&type=designations&year=2016"
    assert "Clear every choice" in links
    assert links["Clear every choice"] == "?q=Kim"


def test_a_value_that_matches_nothing_shows_no_result_not_an_error(client, paper):
    html = page(client, q="Kim", authority="no-such-authority", year="abc")
    assert results(html) == []
    assert "Nothing found" in html


def test_an_authority_the_public_may_not_see_is_not_a_value(client, paper):
    assert "European Union" in facet_links(page(client, q="Jong Kyong Thaek")).__repr__()
    eu = Actor.objects.get(pk=EU)
    eu.publication = Publication.DRAFT
    eu.save()
    html = page(client, q="Jong Kyong Thaek")
    assert not any("European Union" in label for label in facet_links(html))
    # Narrowing by it finds nothing: the hidden authority is no value of the designation.
    assert results(page(client, q="Jong Kyong Thaek", authority=EU)) == []

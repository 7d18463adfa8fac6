"""The ranked search as analysts type names (nkhr/matching.py, nkhr/api/search.py): the
issue's examples against the paper's own records, scores in [0, 1] that say why, and the
order of the kinds of match."""

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from nkhr.api.search import SCORED
from nkhr.documents import deferred
from nkhr.matching import Kind, best_match, parse
from tests import factories

CASES = json.loads((Path(__file__).parents[2] / "bench" / "search_cases.json").read_text())


def search(query: str, **params) -> list[dict]:
    answer = APIClient().get("/api/v1/search/", {"q": query, **params})
    assert answer.status_code == 200, answer.content
    return answer.json()["results"]


def test_every_example_of_the_issue_finds_its_record_first(paper):
    # One load of the paper for all of them: each is a query as analysts typed it.
    examples = [case for case in CASES if case["origin"] == "issue"]
    assert len(examples) >= 14
    missed = {}
    for case in examples:
        hits = search(case["query"])
        top = f"{hits[0]['resource']}/{hits[0]['id']}" if hits else None
        if top != case["expected"]:
            missed[case["query"]] = top
    assert missed == {}


def test_scores_are_between_0_and_1_and_explained(paper):
    hits = search("Kim", explain="1")
    assert hits and all(0 < hit["score"] <= 1 for hit in hits)
    # Not all alike: how much of a name the query covers counts.
    assert len({hit["score"] for hit in hits}) > 3
    assert hits == sorted(hits, key=lambda hit: -hit["score"])
    matched = hits[0]["matched"]
    assert set(matched) == {"name", "field", "kind", "how", "score"}
    assert matched["how"] == "all words" and "Kim" in matched["name"]
    assert "matched" not in search("Kim")[0]


def test_a_person_ranks_above_the_designations_of_that_person(paper):
    hits = search("Jong Kyong Thaek", explain="1")
    assert [hit["resource"] for hit in hits[:2]] == ["actors", "designations"]
    assert hits[0]["score"] == 1.0
    assert hits[1]["matched"]["kind"] == Kind.LINK


def test_a_typo_is_found_by_a_name_like_it(paper):
    hits = search("Jong Kyng Thaek", explain="1")
    assert hits[0]["id"] == "jong-kyong-thaek"
    assert hits[0]["matched"]["how"] == "similar"
    assert hits[0]["score"] < 0.9


@pytest.mark.parametrize("flag", ["yes", "2"])
def test_a_malformed_explain_flag_is_a_400_naming_it(db, flag):
    answer = APIClient().get("/api/v1/search/", {"q": "Kim", "explain": flag})
    assert answer.status_code == 400
    assert "explain" in answer.json()


def entries(*rows):
    return [[name, "name", kind, "", "", False] for name, kind in rows]


def test_the_kinds_of_match_rank_in_order():
    query = parse("Jong Kyong Thaek")
    exact = best_match(query, entries(("Jong Kyong Thaek", Kind.NAME)))
    alias = best_match(query, entries(("Chong Kyong-thaek", Kind.ALIAS)))
    words = best_match(parse("Jong Thaek"), entries(("Jong Kyong Thaek", Kind.NAME)))
    similar = best_match(parse("Jong Kyng Thaek"), entries(("Jong Kyong Thaek", Kind.NAME)))
    linked = best_match(query, entries(("Jong Kyong Thaek", Kind.LINK)))
    assert [exact.how, alias.how, words.how, similar.how] == [
        "exact", "exact", "all words", "similar"
    ]  # fmt: skip
    assert exact.score > alias.score > words.score > similar.score > 0
    assert alias.score > linked.score > similar.score


def test_a_word_typed_whole_ranks_above_a_name_it_only_begins():
    whole = best_match(parse("Ri"), entries(("Ri Yong Gil", Kind.NAME)))
    begun = best_match(parse("Kim Yo"), entries(("Kim Yong Chol", Kind.NAME)))
    assert (whole.how, begun.how) == ("all words", "last word begun")
    assert best_match(parse("Kim Yong"), entries(("Kim Yong Chol", Kind.NAME))).score > (
        begun.score
    )
    # Typing on, a name begun is still found ("Kim Jo" for "Kim Jong Un").
    begun = best_match(parse("Kim Jo"), entries(("Kim Jong Un", Kind.NAME)))
    assert begun.how == "last word begun"


def test_a_surname_folded_to_one_letter_begins_no_word():
    # The folds make "Ri", "Lee" and "Yi" the key `i`, which begins "ICCPR", "Inaugural"
    # and "Il": none of them is what was typed.
    for typed in ("Ri", "Lee", "Yi"):
        assert best_match(parse(typed), entries(("Ri Yong Gil", Kind.NAME))).how == "all words"
        for name in ("ICCPR", "Inaugural address of President Yoon Seok-youl", "Kim Il Sung"):
            assert best_match(parse(typed), entries((name, Kind.NAME))) is None, (typed, name)


@pytest.mark.parametrize("surname", ["Ri", "Lee", "Yi"])
def test_a_surname_typed_alone_finds_its_people(paper, surname):
    # The folds make the three one letter (`i`): looked for as the start of a name, as two
    # letters are, not as a whole name "I" that no one has.
    assert search(surname)[0]["id"] == "ri-yong-gil"
    listed = APIClient().get("/api/v1/actors/", {"search": surname})
    assert listed.status_code == 200
    assert "ri-yong-gil" in [actor["id"] for actor in listed.json()["results"]]


def test_staff_only_names_count_only_for_staff():
    hidden = [["Pak Hidden", "target", Kind.LINK, "", "", True]]
    assert best_match(parse("Pak Hidden"), hidden) is None
    assert best_match(parse("Pak Hidden"), hidden, hidden=True).how == "exact"


@pytest.mark.django_db
def test_hangul_finds_a_latin_only_record_and_back():
    from tests import factories

    latin = factories.PersonFactory(name="Kim Yong Chol")
    hangul = factories.PersonFactory(name="리선권")
    assert [hit["id"] for hit in search("김영철")][:1] == [latin.pk]
    assert [hit["id"] for hit in search("Ri Son Gwon")][:1] == [hangul.pk]
    assert [hit["id"] for hit in search("Lee Son-gwon")][:1] == [hangul.pk]


# Names one key stands for: the folds that find "Ri Yong Gil" for "Lee Yong-gil" make
# "Ri Ryong Il" and "Ri Yong Kil" its equals, and a million people hold hundreds of them.
NAMESAKES = ["Ri Ryong Il", "Ri Ryong Kil", "Ri Yong Il", "Ri Yong Kil", "Ri Yong Gil"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Ri Yong Gil", "Ri Yong Gil"),
        ("RI, Yong-gil", "Ri Yong Gil"),
        ("Yi Yong Gil", "Ri Yong Gil"),
        ("Ri Yong Il", "Ri Yong Il"),
        ("Ri Ryong Kil", "Ri Ryong Kil"),
        ("Ri Yng Gil", "Ri Yong Gil"),  # a typo: the nearest spelling, not the first namesake
    ],
)
def test_among_namesakes_of_one_key_the_name_spelt_as_typed_is_first(typed, meant):
    from tests import factories

    # Created in an order that puts the meant one last among equals.
    people = {name: factories.PersonFactory(name=name) for name in NAMESAKES}
    hits = search(typed, type="actors", explain="1")
    assert hits[0]["id"] == people[meant].pk, [(hit["name"], hit["score"]) for hit in hits]
    if hits[0]["matched"]["how"] == "exact":
        # The other spellings of the key are still found, just below it.
        assert {hit["id"] for hit in hits} >= {person.pk for person in people.values()}
        assert all(0.9 < hit["score"] < hits[0]["score"] for hit in hits[1:])


def test_the_north_korean_spelling_of_a_hangul_name_matches_it_letter_for_letter():
    from nkhr.matching import spelling

    assert spelling(parse("정경택"), "Jong Kyong Thaek") == 1.0
    assert spelling(parse("리영길"), "Ri Yong Gil") == 1.0
    assert spelling(parse("Thaek Jong Kyong"), "Jong Kyong Thaek") == 1.0
    assert spelling(parse("Jong Kyongthaek"), "Jong Kyong-thaek") == 1.0
    assert 0.8 < spelling(parse("Jong Kyong Taek"), "Jong Kyong Thaek") < 1.0
    # Both of the North's spellings of 리영길, before a namesake of another.
    assert spelling(parse("리영길"), "Ri Yong Kil") == 1.0
    assert spelling(parse("리영길"), "Ri Ryong Il") < 0.9
    exact = best_match(parse("Ri Yong Gil"), [["Ri Yong Gil", "name", Kind.NAME, "", "", False]])
    other = best_match(parse("Ri Yong Gil"), [["Ri Ryong Il", "name", Kind.NAME, "", "", False]])
    assert exact.how == other.how == "exact"
    assert 0.9 < other.score < exact.score == 1.0


@pytest.mark.django_db
def test_a_typo_finds_its_name_among_more_candidates_than_are_scored():
    # More names share the typo's trigrams than a search scores (SCORED), and all sort
    # before the one meant: the closest keys must be the ones scored, not the first by name.
    with deferred():
        for n in range(SCORED + 50):
            factories.OrganisationFactory(name=f"Ministry of Agriculture and Fisheries {n:03}")
        meant = factories.OrganisationFactory(name="Ministry of Unification")
    hits = search("Ministry of Unfication", explain="1")
    assert (hits[0]["id"], hits[0]["matched"]["how"]) == (meant.pk, "similar")

"""Name keys (`nkhr.names`): the ways lists and people write one name compare equal."""

import pytest

from nkhr.names import (
    name_forms,
    romanize_hangul,
    split_hangul_name,
    split_name,
    token_keys,
    trigram_similarity,
    trigrams,
)


def same_name(a: str, b: str) -> bool:
    """Whether `a`, as typed, is one of the forms of the stored name `b`."""
    return name_forms(a)[0] in name_forms(b)


# (as typed, as stored): each pair is one name, written two ways.
SAME = [
    # Surname last, as sanctions lists write it, and the comma after the surname.
    ("Thaek Jong Kyong", "Jong Kyong Thaek"),
    ("JONG, Kyong Thaek", "Jong Kyong Thaek"),
    ("Kyong-thaek Jong", "Jong Kyong Thaek"),
    # Hyphen and spacing in the given name.
    ("Jong Kyong-thaek", "Jong Kyong Thaek"),
    ("Jong Kyongthaek", "Jong Kyong Thaek"),
    # McCune-Reischauer, Revised Romanization and list spellings.
    ("Chŏng Kyŏng-t'aek", "Jong Kyong Thaek"),
    ("Jeong Gyeong-taek", "Jong Kyong Thaek"),
    ("Chŏng Kyŏng-t\u2019aek", "Jong Kyong Thaek"),
    ("Chong Gyong Thaek", "Jong Kyong Thaek"),
    ("Jong Kyung Taek", "Jong Kyong Thaek"),
    # Hangul and romanization, both ways.
    ("정경택", "Jong Kyong Thaek"),
    ("Jong Kyong Thaek", "정경택"),
    ("김정은", "Kim Jong Un"),
    ("윤석열", "Yoon Seok-youl"),
    ("문재인", "Moon Jae-in"),
    ("김수암", "Kim Soo-Am"),
    ("Kim, Soo-Am", "Kim Soo-Am"),
    # North and South Korean spellings (the initial-sound rule).
    ("Lee Yong-gil", "Ri Yong Gil"),
    ("Yi Yong Gil", "Ri Yong Gil"),
    ("Rhee Yong Gil", "Ri Yong Gil"),
    ("이영길", "Ri Yong Gil"),
    ("리영길", "Lee Yong-gil"),
    ("Yu Myong Hui", "Ryu Myong Hui"),
    ("No Tu Chol", "Ro Tu Chol"),
    ("Im Chol", "Rim Chol"),
    # Titles and initials.
    ("Mazie K. Hirono", "Mazie Hirono"),
    ("Dr. Mazie Hirono", "Mazie Hirono"),
]

DIFFERENT = [
    ("Kim Jong Un", "Jong Kyong Thaek"),
    ("Ri Yong Gil", "Ri Yong Ho"),
    ("Moon Jae-in", "Yoon Seok-youl"),
]


@pytest.mark.parametrize(("typed", "stored"), SAME)
def test_one_name_written_two_ways_has_one_form(typed, stored):
    assert same_name(typed, stored), (name_forms(typed), name_forms(stored))


@pytest.mark.parametrize(("typed", "stored"), DIFFERENT)
def test_different_names_keep_different_forms(typed, stored):
    assert not set(name_forms(typed)) & set(name_forms(stored))


def test_hangul_is_romanized_syllable_by_syllable():
    assert romanize_hangul("정경택") == "jeonggyeongtaek"
    assert romanize_hangul("리영길") == "riyeonggil"
    assert romanize_hangul("닭 abc") == "dak abc"


def test_hangul_is_also_spelt_as_the_north_writes_it():
    assert romanize_hangul("정경택", north=True) == "jongkyongthaek"
    assert romanize_hangul("리영길", north=True) == "riyongkil"
    assert romanize_hangul("최룡해", north=True) == "choeryonghae"
    # Voiced after a word's first syllable, as lists write a given name.
    assert romanize_hangul("리 영길", north=True, voiced=True) == "ri yonggil"
    assert romanize_hangul("김정은", north=True, voiced=True) == "kimjongun"


def test_a_hangul_name_splits_into_surname_and_given_name():
    assert split_hangul_name("정경택") == ["정", "경택"]
    assert split_hangul_name("남궁민") == ["남궁", "민"]
    assert split_hangul_name("조선민주주의인민공화국") == ["조선민주주의인민공화국"]
    assert split_hangul_name("Kim") == ["Kim"]


def test_titles_and_initials_are_optional_words():
    split = split_name("Senator Mazie K. Hirono")
    assert split.words == ("Mazie", "Hirono")
    assert split.optional == ("Senator", "K")
    # A title alone is still a name to search for.
    assert split_name("Minister").words == ("Minister",)


def test_ordinals_in_words_and_numbers_have_one_key():
    assert token_keys("Seventh Bureau") == token_keys("7th Bureau") == token_keys("7 Bureau")


def test_forms_are_the_rotations_of_the_word_order():
    forms = name_forms("Jong Kyong Thaek")
    assert forms == (
        name_forms("Jong Kyong Thaek")[0],
        name_forms("Kyong Thaek Jong")[0],
        name_forms("Thaek Jong Kyong")[0],
    )
    assert len(set(forms)) == 3


def test_names_of_another_script_keep_their_characters():
    assert token_keys("金正恩") == ("金正恩",)


def test_empty_and_punctuation_only_names_have_no_forms():
    assert name_forms("") == ()
    assert name_forms(" - , . ") == ()


def test_trigrams_and_similarity_follow_pg_trgm():
    # pg_trgm: show_trgm('cat') = {"  c"," ca","at ","cat"}; similarity('cat','cats') = 0.5 …
    assert trigrams("cat") == {"  c", " ca", "cat", "at "}
    assert trigram_similarity("cat", "cat") == 1.0
    assert trigram_similarity("cat", "dog") == 0.0
    assert trigram_similarity("", "dog") == 0.0
    assert round(trigram_similarity("word", "words"), 4) == round(4 / 7, 4)


def test_a_typo_stays_close():
    typed, stored = name_forms("Jong Kyng Thaek")[0], name_forms("Jong Kyong Thaek")
    assert max(trigram_similarity(typed, form) for form in stored) > 0.6


def paper_people_and_their_names():
    """(name, alias) of each of the paper's people, as the fixtures hold them."""
    import json
    from pathlib import Path

    rows = json.loads((Path(__file__).parents[2] / "fixtures" / "actors.json").read_text())
    people = {
        row["pk"]: row["fields"]["name"]
        for row in rows
        if row["model"] == "nkhr.actor" and row["fields"]["kind"] == "person"
    }
    return [
        (people[row["fields"]["actor"]], row["fields"]["name"])
        for row in rows
        if row["model"] == "nkhr.alias" and row["fields"]["actor"] in people
    ]


def test_the_papers_people_have_one_form_under_all_their_names():
    # "Chong Gyong Thaek" and "JONG Kyong-thaek" for Jong Kyong Thaek, "Kim, Soo-Am" …
    pairs = paper_people_and_their_names()
    assert len(pairs) >= 3
    for name, alias in pairs:
        assert same_name(alias, name), (alias, name)
        assert same_name(name, alias), (name, alias)

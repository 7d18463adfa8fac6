"""Search keys: compact forms and romanization-insensitive name keys."""

import pytest

from nkhr.text import compact, detect_script, name_key


@pytest.mark.parametrize("written", ["H. R. 757", "hr 757", "H.R.757", "H.R. 757", "HR-757"])
def test_compact_ignores_case_spacing_and_punctuation(written):
    assert compact(written) == "hr757"


def test_compact_drops_diacritics():
    assert compact("Jŏng Kyŏng T'aek") == "jongkyongtaek"


@pytest.mark.parametrize("empty", ["", None])
def test_compact_of_nothing_is_empty(empty):
    assert compact(empty) == ""
    assert name_key(empty) == ""


@pytest.mark.parametrize(
    "spellings",
    [
        # McCune-Reischauer without and with diacritics, and a sanctions-list spelling.
        ["Chong Gyong Thaek", "Jong Kyong-thaek", "Jŏng Kyŏng T'aek"],
        ["Ri Yong Gil", "Ri Yong-gil", "RI Yong Gil"],
        ["Kim Jong Un", "Kim Jong-un", "Gim Jeong-eun"],
        ["P'yŏngyang", "Pyongyang"],
    ],
)
def test_name_key_folds_romanization_variants_together(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


def test_name_key_keeps_different_names_apart():
    assert name_key("Ri Yong Gil") != name_key("Ri Yong Ho")
    assert name_key("Kim Jong Un") != name_key("Kim Yo Jong")


def test_name_key_leaves_hangul_alone_apart_from_spacing():
    assert name_key("정경택") == "정경택"
    assert name_key("김 정은") == "김정은"
    assert compact("김정은") == "김정은"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("정경택", "Hang"),
        ("Kim 김", "Hang"),
        ("金正恩", "Hani"),
        ("Jong Kyong-thaek", "Latn"),
        ("Jŏng Kyŏng T'aek", "Latn"),
        ("Ким Чен Ын", ""),
        ("757", ""),
        ("", ""),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_revised_romanization_meets_mccune_reischauer_where_a_fold_doubles_a_letter():
    assert name_key("Jang Seok-gyeong") == name_key("Jang Sok Kyong")
    assert name_key("Bak Gyeong") == name_key("Pak Kyong")

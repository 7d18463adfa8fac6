"""Names as lists and people write them, and keys under which the ways compare equal.

A Korean name reaches NKHR Records written many ways: "Jong Kyong Thaek", "JONG, Kyong-thaek",
"Thaek Jong Kyong" (surname last), "Chŏng Kyŏng-t'aek", "Jeong Gyeong-taek", "정경택"; and
North and South write the same surname differently: 리영길 "Ri Yong Gil" in the North is
이영길 "Lee / Yi Yong-gil" in the South. This module turns a name into:

* `token_keys()`: one key per word, with Hangul romanized (Revised Romanization, per
  syllable), case, marks and punctuation dropped, the initial-sound rule between North and
  South applied (리/이, 류/유, 로/노, 녀/여: a word-initial r or l before i or y is dropped,
  before another vowel it becomes n; a word-initial n before i or y is dropped), common
  surname spellings folded (Lee/Rhee/Yi → i, Park/Pak/Bak → pak, Choi/Choe → choe …), and
  the romanization folds of `nkhr.text.name_key`; ordinals written as words or numbers
  ("Seventh", "7th") become the number.
* `name_forms()`: the words' keys joined without spaces, in every rotation of the word
  order, so that surname first or last and a given name written "Kyong-thaek",
  "Kyongthaek" or "Kyong Thaek" give the same string.
* `trigram_similarity()`: the similarity PostgreSQL's pg_trgm computes, in Python, for
  typos ("Jong Kyng Thaek") and for explaining a score the same way on both databases.

Titles ("Senator", "Minister", "Dr.") and initials ("Mazie K. Hirono") are set apart by
`split_name()` as optional words: a name matches without them.

Nothing here knows a record type; search documents and matching are built on it.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from nkhr.text import compact, name_key

# --- Hangul, romanized per syllable (Revised Romanization, no sound changes across syllables)

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "eu", "ui", "i",
)  # fmt: skip
# A final consonant as it is written at the end of a syllable (ㄹ as l, clusters by the
# consonant that is pronounced).
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip

# The North's romanization (as its lists write it, without marks): ㅈ j, ㅌ th, ㅓ o,
# ㅡ u; "정경택" is "jongkyongthaek" where the South writes "jeonggyeongtaek".
_INITIALS_NORTH = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh",
    "th", "ph", "h",
)  # fmt: skip
_MEDIALS_NORTH = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "u", "ui", "i",
)  # fmt: skip

_VOICED = {"k": "g", "t": "d", "p": "b"}

# Two-syllable Korean surnames; any other Hangul name's surname is its first syllable.
_TWO_SYLLABLE_SURNAMES = frozenset({"남궁", "독고", "동방", "사공", "서문", "선우", "제갈", "황보"})


def is_hangul(text: str) -> bool:
    return any(_HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST for ch in text)


def romanize_hangul(text: str, north: bool = False, voiced: bool = False) -> str:
    """`text` with every Hangul syllable written in Latin letters (Revised Romanization,
    or with `north` the North's spelling, syllable by syllable); other characters kept.
    With `voiced`, the North's ㄱ ㄷ ㅂ after a word's first syllable are g d b, as its
    lists often write a given name ("Yong Gil" for 영길, but "Kyong Thaek" for 경택)."""
    initials, medials = (_INITIALS_NORTH, _MEDIALS_NORTH) if north else (_INITIALS, _MEDIALS)
    out = []
    for position, ch in enumerate(text):
        code = ord(ch) - _HANGUL_FIRST
        if 0 <= code <= _HANGUL_LAST - _HANGUL_FIRST:
            initial, rest = divmod(code, 21 * 28)
            medial, final = divmod(rest, 28)
            start = initials[initial]
            if voiced and position and not text[position - 1].isspace():
                start = _VOICED.get(start, start)
            out.append(start + medials[medial] + _FINALS[final])
        else:
            out.append(ch)
    return "".join(out)


def split_hangul_name(word: str) -> list[str]:
    """A Korean personal name written as one Hangul word, as surname and given name
    ("정경택" → ["정", "경택"]); any other word as it is."""
    syllables = [ch for ch in word if _HANGUL_FIRST <= ord(ch) <= _HANGUL_LAST]
    if len(syllables) != len(word) or not 2 <= len(word) <= 5:
        return [word]
    cut = 2 if word[:2] in _TWO_SYLLABLE_SURNAMES and len(word) > 2 else 1
    return [word[:cut], word[cut:]]


# --- words ----------------------------------------------------------------------------------

# Words that say what a person is rather than who: a name matches with or without them.
TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
        "hon", "honourable", "honorable", "rt", "senator", "sen", "representative", "rep",
        "congressman", "congresswoman", "minister", "ambassador", "president", "chairman",
        "chairwoman", "chair", "general", "gen", "marshal", "colonel", "col", "judge",
        "justice", "secretary", "envoy", "commissioner", "rapporteur", "premier", "mp",
    }
)  # fmt: skip

_ORDINALS = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10", "eleventh": "11",
    "twelfth": "12",
}  # fmt: skip
_DOUBLED = re.compile(r"([a-z])\1+")
_NUMBERED = re.compile(r"^(\d+)(?:st|nd|rd|th)$")

# Spellings of one surname, each mapped to one key (compact forms, before the folds).
_SURNAMES = {
    **dict.fromkeys(("lee", "rhee", "yi", "i", "ri", "rhie", "ree", "lie", "li"), "i"),
    **dict.fromkeys(("park", "pak", "bak", "bahk", "pag"), "pak"),
    **dict.fromkeys(("choi", "choe", "chwe", "choy", "chey"), "choe"),
    **dict.fromkeys(("jung", "jeong", "chung", "chong", "cheong", "jong"), "jong"),
    **dict.fromkeys(("kim", "gim", "ghim"), "kim"),
    **dict.fromkeys(("yoon", "yun", "youn"), "yun"),
    **dict.fromkeys(("ryu", "yu", "yoo", "rhyu", "you"), "yu"),
    **dict.fromkeys(("roh", "noh", "no", "ro"), "no"),
    **dict.fromkeys(("lim", "im", "rim", "yim"), "im"),
    **dict.fromkeys(("oh", "o"), "o"),
    **dict.fromkeys(("ahn", "an"), "an"),
    **dict.fromkeys(("shin", "sin", "shinn"), "sin"),
    **dict.fromkeys(("moon", "mun"), "mun"),
    **dict.fromkeys(("baek", "paek", "paik", "baik", "back"), "paek"),
    **dict.fromkeys(("bae", "pae"), "pae"),
    **dict.fromkeys(("heo", "hur", "huh", "ho"), "ho"),
    **dict.fromkeys(("kang", "gang"), "kang"),
    **dict.fromkeys(("ko", "koh", "go"), "ko"),
    **dict.fromkeys(("cho", "jo"), "jo"),
    **dict.fromkeys(("jang", "chang"), "jang"),
    **dict.fromkeys(("son", "sohn"), "son"),
    **dict.fromkeys(("kwon", "gwon", "kwan"), "kwon"),
}

# Vowel spellings of South Korean usage folded towards the systems' ("Young", "Soo",
# "Kyung"), before `name_key`'s folds.
_EXTRA_FOLDS = (("ou", "o"), ("oo", "u"), ("ee", "i"), ("ung", "ong"))


@dataclass(frozen=True)
class SplitName:
    """A name's words, with titles and initials set apart."""

    words: tuple[str, ...]  # as written, marks kept: what the name is made of
    optional: tuple[str, ...]  # titles and initials: a match need not have them


_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*\.?", re.UNICODE)


# Names are made of words that recur (syllables, surnames, "Committee", numbers): what a
# word is worth in a name is worked out once per process, not in every name it is in.
@lru_cache(maxsize=65536)
def _word(raw: str) -> tuple[str, str, bool, tuple[str, ...]]:
    """A word as `_WORD` finds it: (without its full stop, its `compact()` form, whether
    it is a title or an initial, the words it stands for: a Hangul name's two)."""
    bare = raw.rstrip(".")
    folded = compact(bare)
    optional = folded in TITLES or (len(folded) == 1 and folded.isascii() and folded.isalpha())
    return bare, folded, optional, tuple(split_hangul_name(bare)) if is_hangul(bare) else (bare,)


def split_name(name: str) -> SplitName:
    """The words of `name`, split on spaces, commas, hyphens and other punctuation;
    titles and single-letter initials set apart (unless nothing else is left)."""
    return SplitName(*_split(name))


def _split(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    name = name or ""
    # NFKC leaves ASCII as it is.
    text = name if name.isascii() else unicodedata.normalize("NFKC", name)
    words, optional = [], []
    for raw in _WORD.findall(text):
        bare, folded, is_optional, parts = _word(raw)
        if not folded:
            continue
        if is_optional:
            optional.append(bare)
        else:
            words.extend(parts)
    if not words:
        words, optional = optional, []
    return tuple(words), tuple(optional)


def full_form(name: str) -> str:
    """Every word's key run together in the order written, titles and initials included:
    "President of the Republic of Korea" is an office, not a title before a name."""
    text = unicodedata.normalize("NFKC", name or "")
    keys = []
    for raw in _WORD.findall(text):
        bare = raw.rstrip(".")
        for word in split_hangul_name(bare) if is_hangul(bare) else [bare]:
            key = token_key(word)
            if key:
                keys.append(key)
    return _DOUBLED.sub(r"\1", "".join(keys))


@lru_cache(maxsize=65536)
def token_key(word: str) -> str:
    """The key of one word (see the module): equal for the ways one word is written."""
    if word.isdigit() and word.isascii():
        return word  # a number is its own key (the numbers in titles rarely recur)
    key = compact(romanize_hangul(word))
    if not key.isascii():
        return key  # another script (Chinese characters): compared as written
    key = _ORDINALS.get(key, key)
    numbered = _NUMBERED.match(key)
    if numbered:
        key = numbered.group(1)
    key = _SURNAMES.get(key, key)
    # The initial-sound rule (두음법칙): South Korean spelling drops or softens these.
    if key[:1] in {"r", "l"} and len(key) > 1:
        key = key[1:] if key[1] in "iy" else "n" + key[1:]
    elif key[:1] == "n" and key[1:2] in {"i", "y"}:
        key = key[1:]
    for spelling, folded in _EXTRA_FOLDS:
        key = key.replace(spelling, folded)
    return name_key(key)


def token_keys(name: str) -> tuple[str, ...]:
    """The keys of `name`'s words, titles and initials left out."""
    return tuple(key for key in map(token_key, _split(name)[0]) if key)


def name_forms(name: str, most: int = 6) -> tuple[str, ...]:
    """`name`'s word keys joined, in every rotation of their order (first the order
    written); names of more than `most` words in that order only."""
    keys = token_keys(name)
    if not keys:
        return ()
    if len(keys) > most:
        return (_DOUBLED.sub(r"\1", "".join(keys)),)
    forms = []
    for start in range(len(keys)):
        # A letter doubled where two words meet ("Yong" + "Gil") is single where the
        # given name is written as one word ("Yonggil"), as within a word.
        form = _DOUBLED.sub(r"\1", "".join(keys[start:] + keys[:start]))
        if form not in forms:
            forms.append(form)
    return tuple(forms)


# --- trigram similarity, as pg_trgm computes it ----------------------------------------------


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams of `text`: each word lower-cased, padded with two spaces before
    and one after, cut into every three consecutive characters."""
    grams = set()
    for word in re.findall(r"[^\W_]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity(a, b)`: shared trigrams over all trigrams of either."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


# --- abbreviations ---------------------------------------------------------------------------

# Words an abbreviation may leave out ("North Korea Sanctions and Policy Enhancement Act":
# NKSPEA) or keep ("Commission of Inquiry": COI).
_MINOR_WORDS = frozenset({"of", "and", "the", "on", "in", "for", "to", "a", "an", "at", "by"})


def abbreviations(name: str) -> tuple[str, ...]:
    """The initials a name of three or more words may be abbreviated to, each as a key:
    of every leading run of its words (an abbreviation often stops before a qualifier, as
    "COI" does before "on Human Rights in the DPRK"), with its minor words and without.
    Only Latin names of three or more words, and not a person's (see below)."""
    found = _WORD.findall(unicodedata.normalize("NFKC", name or ""))
    if len(found) < 3:
        return ()  # most names (a Hangul one, a company's two words): nothing to work out
    # A word's compact form is the same with or without its full stop (punctuation).
    words = [folded for folded in (_word(raw)[1] for raw in found) if folded]
    if len(words) < 3 or not all(word.isascii() for word in words):
        return ()
    # A person's name ("Kim Jong Un") is not abbreviated: its words are syllables, none
    # long and none a minor word, where a body's or a law's name has one of either.
    if len(words) < 4 and not any(len(word) >= 7 or word in _MINOR_WORDS for word in words):
        return ()
    found = []
    for end in range(3, len(words) + 1):
        run = words[:end]
        if run[-1] in _MINOR_WORDS:
            continue
        for initials in (
            "".join(word[0] for word in run),
            "".join(word[0] for word in run if word not in _MINOR_WORDS),
        ):
            if len(initials) >= 3 and initials not in found:
                found.append(initials)
    return tuple(found)

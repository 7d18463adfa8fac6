"""Name keys that make search insensitive to case, spacing, punctuation and romanization.

Two keys are stored beside every searchable name:

* `compact()` drops case, spaces and punctuation: "H. R. 757", "hr 757" and "H.R.757"
  all become "hr757". Used for symbols and bill numbers.
* `name_key()` goes further for Korean names written in Latin letters. McCune-Reischauer,
  Revised Romanization and the spellings of sanctions lists differ mainly in how they write
  aspirated and voiced consonants and a few vowels ("Chong Gyong Thaek", "Jong Kyong-thaek",
  "Jŏng Kyŏng T'aek"); folding those differences gives all of them one key.

Hangul passes through both unchanged apart from spacing.
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_DOUBLED = re.compile(r"([a-z])\1+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")

# Order matters: longer spellings first, so "tch" is folded before "ch" and "t".
_ROMANIZATION_FOLDS = (
    ("tch", "j"),
    ("ch", "j"),
    ("kk", "k"),
    ("kh", "k"),
    ("gh", "k"),
    ("g", "k"),
    ("tt", "t"),
    ("th", "t"),
    ("d", "t"),
    ("pp", "p"),
    ("ph", "p"),
    ("b", "p"),
    ("ss", "s"),
    ("sh", "s"),
    ("l", "r"),
    ("eo", "o"),
    ("eu", "u"),
    ("wo", "o"),
    ("ae", "ae"),
)


def _strip_marks(text: str) -> str:
    """Drop diacritics (ŏ, ŭ) and apostrophes of aspiration while keeping Hangul intact."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Recompose so Hangul syllables decomposed into jamo by NFKD come back whole.
    return unicodedata.normalize("NFC", kept)


def compact(text: str | None) -> str:
    """Case-, space- and punctuation-insensitive form of `text`."""
    if not text:
        return ""
    if text.isascii():
        # No marks to strip, and casefold() is lower() (most keys: worth the shortcut).
        return _NOT_WORD.sub("", text.lower())
    return _NOT_WORD.sub("", _strip_marks(text).casefold())


def name_key(text: str | None) -> str:
    """`compact()` with Korean romanization differences folded away."""
    key = compact(text)
    if not key.isascii():
        return key
    for spelling, folded in _ROMANIZATION_FOLDS:
        key = key.replace(spelling, folded)
    # A fold can double a letter ("seok-gyeong" → "kk"), where another spelling has one.
    return _DOUBLED.sub(r"\1", key)


def detect_script(text: str) -> str:
    """ISO 15924 code of the script `text` is written in: Hang, Hani or Latn ("" if unsure)."""
    if text.isascii():
        return "Latn" if _ASCII_LETTER.search(text) else ""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ""
    if any("\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" for ch in letters):
        return "Hang"
    if any("\u4e00" <= ch <= "\u9fff" for ch in letters):
        return "Hani"
    if all(
        ch.isascii() or unicodedata.combining(unicodedata.normalize("NFD", ch)[-1])
        for ch in letters
    ):
        return "Latn"
    return ""

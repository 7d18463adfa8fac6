"""How well a typed name matches a record's names: a score in [0, 1] and the reason.

A record's search document (`nkhr.documents`) lists the names it goes by, each with the
field it comes from and its kind: its own name, an alias, an abbreviation of a name, a
symbol or bill number (a key, compared as typed without spaces and punctuation), the name
of a record it links to (a designation goes by its target's names), or a passage of text.
`best_match()` compares the query with each and keeps the best:

* **exact**: the query's words are the name's words, in any rotation of their order
  ("Thaek Jong Kyong", "JONG, Kyong-thaek"), spelt any of the ways `nkhr.names` folds
  together (romanizations, the initial-sound rule, Hangul), titles and initials left out;
* **all words**: every word of the query is a word of the name (the last may be the start
  of one, as a name is typed, and then counts half), weighted by how much of the name the
  query covers;
* **part**: the query's words, run together, are part of the name's ("Kyongthaek");
* **similar**: every word of the query is within one or two edits of a word of the name
  (a typo), weighted by how close.

Scores of one kind sit above the next (exact 0.9 to 1, all words 0.65 to 0.9, part 0.5 to 0.8,
similar 0.3 to 0.6), then multiplied by the weight of the name's kind: a record's own name
before an alias, both before the name of a record it links to, text last. So an exact
alias outranks a partial name, and a person outranks the designations of that person.

Within exact, the name spelt as the query is (letter for letter, in any order of its
words, spaces and punctuation aside) scores 1 and another spelling of the same key a
little less, by the edits between the two (`spelling`): the folds that let "Ri Yong Gil"
find "Lee Yong-gil" also make "Ri Ryong Il" a key's equal, and among a million people
hundreds share a key.
"""

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from nkhr.names import full_form, name_forms, romanize_hangul, split_name, token_key, token_keys
from nkhr.text import compact


class Kind:
    """What a name in a search document is (stored in the document, so short)."""

    NAME = "name"
    ALIAS = "alias"
    ABBREVIATION = "abbreviation"
    KEY = "key"
    LINK = "link"
    TEXT = "text"


WEIGHTS = {
    Kind.NAME: 1.0,
    Kind.KEY: 1.0,
    Kind.ALIAS: 0.95,
    Kind.ABBREVIATION: 0.9,
    Kind.LINK: 0.8,
    Kind.TEXT: 0.6,
}


@dataclass(frozen=True)
class Query:
    """A typed name, read once: its word keys, its titles and initials, the rotations of
    its words run together, and its compact form (for symbols and bill numbers)."""

    text: str
    keys: tuple[str, ...]
    optional: tuple[str, ...]
    forms: tuple[str, ...]
    full: str  # every word's key run together, titles and initials too, as written
    compact: str
    written: tuple[str, ...]  # its words as spelt, run together (`written_forms`)

    @property
    def joined(self) -> str:
        return self.forms[0] if self.forms else ""


@lru_cache(maxsize=4096)
def parse(text: str) -> Query:
    split = split_name(text)
    return Query(
        text=text,
        keys=tuple(key for key in map(token_key, split.words) if key),
        optional=tuple(key for key in map(token_key, split.optional) if key),
        forms=name_forms(text),
        full=full_form(text),
        compact=compact(text),
        written=written_forms(text, rotated=False),
    )


# Names of more words than this are compared as written in their own order only.
ROTATED_WORDS = 6


@lru_cache(maxsize=65536)
def written_forms(text: str, rotated: bool = True) -> tuple[str, ...]:
    """`text`'s words as spelt (lower case, marks and punctuation dropped, titles and
    initials left out) run together; with `rotated`, in every rotation of their order.
    Hangul is spelt the ways the two Koreas romanize it."""
    words = split_name(text).words
    spellings = {
        tuple(compact(romanize_hangul(word, north=north, voiced=voiced)) for word in words)
        for north, voiced in ((False, False), (True, False), (True, True))
    }
    forms: list[str] = []
    for spelt in sorted(spellings):
        turns = len(spelt) if rotated and len(spelt) <= ROTATED_WORDS else 1
        for start in range(turns):
            form = "".join(spelt[start:] + spelt[:start])
            if form and form not in forms:
                forms.append(form)
    return tuple(forms)


def spelling(query: Query, name: str) -> float:
    """How near the query is to `name` as spelt: 1 letter for letter (in some rotation of
    the name's words), less by the edits between the nearest spellings."""
    return max(
        (
            Levenshtein.normalized_similarity(mine, theirs)
            for mine in query.written
            for theirs in written_forms(name)
        ),
        default=0.0,
    )


@dataclass(frozen=True)
class Match:
    """The best of a record's names for a query, and why."""

    score: float
    name: str
    field: str
    kind: str
    how: str

    def explain(self) -> dict:
        return {
            "name": self.name,
            "field": self.field,
            "kind": self.kind,
            "how": self.how,
            "score": self.score,
        }


def edits(a: str, b: str, most: int = 2) -> int:
    """Levenshtein distance of `a` and `b`, or `most + 1` once it is known to exceed `most`."""
    return Levenshtein.distance(a, b, score_cutoff=most)


def allowed_edits(length: int) -> int:
    """Edits a typed word or name of `length` letters may differ by and still be meant:
    none below 3 letters, 1 up to 6, 2 up to 12, 3 beyond."""
    if length < 3:
        return 0
    if length < 7:
        return 1
    if length < 13:
        return 2
    return 3


@lru_cache(maxsize=65536)
def _name_parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
    split = split_name(name)
    keys = token_keys(name)
    optional = tuple(key for key in map(token_key, split.optional) if key)
    forms = name_forms(name)
    return keys, optional, forms[0] if forms else "", full_form(name)


def _coverage(query: Query, joined: str, optional: tuple[str, ...]) -> float:
    """How much of the name the query covers (its words run together, as the name's are),
    titles and initials the query shares counted on both sides."""
    shared_optional = [key for key in query.optional if key in optional]
    covered = len(query.joined) + sum(map(len, shared_optional))
    whole = len(joined) + sum(map(len, optional))
    return min(1.0, covered / whole) if whole else 0.0


# How a query's words are in a name (`_word_match`): all whole, or the last only begun.
WHOLE, STARTED = "whole", "started"


def _word_match(query: Query, keys: tuple[str, ...]) -> str | None:
    """`WHOLE` when every query word is a word of the name, `STARTED` when the last is only
    the start of one (as a name is typed), else None."""
    remaining = list(keys)
    for position, word in enumerate(query.keys):
        if word in remaining:
            remaining.remove(word)
            continue
        # A key of one letter begins no word: the folds make "Ri", "Lee" and "Yi" `i`, and
        # `i` begins "ICCPR" and "Inaugural", which none of them does.
        last = position == len(query.keys) - 1 and len(word) > 1
        starting = [key for key in remaining if last and key.startswith(word)]
        if not starting:
            return None
        return STARTED
    return WHOLE


def _similar(query: Query, keys: tuple[str, ...]) -> float:
    """The mean closeness (1 - edits / length) of each query word to a distinct word of the
    name, when every one is within the edits its length allows; else 0."""
    remaining = list(keys)
    closeness = []
    for word in query.keys:
        allowed = allowed_edits(len(word))
        best, best_key = allowed + 1, None
        for key in remaining:
            distance = edits(word, key, allowed)
            if distance < best:
                best, best_key = distance, key
        if best_key is None:
            return 0.0
        remaining.remove(best_key)
        closeness.append(1 - best / max(len(word), len(best_key)))
    return sum(closeness) / len(closeness) if closeness else 0.0


def match_name(query: Query, name: str, kind: str) -> tuple[float, str] | None:
    """The score (before the kind's weight) and the way `name` matches the query, or None.

    Remembered by the query's text (every `Query` is `parse(text)`): a search scores the
    same names many times over, a target's names in each of its designations' documents
    and a common name in many records'."""
    return _match_name(query.text, name, kind)


@lru_cache(maxsize=16384)
def _match_name(text: str, name: str, kind: str) -> tuple[float, str] | None:
    query = parse(text)
    if kind == Kind.KEY or kind == Kind.ABBREVIATION:
        key = compact(name) if kind == Kind.KEY else name
        if not query.compact or not key:
            return None
        if key == query.compact:
            return 1.0, "exact"
        if kind == Kind.KEY and query.compact in key and len(query.compact) >= 3:
            return 0.5 + 0.3 * len(query.compact) / len(key), "part"
        return None
    if kind == Kind.TEXT:
        if len(query.compact) >= 3 and query.compact in compact(name):
            return 0.5, "in text"
        return None
    keys, optional, joined, full = _name_parts(name)
    if not keys or not query.keys:
        return None
    coverage = _coverage(query, joined, optional)
    if joined in query.forms or (full and full == query.full):
        # Titles and initials the name has and the query gives differently lower it.
        conflict = any(key not in optional for key in query.optional) and bool(optional)
        # Another spelling of the key keeps at least half of what coverage adds.
        as_spelt = 0.5 + 0.5 * spelling(query, name)
        return (0.93 if conflict else 0.95) + 0.05 * coverage * as_spelt, "exact"
    if words := _word_match(query, keys):
        # A word typed in part counts for half: "Ri" is the surname of "Ri Yong Gil" more
        # surely than the start of "ICCPR".
        if words == STARTED:
            return 0.65 + 0.25 * coverage / 2, "last word begun"
        return 0.65 + 0.25 * coverage, "all words"
    if any(len(form) >= 3 and form in joined for form in query.forms):
        return 0.5 + 0.3 * coverage, "part"
    closeness = max(_similar(query, keys), _similar_whole(query, joined, full))
    if closeness:
        # Closeness is of keys, which a typo's namesakes of other spellings share.
        as_spelt = 0.9 + 0.1 * spelling(query, name)
        return 0.3 + 0.3 * closeness * max(coverage, 0.5) * as_spelt, "similar"
    return None


def _similar_whole(query: Query, joined: str, full: str) -> float:
    """Closeness of the whole query to the whole name, words run together (a typo across a
    hyphen: "Moon Je-in"; a typo in a title word: "Prsident of …"); 0 beyond the edits
    the name's length allows."""
    best = 0.0
    for mine, theirs in [(form, joined) for form in query.forms[:1]] + [(query.full, full)]:
        if not mine or not theirs:
            continue
        allowed = allowed_edits(min(len(mine), len(theirs)))
        distance = edits(mine, theirs, allowed)
        if distance <= allowed:
            best = max(best, 1 - distance / max(len(mine), len(theirs)))
    return best


def best_match(query: Query, entries, *, hidden: bool = False) -> Match | None:
    """The best-scoring of a document's entries (`nkhr.documents.Entry` rows: name, field,
    kind, language, script, whether only staff may see it) for the query; entries only
    staff may see count only when `hidden` is true."""
    best = None
    for name, field, kind, _language, _script, staff_only in entries:
        if staff_only and not hidden:
            continue
        found = match_name(query, name, kind)
        if found is None:
            continue
        score = round(found[0] * WEIGHTS.get(kind, 0.5), 4)
        if best is None or score > best.score:
            best = Match(score, name, field, kind, found[1])
    return best

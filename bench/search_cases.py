"""The labelled queries of the search-quality benchmark, made by rule, and the file they go to.

    python bench/search_cases.py          # writes bench/search_cases.json

Each case is a query someone might type, the record it should find (`resource/public id`)
and the kind of variation it tests. The paper's cases are made from the records in
fixtures/*.json by the rules below, plus the spellings the search's issue names by hand
(`HAND_CASES`); the file is written deterministically (same fixtures, same file), so a
fixture change shows as a diff of the cases. The synthetic records' cases are made when
the benchmark runs, from a seeded sample of the persons in the database
(`synthetic_cases`), as those records exist only there.

Korean spellings are made from the syllable tables of `seeding.synthetic` (Hangul, Revised
Romanization, McCune-Reischauer): "Jong Kyong Thaek" gives the query "정경택". These are
queries, not facts about anyone: no record stores them.

A rule's query is dropped when it is another record's name too (two instruments share the
title "Situation of human rights in the DPRK"): it has no single right answer; so is a
typo of such a name.
"""

import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CASES_FILE = ROOT / "bench" / "search_cases.json"
FIXTURES = ROOT / "fixtures"

# The kinds of variation, in the order the report lists them.
KINDS = (
    "exact",
    "alias",
    "reordered",
    "comma",
    "spacing",
    "romanization",
    "typo",
    "initial-sound",
    "hangul",
    "title",
    "abbreviation",
    "bill-number",
    "symbol",
)

# The spellings the issue lists, as it gives them.
HAND_CASES = [
    ("Thaek Jong Kyong", "actors/jong-kyong-thaek", "reordered"),
    ("JONG, Kyong Thaek", "actors/jong-kyong-thaek", "comma"),
    ("Jong Kyung Taek", "actors/jong-kyong-thaek", "romanization"),
    ("Jong Kyng Thaek", "actors/jong-kyong-thaek", "typo"),
    ("정경택", "actors/jong-kyong-thaek", "hangul"),
    ("Lee Yong-gil", "actors/ri-yong-gil", "initial-sound"),
    ("Yi Yong Gil", "actors/ri-yong-gil", "initial-sound"),
    ("이영길", "actors/ri-yong-gil", "hangul"),
    ("Mazie K. Hirono", "actors/mazie-hirono", "title"),
    ("Senator Hirono", "actors/mazie-hirono", "title"),
    ("Seventh Bureau", "actors/dprk-mss-bureau-7", "alias"),
    ("COI", "mechanisms/un-coi-dprk", "abbreviation"),
    ("NKSPEA", "legislation/us-114-hr-757", "abbreviation"),
    ("Ambassador-at-large", "actors/rok-ambassador-at-large-nk-human-rights", "title"),
]

# The fixtures' models whose records a case may expect, by the API resource they are under,
# with the fields their names are in (the first is the main name).
RESOURCES = {
    "nkhr.actor": ("actors", ("name",)),
    "nkhr.legislation": ("legislation", ("title", "short_title")),
    "nkhr.instrument": ("instruments", ("title", "short_title")),
    "mechanisms.report": ("reports", ("title",)),
    "mechanisms.mechanism": ("mechanisms", ("name",)),
}
ALIASES = {"nkhr.alias": "actor", "nkhr.legislationalias": "legislation"}
KOREAN_COUNTRIES = {"KP", "KR"}

# Surnames spelt apart in the North and the South (an initial r or n dropped in the South).
INITIAL_SOUNDS = {
    "ri": ("Lee", "Yi", "Rhee"),
    "ryu": ("Yu", "Yoo"),
    "ro": ("No", "Noh"),
    "rim": ("Im", "Lim"),
    "lee": ("Ri",),
    "yi": ("Ri",),
    "yu": ("Ryu",),
    "no": ("Ro",),
    "im": ("Rim",),
}
HANGUL_INITIAL_SOUNDS = {"리": "이", "류": "유", "로": "노", "림": "임"}
VOWELS = "aeiou"


# --- Korean syllables ----------------------------------------------------------------------


def _syllables() -> dict[str, tuple[str, str, str]]:
    """Each romanized syllable (lower case, unmarked) → (Hangul, Revised, unmarked
    McCune-Reischauer), from the synthetic seeder's tables; the first spelling wins."""
    from seeding.synthetic import SURNAMES, SYLLABLES

    def unmarked(text):
        return text.replace("'", "").replace("ŏ", "o").replace("ŭ", "u").lower()

    table = {}
    rows = [(h, rr, mr) for h, _listed, rr, mr in SURNAMES] + list(SYLLABLES)
    rows += [(h, rr, mr) for h, listed, rr, mr in SURNAMES if listed != rr]
    for hangul, rr, mr in rows:
        entry = (hangul, rr.lower(), unmarked(mr))
        for spelling in (unmarked(mr), rr.lower()):
            table.setdefault(spelling, entry)
    for hangul, listed, rr, mr in SURNAMES:
        table.setdefault(listed.lower(), (hangul, rr.lower(), unmarked(mr)))
    return table


def _plain_syllable(text: str) -> str:
    # The DPRK's own spelling marks aspiration with an h ("Thaek"), McCune-Reischauer with
    # an apostrophe (t'aek); unmarked, both are "taek".
    return text.lower().replace("th", "t").replace("ph", "p").replace("'", "")


def korean_parts(name: str, table: dict) -> list[list[tuple]] | None:
    """The name's words as lists of syllable entries ("Kyong-thaek": two), or None when
    some syllable is not in the tables."""
    words = []
    for word in name.replace(",", " ").split():
        entries = []
        for syllable in word.split("-"):
            entry = table.get(_plain_syllable(syllable))
            if entry is None:
                return None
            entries.append(entry)
        words.append(entries)
    return words


def _revised(words: list[list[tuple]]) -> str:
    return " ".join(" ".join(entry[1].capitalize() for entry in word) for word in words)


def _hangul(words: list[list[tuple]]) -> str:
    return "".join(entry[0] for word in words for entry in word)


# --- rules --------------------------------------------------------------------------------------


def typo(text: str) -> str | None:
    """One vowel dropped from the longest word (after its first letter): "Kyong" → "Kyng"."""
    words = text.split()
    longest = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[longest]
    for i in range(1, len(word) - 1):
        if word[i].lower() in VOWELS:
            words[longest] = word[:i] + word[i + 1 :]
            return " ".join(words)
    return None


def person_variants(name: str, korean: bool, table: dict) -> list[tuple[str, str]]:
    """(query, kind) for a person's name: a Korean name has its surname first."""
    words = name.split()
    if len(words) < 2:
        return [(name, "exact")]
    variants = [(name, "exact")]
    if korean:
        surname, given = words[0], words[1:]
        variants += [
            (" ".join([*given, surname]), "reordered"),
            (f"{surname.upper()}, {' '.join(given)}", "comma"),
        ]
        joined = "".join(given)
        if len(given) > 1:
            variants.append(
                (f"{surname} {given[0]}-{'-'.join(g.lower() for g in given[1:])}", "spacing")
            )
            variants.append((f"{surname} {joined[:1].upper()}{joined[1:].lower()}", "spacing"))
        elif "-" in joined:
            variants.append((f"{surname} {joined.replace('-', ' ')}", "spacing"))
            variants.append((f"{surname} {joined.replace('-', '')}", "spacing"))
        for south in INITIAL_SOUNDS.get(surname.lower(), ()):
            variants.append((" ".join([south, *given]), "initial-sound"))
        parts = korean_parts(name, table)
        if parts is not None:
            revised = _revised(parts)
            if revised.casefold() != name.replace("-", " ").casefold():
                variants.append((revised, "romanization"))
            hangul = _hangul(parts)
            variants.append((hangul, "hangul"))
            if hangul[0] in HANGUL_INITIAL_SOUNDS:
                variants.append((HANGUL_INITIAL_SOUNDS[hangul[0]] + hangul[1:], "hangul"))
    else:
        *given, surname = words
        variants += [
            (" ".join([surname, *given]), "reordered"),
            (f"{surname.upper()}, {' '.join(given)}", "comma"),
            (f"{given[0][0]}. {surname}", "title"),
        ]
    wrong = typo(name)
    if wrong:
        variants.append((wrong, "typo"))
    return variants


def bill_number_variants(number: str) -> list[str]:
    """ "H.R.757" as written, spaced, and without its points."""
    letters = "".join(ch for ch in number if ch.isalpha())
    digits = "".join(ch for ch in number if ch.isdigit())
    dotted = ".".join(letters) + "."
    return [number, f"{dotted} {digits}", f"{letters} {digits}", f"{letters.lower()}{digits}"]


def symbol_variants(symbol: str) -> list[str]:
    """A document symbol as written, in lower case, and with spaces for its slashes."""
    variants = []
    for part in (part.strip() for part in symbol.split(";")):
        if part:
            variants += [part, part.lower()]
            if "/" in part:
                variants.append(part.replace("/", " "))
    return variants


def _is_abbreviation(text: str) -> bool:
    return text.isupper() and " " not in text and len(text) <= 8


def record_variants(model: str, fields: dict, aliases: list[dict], table: dict):
    """(query, kind) for one fixture record."""
    _resource, name_fields = RESOURCES[model]
    main, *others = [fields.get(field) or "" for field in name_fields]
    if model == "nkhr.actor" and fields.get("kind") == "person":
        yield from person_variants(main, fields.get("country") in KOREAN_COUNTRIES, table)
    else:
        yield main, "exact"
        wrong = typo(main)
        if wrong:
            yield wrong, "typo"
    for other in others:
        if other:
            yield other, "abbreviation" if _is_abbreviation(other) else "alias"
    for alias in aliases:
        kind = "abbreviation" if alias.get("kind") == "abbreviation" else "alias"
        yield alias["name"], kind
    if fields.get("bill_number"):
        for query in bill_number_variants(fields["bill_number"]):
            yield query, "bill-number"
    if fields.get("symbol"):
        for query in symbol_variants(fields["symbol"]):
            yield query, "symbol"


def fixture_records() -> dict[str, dict]:
    """`resource/id` → {"model", "fields", "aliases", "names"} of every record a case may
    expect, read from fixtures/*.json."""
    records, aliases = {}, defaultdict(list)
    for path in sorted(FIXTURES.glob("*.json")):
        for row in json.loads(path.read_text()):
            model = row["model"]
            if model in RESOURCES:
                resource = RESOURCES[model][0]
                records[f"{resource}/{row['pk']}"] = {"model": model, "fields": row["fields"]}
            elif model in ALIASES:
                owner = row["fields"][ALIASES[model]]
                resource = "actors" if model == "nkhr.alias" else "legislation"
                aliases[f"{resource}/{owner}"].append(row["fields"])
    for key, record in records.items():
        record["aliases"] = aliases.get(key, [])
        fields = record["fields"]
        names = [fields.get(f) for f in ("name", "title", "short_title", "symbol", "bill_number")]
        record["names"] = [n for n in names if n] + [a["name"] for a in record["aliases"]]
    return records


def _name_key(text: str) -> str:
    from nkhr.text import name_key

    return name_key(text)


def paper_cases() -> list[dict]:
    """The paper's cases: the issue's by hand, then each record's by rule, each once."""
    table = _syllables()
    records = fixture_records()
    owners = defaultdict(set)
    for key, record in records.items():
        for name in record["names"]:
            owners[_name_key(name)].add(key)
    cases, seen = [], set()

    def add(query, expected, kind, origin):
        if (query.casefold(), expected) in seen or not query.strip():
            return
        if owners.get(_name_key(query), {expected}) - {expected}:
            return  # another record's name too: no single right answer
        seen.add((query.casefold(), expected))
        cases.append({"query": query, "expected": expected, "kind": kind, "origin": origin})

    for query, expected, kind in HAND_CASES:
        add(query, expected, kind, "issue")
    for key, record in records.items():
        # A typo of a name other records share (five resolutions have one title) has no
        # single right answer either, though the misspelt query is nobody's name.
        shared = owners[_name_key(record["names"][0])] - {key} if record["names"] else set()
        for query, kind in record_variants(
            record["model"], record["fields"], record["aliases"], table
        ):
            if kind == "typo" and shared:
                continue
            add(query, key, kind, "rule")
    return cases


# --- synthetic persons -----------------------------------------------------------------------


def synthetic_cases(sample: int = 30, seed: int = 1) -> list[dict]:
    """Cases for a seeded sample of the synthetic persons in the database whose name no
    other actor has: their name varied by the rules, and their stored romanization aliases
    (Revised spaced as no list writes it; McCune-Reischauer with its breves)."""
    from nkhr.models import Actor, Alias
    from seeding.synthetic import PREFIX

    table = _syllables()
    persons = list(
        Actor.objects.filter(pk__startswith=f"{PREFIX}person-")
        .order_by("pk")
        .values_list("pk", "name", "name_key")
    )
    if not persons:
        return []
    counts = defaultdict(int)
    for key in Actor.objects.filter(name_key__in={p[2] for p in persons}).values_list(
        "name_key", flat=True
    ):
        counts[key] += 1
    unique = [person for person in persons if counts[person[2]] == 1]
    chosen = random.Random(seed).sample(unique, min(sample, len(unique)))
    aliases = defaultdict(list)
    for actor, name, language in Alias.objects.filter(
        actor_id__in=[pk for pk, _, _ in chosen]
    ).values_list("actor_id", "name", "language"):
        aliases[actor].append((name, language))
    cases = []
    for pk, name, _key in chosen:
        expected = f"actors/{pk}"
        queries = dict.fromkeys(person_variants(name, True, table))
        for alias, language in sorted(aliases[pk]):
            if language == "ko-Latn":
                if not alias.isascii():
                    queries[(alias, "alias")] = None
                spaced = alias.replace("-", " ")
                queries[(spaced, "romanization")] = None
        for query, kind in queries:
            cases.append(
                {"query": query, "expected": expected, "kind": kind, "origin": "synthetic"}
            )
    return cases


def write(path: Path = CASES_FILE) -> int:
    cases = paper_cases()
    path.write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n")
    return len(cases)


def load(path: Path = CASES_FILE) -> list[dict]:
    return json.loads(path.read_text())


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkhr.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    import django

    django.setup()
    print(f"Wrote {write()} cases to {CASES_FILE.relative_to(ROOT)}.")

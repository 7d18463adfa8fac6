"""Finding English left on a page rendered in Korean.

`English(data)` knows every English message the admin can show: the msgids of the project's
catalogue (those it translates) and of the catalogues of Django and of the libraries whose
pages curators see. `English.left_on(html)` lists the visible texts of a page (text between
tags, button labels, placeholders) that are one of those messages, as written or with its
placeholders filled ("Published precision" is "%(label)s precision"). Texts that are
record data (a name, a title) are never reported: they are the same in every language.
"""

import ast
import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import django_countries
import import_export
import simple_history
from django.conf import settings

# Where English messages come from: the project's catalogue (translated entries only) and
# the libraries' (every msgid, to catch those their Korean lacks). simple-history has no
# Korean catalogue, so its German one lists its msgids.
PROJECT_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
DJANGO = Path(django.__file__).parent
LIBRARY_CATALOGUES = [
    DJANGO / "conf" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "admin" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    DJANGO / "contrib" / "auth" / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    Path(import_export.__file__).parent / "locale" / "ko" / "LC_MESSAGES" / "django.po",
    Path(simple_history.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po",
    Path(django_countries.__file__).parent / "locale" / "ko_KR" / "LC_MESSAGES" / "django.po",
]

# A message is looked for only if it has an English word (three letters or more, not all
# capitals): "API", "URL" or "%s" read the same in Korean.
ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]{2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")
WORD = re.compile(r"[a-z]+")
# Around a text, punctuation says nothing about its language: "Name:", "(Show all)".
EDGES = " \t\n:;,.()[]{}«»|*-…!?\"'/+\u2039\u203a\u2013\u2014"
UNSEEN_TAGS = {"script", "style"}


def po_entries(path: Path):
    """(msgid, msgid_plural, msgstrs, fuzzy) of each entry of a .po file."""
    entry: dict = {}
    key = None

    def flush():
        if "msgid" in entry:
            yield (
                entry["msgid"],
                entry.get("msgid_plural", ""),
                [value for name, value in entry.items() if name.startswith("msgstr")],
                entry.get("fuzzy", False),
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        if not line.strip():
            yield from flush()
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    yield from flush()


def normalise(text: str) -> str:
    return " ".join(text.split()).strip(EDGES).casefold()


def message_pattern(msgid: str) -> re.Pattern | None:
    """A pattern of the texts `msgid` can render as, or None if it has no English word."""
    literal = PLACEHOLDER.sub(" ", msgid)
    if not ENGLISH_WORD.search(literal):
        return None
    parts = PLACEHOLDER.split(normalise(msgid))
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def english_messages() -> list[str]:
    messages = set()
    for msgid, plural, msgstrs, fuzzy in po_entries(PROJECT_CATALOGUE):
        # A message translated as itself ("NKHR Records", "API") is the same in Korean.
        if msgid and msgstrs and all(msgstrs) and not fuzzy and msgstrs != [msgid]:
            messages.update(filter(None, (msgid, plural)))
    for path in LIBRARY_CATALOGUES:
        for msgid, plural, _msgstrs, _fuzzy in po_entries(path):
            messages.update(filter(None, (msgid, plural)))
    return sorted(messages)


class VisibleText(HTMLParser):
    """The texts a reader sees on a page: text between tags (not scripts or styles), the
    labels of buttons and the placeholders of inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.unseen = 0

    def handle_starttag(self, tag, attrs):
        if tag in UNSEEN_TAGS:
            self.unseen += 1
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.texts.append(attributes.get("value") or "")
        if attributes.get("placeholder"):
            self.texts.append(attributes["placeholder"])

    def handle_endtag(self, tag):
        if tag in UNSEEN_TAGS and self.unseen:
            self.unseen -= 1

    def handle_data(self, data):
        if not self.unseen and data.strip():
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


class English:
    """English messages to look for, and the record data (`data`, texts) to leave alone."""

    def __init__(self, data=()):
        self.exact: dict[str, str] = {}
        # Messages with placeholders, filed under their longest word: a text is matched only
        # against those whose word it has.
        self.by_word: dict[str, list[tuple[re.Pattern, str]]] = {}
        for msgid in english_messages():
            pattern = message_pattern(msgid)
            if pattern is None:
                continue
            if PLACEHOLDER.search(msgid):
                words = WORD.findall(PLACEHOLDER.sub(" ", msgid).casefold())
                self.by_word.setdefault(max(words, key=len), []).append((pattern, msgid))
            else:
                self.exact.setdefault(normalise(msgid), msgid)
        self.data = {normalise(text) for text in data}
        self.seen: dict[str, str | None] = {}

    def allowing(self, texts) -> "English":
        """The same check, with `texts` also left alone."""
        other = copy.copy(self)
        other.data = self.data | {normalise(text) for text in texts}
        other.seen = {}
        return other

    def message_of(self, text: str) -> str | None:
        """The English message `text` is, if it is one (and not record data)."""
        text = normalise(text)
        if text not in self.seen:
            self.seen[text] = self._message_of(text)
        return self.seen[text]

    def _message_of(self, text: str) -> str | None:
        if not text or text in self.data or not ENGLISH_WORD.search(text):
            return None
        if text in self.exact:
            return self.exact[text]
        for word in set(WORD.findall(text)):
            for pattern, msgid in self.by_word.get(word, ()):
                if pattern.fullmatch(text):
                    return msgid
        return None

    def left_on(self, html: str) -> list[tuple[str, str]]:
        """(text, message) of every visible text of `html` that is an English message."""
        found = []
        for text in visible_texts(html):
            message = self.message_of(text)
            if message is not None:
                found.append((" ".join(text.split()), message))
        return found

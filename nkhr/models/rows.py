"""Abstract rows that belong to a record (names, bill actions, provisions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.models.base import KeyedRow
from nkhr.text import detect_script, name_key


class SourcedRow(KeyedRow):
    """A row inside a record that can say on its own where it was read (source + locator)."""

    source = models.ForeignKey(
        "nkhr.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source"),
    )
    locator = models.CharField(
        _("where in the source"), max_length=200, blank=True, help_text=_("e.g. section 2.b.(3)")
    )

    class Meta:
        abstract = True


class Provision(KeyedRow):
    """A numbered part of a text that matters: a section, an article, an operative paragraph."""

    label = models.CharField(
        _("label"),
        max_length=100,
        help_text=_("As numbered in the text: section 8, Article 10, 4(g)"),
    )
    heading = models.CharField(_("heading"), max_length=500, blank=True)
    text = models.TextField(_("text or summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.label} {self.heading}".strip()


class NameRow(SourcedRow):
    """Another name of a record (an actor's, a law's): its kind, language and script, and
    the search key of the name. The concrete row declares the link to its record, `name`
    and `name_key` (their lengths are its own)."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("official name")
        ROMANIZATION = "romanization", _("romanization variant")
        ABBREVIATION = "abbreviation", _("abbreviation")
        NATIVE = "native", _("native script")
        TRANSLATION = "translation", _("translation")
        FORMER = "former", _("former name")
        AS_CITED = "as_cited", _("as written in a source")
        OTHER = "other", _("other")

    class Script(models.TextChoices):
        LATIN = "Latn", _("Latin")
        HANGUL = "Hang", _("Hangul")
        HAN = "Hani", _("Han (Chinese characters)")
        OTHER = "Zyyy", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    language = models.CharField(
        _("language"), max_length=20, blank=True, help_text=_("BCP 47 code, e.g. en, ko")
    )
    script = models.CharField(_("script"), max_length=4, choices=Script.choices, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name_key = name_key(self.name)
        if not self.script:
            self.script = detect_script(self.name)

"""Where facts come from: sources, and citations that tie a record to a place in a source."""

import functools

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from nkhr.dates import partial_date_constraints, precision_field
from nkhr.models.base import PUBLIC_ID_MAX_LENGTH, PublicRecord, TimeStampedModel
from nkhr.text import compact

LOCATOR_LABELS = (_("section"), _("footnote"), _("paragraph"), _("page"))


@functools.cache
def _locator_labels(language: str | None) -> tuple[str, ...]:
    # Translated once per language: a page of citations would look each up again.
    with translation.override(language):
        return tuple(str(label) for label in LOCATOR_LABELS)


def format_locator(section: str, footnote: str, paragraph: str, page: str) -> str:
    """A place in a source as one line: "section 2.b.(1), footnote 1"."""
    labels = _locator_labels(translation.get_language())
    values = (section, footnote, paragraph, page)
    return ", ".join(
        f"{label} {value}" for label, value in zip(labels, values, strict=True) if value
    )


def format_locator_sql(column, obj=None) -> str:
    """`format_locator` built by the database (nkhr/dumps_sql.py), as JSON text: `column`
    gives the SQL of a column of the citation."""
    labels = _locator_labels(translation.get_language())
    parts = [
        "CASE WHEN {0} <> '' THEN '{1} ' || {0} END".format(column(name), label.replace("'", "''"))
        for name, label in zip(LOCATOR_FIELDS, labels, strict=True)
    ]
    return f"to_json(concat_ws(', ', {', '.join(parts)}))::text"


class Source(PublicRecord):
    """A document facts are taken from: the paper itself, or a document it or a curator cites."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("research paper")
        UN_DOCUMENT = "un_document", _("UN document")
        LEGAL_TEXT = "legal_text", _("legal text")
        OFFICIAL_NOTICE = "official_notice", _("official notice")
        GOVERNMENT_PUBLICATION = "government_publication", _("government publication")
        PRESS_RELEASE = "press_release", _("press release")
        NEWS = "news", _("news report")
        WEB_PAGE = "web_page", _("web page")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    author = models.CharField(_("author"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    series = models.CharField(
        _("series or number"), max_length=200, blank=True, help_text=_("e.g. CO22-19")
    )
    symbol = models.CharField(
        _("document symbol"), max_length=120, blank=True, help_text=_("e.g. A/RES/72/188")
    )
    symbol_key = models.CharField(max_length=120, blank=True, editable=False, db_index=True)
    published = models.DateField(_("published"), null=True, blank=True)
    published_precision = precision_field(_("published"))
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    accessed = models.DateField(_("accessed"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=20, blank=True, help_text=_("e.g. en, ko")
    )

    public_id_source = "title"

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = partial_date_constraints("published")

    # Characters of the title kept in a source's label: enough to tell it from the others in
    # an autocomplete box or a citation row, short enough to fit them.
    LABEL_TITLE_LENGTH = 48

    def __str__(self):
        """The symbol (if any), the title cut to its first words, and the year published or,
        lacking it, the kind: "A/RES/72/188: Situation of human rights in the Democratic… (2017)".
        Many UN documents share one title; their symbols and years tell them apart."""
        title = shorten(self.title, self.LABEL_TITLE_LENGTH)
        named = not self.symbol or self.symbol.casefold() in self.title.casefold()
        label = title if named else f"{self.symbol}: {title}"
        when = self.published.year if self.published else self.get_kind_display()
        return f"{label} ({when})"

    def refresh_derived(self):
        self.symbol_key = compact(self.symbol)


def shorten(text: str, length: int) -> str:
    """`text` cut at a word boundary to at most `length` characters, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:-(\u2013\u2014")
    return f"{cut}…"


# The parts that say where in a source a fact stands; together with the record and the
# source they identify a citation (its natural key).
LOCATOR_FIELDS = ("section", "footnote", "paragraph", "page")


class CitationManager(models.Manager):
    def get_by_natural_key(self, app_label, model, object_id, source, *locator):
        return self.get(
            content_type__app_label=app_label,
            content_type__model=model,
            object_id=object_id,
            source_id=source,
            **dict(zip(LOCATOR_FIELDS, locator, strict=True)),
        )


class Citation(TimeStampedModel):
    """A record's claim to a place in a source: section, footnote, paragraph, page, quote."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=PUBLIC_ID_MAX_LENGTH)
    record = GenericForeignKey("content_type", "object_id")
    section = models.CharField(
        _("section"), max_length=100, blank=True, help_text=_("e.g. 2.b.(1)")
    )
    footnote = models.CharField(_("footnote"), max_length=20, blank=True)
    paragraph = models.CharField(_("paragraph or article"), max_length=100, blank=True)
    page = models.CharField(_("page"), max_length=20, blank=True)
    quote = models.TextField(_("quote"), blank=True, help_text=_("A short quote, verbatim."))
    note = models.TextField(_("note"), blank=True)

    objects = CitationManager()

    LOCATOR_FIELDS = LOCATOR_FIELDS

    class Meta:
        ordering = ["content_type", "object_id", "source", "section", "footnote", "paragraph"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [models.Index(fields=["content_type", "object_id"], name="citation_record_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "source", *LOCATOR_FIELDS],
                name="citation_unique_locator",
                violation_error_message=_("This record already cites this place in this source."),
            )
        ]

    def __str__(self):
        return f"{self.source} — {self.locator}" if self.locator else str(self.source)

    def natural_key(self):
        locator = (getattr(self, name) for name in self.LOCATOR_FIELDS)
        return (*self.content_type.natural_key(), self.object_id, self.source_id, *locator)

    natural_key.dependencies = ["contenttypes.contenttype", "nkhr.source"]

    @property
    def locator(self) -> str:
        """The place in the source as one line: "section 2.b.(1), footnote 1"."""
        return format_locator(self.section, self.footnote, self.paragraph, self.page)

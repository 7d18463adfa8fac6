"""Abstract rows that belong to a record (aliases, bill actions, provisions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.models.base import KeyedRow


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

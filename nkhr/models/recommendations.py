"""Recommendations: who recommends what to whom, on which theme."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.dates import partial_date_constraints, precision_field
from nkhr.models.actors import Actor
from nkhr.models.base import CitedRecord


class Recommendation(CitedRecord):
    """A recommendation made by an actor (an author, a UN body) to an addressee."""

    class Theme(models.TextChoices):
        PRINCIPLES = "principles", _("principles and consistency")
        INTERNATIONAL_SOLIDARITY = "solidarity", _("international cooperation and solidarity")
        UN_MECHANISMS = "un_mechanisms", _("UN resolutions and mechanisms")
        ACCOUNTABILITY = "accountability", _("accountability")
        BILATERAL = "bilateral", _("bilateral cooperation")
        INSTITUTIONS = "institutions", _("institutional framework")
        CIVIL_SOCIETY = "civil_society", _("cooperation with NGOs")
        FUNDING = "funding", _("funding")
        LEGISLATION = "legislation", _("legislation")
        DIVIDED_FAMILIES = "divided_families", _("separated families")
        DETAINEES = "detainees", _("detainees and abductees")
        INFORMATION = "information", _("freedom of information")
        ENGAGEMENT = "engagement", _("engagement with North Korea")
        OTHER = "other", _("other")

    title = models.CharField(_("summary"), max_length=300)
    text = models.TextField(
        _("text"), help_text=_("The recommendation, quoted or closely paraphrased.")
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, db_index=True)
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("Its place in the source's own order.")
    )
    recommended_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="recommendations_made",
        verbose_name=_("recommended by"),
    )
    addressee = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_received",
        verbose_name=_("addressed to"),
    )
    concerns = models.ManyToManyField(
        Actor,
        blank=True,
        related_name="recommendations_concerning",
        verbose_name=_("actors concerned"),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date"))

    public_id_source = "title"
    _history_m2m_fields = ["concerns"]

    class Meta:
        ordering = ["recommended_by", "number", "title"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = partial_date_constraints("date")

    def __str__(self):
        return self.title

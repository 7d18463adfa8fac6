"""Funders' programmes, their ordered priorities, and awards."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models import Actor, CitedRecord, Instrument, InstrumentKindManager, InstrumentKindMixin


class FundingProgramme(InstrumentKindMixin, Instrument):
    """A funder's programme (its funder is `adopted_by`), often announced by a notice."""

    kind_value = Instrument.Kind.FUNDING_PROGRAMME
    objects = InstrumentKindManager(kind_value)

    class Meta:
        proxy = True
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")


class FundingPriority(CitedRecord):
    """One of a programme's priorities, numbered as the source numbers them."""

    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": Instrument.Kind.FUNDING_PROGRAMME},
        related_name="priorities",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("priority"), max_length=500)

    public_id_source = "slug_seed"

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("funding priority")
        verbose_name_plural = _("funding priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="fundingpriority_unique_number",
                violation_error_message=_(
                    "This programme already has a priority with this number."
                ),
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    @property
    def slug_seed(self) -> str:
        return f"{self.programme_id} priority {self.number}"


class Award(CitedRecord):
    """A grant a programme made to a recipient."""

    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Instrument.Kind.FUNDING_PROGRAMME},
        related_name="awards",
        verbose_name=_("programme"),
    )
    recipient = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="awards_received", verbose_name=_("recipient")
    )
    title = models.CharField(_("project title"), max_length=300)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217"))
    awarded = models.DateField(_("awarded"), null=True, blank=True)
    awarded_precision = precision_field(_("awarded"))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_start_precision = precision_field(_("period from"))
    period_end = models.DateField(_("period until"), null=True, blank=True)
    period_end_precision = precision_field(_("period until"))

    public_id_source = "title"

    class Meta:
        ordering = ["programme", "-awarded", "title"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            *partial_date_constraints("awarded", "period_start", "period_end"),
            date_order_constraint("period_start", "period_end"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | ~models.Q(currency=""),
                name="award_amount_has_currency",
                violation_error_message=_("An amount needs its currency."),
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="award_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.title

"""Sanctions regimes, designation rounds and designations."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models import (
    Actor,
    CitedRecord,
    Instrument,
    InstrumentKindManager,
    InstrumentKindMixin,
    KeyedRow,
)
from nkhr.models.instruments import instrument_name


class SanctionsRegime(InstrumentKindMixin, Instrument):
    """A sanctions regime: its authority (`adopted_by`), legal basis and scope."""

    kind_value = Instrument.Kind.SANCTIONS_REGIME
    objects = InstrumentKindManager(kind_value)

    class Meta:
        proxy = True
        verbose_name = _("sanctions regime")
        verbose_name_plural = _("sanctions regimes")


class DesignationRound(CitedRecord):
    """An occasion on which an authority designated targets under a regime.

    Where a source reports only totals over several occasions, the totals sit on a round
    that groups the occasions (`parent`), and no designation is invented to match them.
    """

    regime = models.ForeignKey(
        SanctionsRegime,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Instrument.Kind.SANCTIONS_REGIME},
        related_name="rounds",
        verbose_name=_("regime"),
    )
    authority = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="designation_rounds",
        verbose_name=_("designating authority"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="occasions",
        verbose_name=_("part of"),
        help_text=_("A group of rounds that a source reports together."),
    )
    title = models.CharField(_("title"), max_length=300)
    announced = models.DateField(_("announced"), null=True, blank=True)
    announced_precision = precision_field(_("announced"))
    reported_persons = models.PositiveIntegerField(
        _("individuals designated (as reported)"), null=True, blank=True
    )
    reported_entities = models.PositiveIntegerField(
        _("entities designated (as reported)"), null=True, blank=True
    )
    notice_url = models.URLField(_("official notice"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)

    public_id_source = "title"

    class Meta:
        ordering = ["regime", "announced", "title"]
        verbose_name = _("designation round")
        verbose_name_plural = _("designation rounds")
        constraints = [
            *partial_date_constraints("announced"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="designationround_not_own_parent",
                violation_error_message=_("A round cannot be part of itself."),
            ),
        ]

    def __str__(self):
        return self.title


def designation_name(target_name: str, regime_title: str, regime_symbol: str) -> str:
    return f"{target_name} — {instrument_name(regime_title, regime_symbol)}"


class Designation(CitedRecord):
    """That an authority listed a target (a person or an entity) under a regime."""

    regime = models.ForeignKey(
        SanctionsRegime,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Instrument.Kind.SANCTIONS_REGIME},
        related_name="designations",
        verbose_name=_("regime"),
    )
    authority = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="designations_made",
        verbose_name=_("designating authority"),
    )
    target = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="designations", verbose_name=_("target")
    )
    round = models.ForeignKey(
        DesignationRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("round"),
    )
    listed = models.DateField(_("listing date"), null=True, blank=True, db_index=True)
    listed_precision = precision_field(_("listing date"))
    delisted = models.DateField(_("delisting date"), null=True, blank=True)
    delisted_precision = precision_field(_("delisting date"))
    basis = models.TextField(_("stated basis"), blank=True)
    reference = models.CharField(
        _("authority's reference"), max_length=100, blank=True, help_text=_("e.g. a list entry id")
    )

    public_id_source = "slug_seed"
    # Its name (`__str__`) from columns, for lists read as values (`nkhr.api.reading`).
    name_from_values = (("target__name", "regime__title", "regime__symbol"), designation_name)

    class Meta:
        ordering = ["-listed", "id"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        indexes = [
            # The default order, and the same order within one authority, regime or round
            # (the common filters, and a round's page: a regime's designations can all be
            # listed in a few years, so walking the default order to find them reads most
            # of the table; a round whose designations sit in its occasions has none, and
            # the walk read a million rows to learn it, 3 s).
            models.Index(fields=["-listed", "id"], name="designation_listed_order"),
            models.Index(fields=["authority", "-listed", "id"], name="designation_authority_order"),
            models.Index(fields=["regime", "-listed", "id"], name="designation_regime_order"),
            models.Index(fields=["round", "-listed", "id"], name="designation_round_order"),
        ]
        constraints = [
            *partial_date_constraints("listed", "delisted"),
            date_order_constraint("listed", "delisted"),
            models.UniqueConstraint(
                fields=["regime", "target", "listed"],
                name="designation_unique_listing",
                violation_error_message=_("This target is already listed under this regime then."),
            ),
            models.CheckConstraint(
                condition=~models.Q(target=models.F("authority")),
                name="designation_target_not_authority",
                violation_error_message=_("An authority cannot designate itself."),
            ),
        ]

    def __str__(self):
        return designation_name(self.target.name, self.regime.title, self.regime.symbol)

    @property
    def slug_seed(self) -> str:
        return f"{self.regime_id} {self.target_id}"


class DesignationMeasure(KeyedRow):
    """A restrictive measure a designation imposes (asset freeze, travel ban …)."""

    class Measure(models.TextChoices):
        ASSET_FREEZE = "asset_freeze", _("asset freeze")
        FUNDS_PROHIBITION = "funds_prohibition", _("prohibition on making funds available")
        TRAVEL_BAN = "travel_ban", _("travel ban")
        TRANSACTION_BAN = "transaction_ban", _("prohibition on transactions")
        VISA_BAN = "visa_ban", _("visa ban")
        OTHER = "other", _("other")

    designation = models.ForeignKey(
        Designation,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("designation"),
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)

    natural_key_fields = ("designation", "measure")

    class Meta:
        ordering = ["designation", "measure"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "measure"],
                name="designationmeasure_unique",
                violation_error_message=_("This measure is already listed."),
            )
        ]

    def __str__(self):
        return self.get_measure_display()

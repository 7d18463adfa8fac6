"""Instruments: resolutions, treaties, sanctions regimes, funding programmes, legal acts.

One table holds every instrument, so that "what instruments exist" is one query with one
shape (kind, status, dates, adopting actor, legal basis). The apps that specialise a kind
(`sanctions.SanctionsRegime`, `grants.FundingProgramme`, `mechanisms.Resolution`,
`mechanisms.Treaty`) are proxies of it with their own managers and admin pages.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models.actors import Actor
from nkhr.models.base import CitedRecord, RecordManager
from nkhr.models.legislation import Legislation
from nkhr.models.rows import Provision
from nkhr.text import compact, name_key


def instrument_name(title: str, symbol: str) -> str:
    return f"{title} ({symbol})" if symbol else title


class Instrument(CitedRecord):
    """A formal instrument adopted by an actor: resolution, treaty, regime, programme, act."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("resolution")
        DECISION = "decision", _("decision")
        TREATY = "treaty", _("treaty or convention")
        SANCTIONS_REGIME = "sanctions_regime", _("sanctions regime")
        FUNDING_PROGRAMME = "funding_programme", _("funding programme")
        EXECUTIVE_ORDER = "executive_order", _("executive order")
        REGULATION = "regulation", _("regulation")
        LEGAL_ACT = "legal_act", _("legal act")
        POLICY = "policy", _("policy or strategy")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ADOPTED = "adopted", _("adopted")
        IN_FORCE = "in_force", _("in force")
        EXPIRED = "expired", _("expired")
        REPEALED = "repealed", _("repealed or terminated")
        SUPERSEDED = "superseded", _("superseded")
        UNKNOWN = "unknown", _("unknown")

    class Scope(models.TextChoices):
        COUNTRY = "country", _("country-specific")
        GLOBAL = "global", _("global (thematic)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, editable=False, db_index=True)
    short_title = models.CharField(_("short title"), max_length=200, blank=True)
    symbol = models.CharField(
        _("symbol or number"), max_length=120, blank=True, help_text=_("e.g. A/RES/72/188")
    )
    symbol_key = models.CharField(max_length=120, editable=False, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ADOPTED
    )
    adopted_by = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments_adopted",
        verbose_name=_("adopted by"),
        help_text=_("Body, government or funder that adopted or runs it."),
    )
    session = models.CharField(
        _("session"), max_length=60, blank=True, help_text=_("e.g. 72nd session")
    )
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    adopted_precision = precision_field(_("adopted"))
    in_force = models.DateField(_("in force from"), null=True, blank=True)
    in_force_precision = precision_field(_("in force from"))
    ended = models.DateField(_("ended"), null=True, blank=True)
    ended_precision = precision_field(_("ended"))
    legal_basis = models.ForeignKey(
        Legislation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("legal basis (law)"),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implementing_instruments",
        verbose_name=_("legal basis (instrument)"),
        help_text=_("e.g. the decision a regulation implements, the resolution behind a body"),
    )
    legal_basis_note = models.CharField(_("legal basis, as cited"), max_length=500, blank=True)
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=Scope.choices,
        blank=True,
        help_text=_("Sanctions regimes only: one country, or abusers anywhere."),
    )
    target_country = CountryField(_("country concerned"), blank=True, db_index=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("official URL"), max_length=1000, blank=True)

    objects = RecordManager()

    public_id_source = "title"

    class Meta:
        ordering = ["-adopted", "title"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            *partial_date_constraints("adopted", "in_force", "ended"),
            date_order_constraint("adopted", "ended"),
            models.CheckConstraint(
                condition=models.Q(scope="") | models.Q(kind="sanctions_regime"),
                name="instrument_scope_only_for_regimes",
                violation_error_message=_("Only a sanctions regime has a scope."),
            ),
            models.CheckConstraint(
                condition=~models.Q(based_on=models.F("id")),
                name="instrument_not_based_on_itself",
                violation_error_message=_("An instrument cannot be its own legal basis."),
            ),
        ]

    def __str__(self):
        return instrument_name(self.title, self.symbol)

    def refresh_derived(self):
        self.title_key = name_key(self.short_title or self.title)
        self.symbol_key = compact(self.symbol)


class InstrumentKindManager(RecordManager):
    """The instruments of one kind: the default manager of each proxy."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class InstrumentKindMixin:
    """For proxies of `Instrument` that present one kind: `objects` shows only that kind,
    and saving through the proxy sets it.

        class SanctionsRegime(InstrumentKindMixin, Instrument):
            kind_value = Instrument.Kind.SANCTIONS_REGIME
            objects = InstrumentKindManager(kind_value)
    """

    kind_value: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.kind:
            self.kind = self.kind_value

    def save(self, *args, **kwargs):
        self.kind = self.kind_value
        super().save(*args, **kwargs)


class InstrumentProvision(Provision):
    """An operative paragraph or article of an instrument that a source points at."""

    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="provisions",
        verbose_name=_("instrument"),
    )

    natural_key_fields = ("instrument", "label")

    class Meta:
        ordering = ["instrument", "order", "label"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "label"],
                name="instrumentprovision_unique_label",
                violation_error_message=_("This provision is already recorded."),
            )
        ]

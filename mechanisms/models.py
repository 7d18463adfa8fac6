"""The UN side: mechanisms and their mandates, resolutions, treaties, reports, and what a
report concerns.

Resolutions and treaties are instruments (`nkhr.Instrument`), presented here as proxies.
Links from this app to records of the core (a mechanism's events, a report's concerns) are
declared here, never in the core: the core does not depend on the apps.
"""

import operator
from functools import reduce

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models import (
    Actor,
    CitedRecord,
    Event,
    Instrument,
    InstrumentKindManager,
    InstrumentKindMixin,
    KeyedRow,
    Legislation,
    Recommendation,
)
from nkhr.text import compact, name_key


class Resolution(InstrumentKindMixin, Instrument):
    """A resolution or decision of a UN body (General Assembly, Human Rights Council …)."""

    kind_value = Instrument.Kind.RESOLUTION
    objects = InstrumentKindManager(kind_value)

    class Meta:
        proxy = True
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")


class Treaty(InstrumentKindMixin, Instrument):
    """A treaty or convention (ICCPR, ICESCR, CRC …) under which states report."""

    kind_value = Instrument.Kind.TREATY
    objects = InstrumentKindManager(kind_value)

    class Meta:
        proxy = True
        verbose_name = _("treaty")
        verbose_name_plural = _("treaties")


class Mechanism(CitedRecord):
    """A UN mechanism: a commission, a special procedure, a field office, an expert group."""

    class Kind(models.TextChoices):
        COMMISSION_OF_INQUIRY = "commission_of_inquiry", _("commission of inquiry")
        SPECIAL_PROCEDURE = "special_procedure", _("special procedure (rapporteur)")
        FIELD_OFFICE = "field_office", _("field office")
        EXPERT_GROUP = "expert_group", _("group of experts")
        REPOSITORY = "repository", _("evidence repository")
        PERIODIC_REVIEW = "periodic_review", _("periodic review")
        TREATY_BODY = "treaty_body", _("treaty body")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        CONCLUDED = "concluded", _("concluded")
        UNKNOWN = "unknown", _("unknown")

    name = models.CharField(_("name"), max_length=300)
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    parent_body = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mechanisms",
        verbose_name=_("parent body"),
    )
    actor = models.OneToOneField(
        Actor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mechanism",
        verbose_name=_("as an actor"),
        help_text=_("The office or body that is this mechanism, where it acts in its own name."),
    )
    country = CountryField(_("country mandate"), blank=True, help_text=_("Blank for thematic."))
    established = models.DateField(_("established"), null=True, blank=True)
    established_precision = precision_field(_("established"))
    ended = models.DateField(_("ended"), null=True, blank=True)
    ended_precision = precision_field(_("ended"))
    establishing_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mechanisms_established",
        verbose_name=_("established by"),
    )
    mandate = models.TextField(_("mandate"), blank=True)
    # Declared on this side: an event of the core cannot point at an app's mechanism.
    events = models.ManyToManyField(
        Event,
        blank=True,
        related_name="mechanisms",
        verbose_name=_("events under it"),
        help_text=_("Visits, sessions and statements made under this mandate."),
    )

    _history_m2m_fields = ["events"]

    class Meta:
        ordering = ["established", "name"]
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")
        constraints = [
            *partial_date_constraints("established", "ended"),
            date_order_constraint("established", "ended"),
        ]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name_key = name_key(self.name)


class MechanismFunction(KeyedRow):
    """One function in a mechanism's mandate: monitoring, evidence preservation …"""

    class Function(models.TextChoices):
        MONITORING = "monitoring", _("monitoring")
        DOCUMENTATION = "documentation", _("documentation")
        EVIDENCE_PRESERVATION = "evidence_preservation", _("evidence preservation")
        INVESTIGATION = "investigation", _("investigation")
        ACCOUNTABILITY = "accountability", _("accountability")
        REPORTING = "reporting", _("reporting")
        REVIEW = "review", _("review of states")
        ADVOCACY = "advocacy", _("advocacy and awareness")
        TECHNICAL_ASSISTANCE = "technical_assistance", _("technical assistance")

    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.CASCADE, related_name="functions", verbose_name=_("mechanism")
    )
    function = models.CharField(_("function"), max_length=24, choices=Function.choices)

    natural_key_fields = ("mechanism", "function")

    class Meta:
        ordering = ["mechanism", "function"]
        verbose_name = _("mandated function")
        verbose_name_plural = _("mandated functions")
        constraints = [
            models.UniqueConstraint(
                fields=["mechanism", "function"],
                name="mechanismfunction_unique",
                violation_error_message=_("This function is already listed."),
            )
        ]

    def __str__(self):
        return self.get_function_display()


class Report(CitedRecord):
    """A document someone produced: a UN report, a state-party report, a notice, a statement."""

    class Kind(models.TextChoices):
        HIGH_COMMISSIONER_REPORT = "hc_report", _("High Commissioner report")
        ORAL_UPDATE = "oral_update", _("oral update")
        SPECIAL_PROCEDURE_REPORT = "special_procedure_report", _("special procedure report")
        INQUIRY_REPORT = "inquiry_report", _("commission of inquiry report")
        SECRETARY_GENERAL_REPORT = "sg_report", _("Secretary-General report")
        STATE_PARTY_REPORT = "state_party_report", _("state-party report under a treaty")
        UPR_DOCUMENT = "upr_document", _("Universal Periodic Review document")
        COUNTRY_REPORT = "country_report", _("government country report")
        FUNDING_NOTICE = "funding_notice", _("notice of funding opportunity")
        PRESS_STATEMENT = "press_statement", _("press statement")
        HEARING_RECORD = "hearing_record", _("hearing record")
        RESEARCH_PAPER = "research_paper", _("research paper")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    symbol = models.CharField(_("symbol"), max_length=120, blank=True)
    symbol_key = models.CharField(max_length=120, editable=False, blank=True, db_index=True)
    author = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="reports_authored",
        verbose_name=_("author"),
    )
    publisher = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_published",
        verbose_name=_("published by"),
        help_text=_("Where the author is not the publisher, e.g. a news agency."),
    )
    mechanism = models.ForeignKey(
        Mechanism,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("produced under"),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date"))
    treaty = models.ForeignKey(
        Treaty,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": Instrument.Kind.TREATY},
        null=True,
        blank=True,
        related_name="state_party_reports",
        verbose_name=_("treaty"),
    )
    reporting_cycle = models.PositiveSmallIntegerField(
        _("reporting cycle"), null=True, blank=True, help_text=_("2 for a second periodic report")
    )
    country = CountryField(_("country concerned"), blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    public_id_source = "title"

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("report or document")
        verbose_name_plural = _("reports and documents")
        # The list's order, ties broken by id as the API does: a page is read from the
        # index, not sorted out of every row.
        indexes = [models.Index(fields=["-date", "title", "id"], name="report_date_order")]
        constraints = [
            *partial_date_constraints("date"),
            models.CheckConstraint(
                condition=models.Q(kind="state_party_report", treaty__isnull=False)
                | (
                    ~models.Q(kind="state_party_report")
                    & models.Q(treaty__isnull=True, reporting_cycle__isnull=True)
                ),
                name="report_treaty_iff_state_party_report",
                violation_error_message=_(
                    "A state-party report names its treaty; other documents have none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.symbol})" if self.symbol else self.title

    def refresh_derived(self):
        self.title_key = name_key(self.title)
        self.symbol_key = compact(self.symbol)


# The links of a concern, one of which it sets.
CONCERN_TARGETS = (
    "actor",
    "instrument",
    "legislation",
    "event",
    "recommendation",
    "mechanism",
    "other_report",
    "designation",
    "designation_round",
)


def exactly_one_of(names) -> models.Q:
    """The condition that exactly one of the link fields `names` is set."""
    return reduce(
        operator.or_,
        (
            models.Q(
                **{f"{name}__isnull": False},
                **{f"{other}__isnull": True for other in names if other != name},
            )
            for name in names
        ),
    )


def concern_link(model, verbose_name):
    """One of a concern's links: to a record of one kind, gone with the record it names."""
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="concerned_by",
        verbose_name=verbose_name,
    )


class Concern(KeyedRow):
    """A record a report or statement concerns, of any kind: the programme a notice
    announces, the law a country report discusses, the sanctions a statement attacks.

    One nullable link per kind of record rather than a generic (content type, id) pair:
    every link is then a foreign key, which the database keeps valid and which lists,
    exports, search and the public's view of drafts read like any other link. Like the
    link of a many-to-many field, a concern goes with the record it names (history keeps
    it, and restoring the record brings it back)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="concerns", verbose_name=_("report")
    )
    actor = concern_link(Actor, _("actor"))
    instrument = concern_link(Instrument, _("instrument"))
    legislation = concern_link(Legislation, _("legislation"))
    event = concern_link(Event, _("event"))
    recommendation = concern_link(Recommendation, _("recommendation"))
    mechanism = concern_link(Mechanism, _("mechanism"))
    other_report = concern_link(Report, _("report or document"))
    designation = concern_link("sanctions.Designation", _("designation"))
    designation_round = concern_link("sanctions.DesignationRound", _("designation round"))
    note = models.CharField(
        _("how"),
        max_length=300,
        blank=True,
        help_text=_("How the report concerns it, e.g. the section that discusses it."),
    )

    natural_key_fields = ("report", *CONCERN_TARGETS)

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of(CONCERN_TARGETS),
                name="concern_names_one_record",
                violation_error_message=_("A concern names exactly one record."),
            ),
            *(
                models.UniqueConstraint(
                    fields=["report", name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"concern_unique_{name}",
                    violation_error_message=_("This report already concerns this record."),
                )
                for name in CONCERN_TARGETS
            ),
        ]

    def __str__(self):
        return str(self.target) if self.target is not None else "—"

    @property
    def target(self):
        """The record concerned, whichever kind it is."""
        return next(
            (getattr(self, name) for name in CONCERN_TARGETS if getattr(self, f"{name}_id")),
            None,
        )

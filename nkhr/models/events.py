"""Dated happenings: workshops, visits, hearings, statements, Security Council meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models.actors import Actor
from nkhr.models.base import CitedRecord, KeyedRow
from nkhr.models.instruments import Instrument
from nkhr.models.legislation import Legislation
from nkhr.text import name_key


class Event(CitedRecord):
    """Something that happened on a date (or in a month or year), with its participants."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("workshop or seminar")
        CONFERENCE = "conference", _("conference")
        VISIT = "visit", _("country visit")
        HEARING = "hearing", _("hearing")
        STATEMENT = "statement", _("statement")
        MEETING = "meeting", _("meeting")
        SECURITY_COUNCIL_MEETING = "unsc_meeting", _("Security Council meeting")
        ESTABLISHMENT = "establishment", _("establishment or opening")
        WITHDRAWAL = "withdrawal", _("withdrawal or denunciation")
        ELECTION = "election", _("election or inauguration")
        OTHER = "other", _("other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        PRIVATE = "private", _("private (closed)")
        UNKNOWN = "unknown", _("unknown")

    title = models.CharField(_("title"), max_length=500)
    title_key = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    start = models.DateField(_("date or start"), null=True, blank=True)
    start_precision = precision_field(_("date or start"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field(_("end"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    description = models.TextField(_("description"), blank=True)
    participants = models.ManyToManyField(
        Actor, through="EventParticipant", related_name="events", verbose_name=_("participants")
    )
    instruments = models.ManyToManyField(
        Instrument, blank=True, related_name="events", verbose_name=_("instruments concerned")
    )
    legislation = models.ManyToManyField(
        Legislation, blank=True, related_name="events", verbose_name=_("legislation concerned")
    )

    public_id_source = "title"
    _history_m2m_fields = ["instruments", "legislation"]

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # The list's order, ties broken by id as the API does: a page is read from the
        # index, not sorted out of every row.
        indexes = [models.Index(fields=["-start", "title", "id"], name="event_start_order")]
        constraints = [
            *partial_date_constraints("start", "end"),
            date_order_constraint("start", "end"),
        ]

    def __str__(self):
        return f"{self.title} ({self.partial_date('start')})" if self.start else self.title

    def refresh_derived(self):
        self.title_key = name_key(self.title)


class EventParticipant(KeyedRow):
    """An actor's part in an event: organiser, host, visitor, speaker, participant, subject."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("organiser")
        HOST = "host", _("host")
        PARTICIPANT = "participant", _("participant")
        SPEAKER = "speaker", _("speaker or author")
        VISITOR = "visitor", _("visitor")
        WITNESS = "witness", _("witness")
        SUBJECT = "subject", _("subject or target")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("event")
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", verbose_name=_("actor")
    )
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )

    natural_key_fields = ("event", "actor", "role")

    class Meta:
        ordering = ["event", "role", "actor"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="eventparticipant_unique",
                violation_error_message=_("This actor already has this role in this event."),
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"

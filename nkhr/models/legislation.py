"""Laws and bills: who sponsored them, what happened to them, which sections matter, and the
other names they go by."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from nkhr.dates import partial_date_constraints, precision_field
from nkhr.models.actors import Actor
from nkhr.models.base import CitedRecord, KeyedRow
from nkhr.models.rows import NameRow, Provision, SourcedRow
from nkhr.text import compact


class Chamber(models.TextChoices):
    LOWER = "lower", _("lower house (e.g. House of Representatives)")
    UPPER = "upper", _("upper house (e.g. Senate)")
    UNICAMERAL = "unicameral", _("unicameral legislature")
    JOINT = "joint", _("both chambers")


class Legislation(CitedRecord):
    """A bill or an enacted law in one jurisdiction, with its curated status."""

    class Kind(models.TextChoices):
        BILL = "bill", _("bill")
        ACT = "act", _("act (enacted law)")
        AMENDMENT = "amendment", _("amendment")
        RESOLUTION = "resolution", _("legislative resolution")

    class Status(models.TextChoices):
        INTRODUCED = "introduced", _("introduced")
        IN_COMMITTEE = "in_committee", _("pending in committee")
        PASSED_LOWER = "passed_lower", _("passed the lower house")
        PASSED_UPPER = "passed_upper", _("passed the upper house")
        PASSED = "passed", _("passed the legislature")
        ENACTED = "enacted", _("enacted")
        IN_FORCE = "in_force", _("in force")
        VETOED = "vetoed", _("vetoed")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("died at end of session")
        REPEALED = "repealed", _("repealed")

    jurisdiction = CountryField(_("jurisdiction"), db_index=True)
    legislature = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legislation",
        verbose_name=_("legislature"),
    )
    chamber = models.CharField(
        _("chamber of origin"), max_length=12, choices=Chamber.choices, blank=True
    )
    session = models.CharField(
        _("congress or session"), max_length=60, blank=True, help_text=_("e.g. 117th Congress")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BILL)
    bill_number = models.CharField(
        _("bill number"), max_length=40, blank=True, help_text=_("As written officially: H.R.757")
    )
    bill_number_key = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    law_number = models.CharField(
        _("law number"), max_length=60, blank=True, help_text=_("e.g. Public Law 114-122")
    )
    title = models.CharField(_("title"), max_length=500)
    short_title = models.CharField(_("short title"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, db_index=True)
    introduced = models.DateField(_("introduced"), null=True, blank=True)
    introduced_precision = precision_field(_("introduced"))
    enacted = models.DateField(_("enacted"), null=True, blank=True)
    enacted_precision = precision_field(_("enacted"))
    in_force = models.DateField(_("in force"), null=True, blank=True)
    in_force_precision = precision_field(_("in force"))
    summary = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("official URL"), max_length=1000, blank=True)
    sponsors = models.ManyToManyField(
        Actor,
        through="Sponsorship",
        related_name="sponsored_legislation",
        verbose_name=_("sponsors and cosponsors"),
    )
    related = models.ManyToManyField(
        "self",
        through="LegislationRelation",
        symmetrical=False,
        related_name="related_from",
        verbose_name=_("related legislation"),
    )

    public_id_source = "slug_seed"

    class Meta:
        ordering = ["jurisdiction", "-introduced", "title"]
        verbose_name = _("legislation")
        verbose_name_plural = _("legislation")
        # The list's order, ties broken by id as the API does: a page is read from the
        # index, not sorted out of every row.
        indexes = [
            models.Index(
                fields=["jurisdiction", "-introduced", "title", "id"], name="legislation_order"
            )
        ]
        constraints = [
            *partial_date_constraints("introduced", "enacted", "in_force"),
            models.UniqueConstraint(
                fields=["jurisdiction", "session", "bill_number_key"],
                condition=~models.Q(bill_number_key=""),
                name="legislation_unique_bill_number",
                violation_error_message=_(
                    "A bill with this number already exists in this jurisdiction and session."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.bill_number})" if self.bill_number else self.title

    @property
    def slug_seed(self) -> str:
        if self.bill_number:
            return f"{self.jurisdiction} {self.session} {self.bill_number}"
        return f"{self.jurisdiction} {self.short_title or self.title}"

    def refresh_derived(self):
        self.bill_number_key = compact(self.bill_number)


class Sponsorship(KeyedRow):
    """That an actor (a legislator or a group) sponsored or cosponsored a bill."""

    class Role(models.TextChoices):
        SPONSOR = "sponsor", _("sponsor")
        COSPONSOR = "cosponsor", _("cosponsor")

    legislation = models.ForeignKey(
        Legislation,
        on_delete=models.CASCADE,
        related_name="sponsorships",
        verbose_name=_("legislation"),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="sponsorships", verbose_name=_("sponsor")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SPONSOR)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date"))
    party = models.CharField(_("party at the time"), max_length=60, blank=True)

    natural_key_fields = ("legislation", "actor")

    class Meta:
        ordering = ["legislation", "role", "actor"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        constraints = [
            *partial_date_constraints("date"),
            models.UniqueConstraint(
                fields=["legislation", "actor"],
                name="sponsorship_unique_actor",
                violation_error_message=_("This actor already (co)sponsors this bill."),
            ),
            models.UniqueConstraint(
                fields=["legislation"],
                condition=models.Q(role="sponsor"),
                name="sponsorship_one_sponsor",
                violation_error_message=_("A bill has one primary sponsor."),
            ),
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class LegislativeAction(SourcedRow):
    """A dated step in a bill's life: introduced, referred, passed a chamber, in force."""

    class Kind(models.TextChoices):
        INTRODUCED = "introduced", _("introduced")
        REFERRED = "referred", _("referred to committee")
        REPORTED = "reported", _("reported by committee")
        PASSED_CHAMBER = "passed_chamber", _("passed a chamber")
        FAILED_CHAMBER = "failed_chamber", _("failed in a chamber")
        SIGNED = "signed", _("signed into law")
        PROMULGATED = "promulgated", _("promulgated")
        ENTERED_INTO_FORCE = "entered_into_force", _("entered into force")
        AMENDED = "amended", _("amended")
        OTHER = "other", _("other")

    legislation = models.ForeignKey(
        Legislation, on_delete=models.CASCADE, related_name="actions", verbose_name=_("legislation")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    chamber = models.CharField(_("chamber"), max_length=12, choices=Chamber.choices, blank=True)
    actor = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legislative_actions",
        verbose_name=_("acting body"),
        help_text=_("e.g. the committee a bill was referred to"),
    )
    description = models.CharField(_("description"), max_length=500, blank=True)

    natural_key_fields = ("legislation", "order")

    class Meta:
        ordering = ["legislation", "order"]
        verbose_name = _("legislative action")
        verbose_name_plural = _("legislative actions")
        # The timeline reads the latest actions of every bill (or a year's): without it,
        # half a million actions are sorted for each page (220 ms at a million records).
        indexes = [models.Index(fields=["date", "id"], name="legislativeaction_date_order")]
        constraints = [
            *partial_date_constraints("date"),
            models.UniqueConstraint(
                fields=["legislation", "order"],
                name="legislativeaction_unique_order",
                violation_error_message=_("Two actions of one bill cannot share a position."),
            ),
        ]

    def __str__(self):
        return f"{self.partial_date('date') or '—'} {self.get_kind_display()}"


class LegislationSection(Provision):
    """A section or article of a bill or law that a source points at."""

    legislation = models.ForeignKey(
        Legislation,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("legislation"),
    )

    natural_key_fields = ("legislation", "label")

    class Meta:
        ordering = ["legislation", "order", "label"]
        verbose_name = _("section or article")
        verbose_name_plural = _("sections and articles")
        constraints = [
            models.UniqueConstraint(
                fields=["legislation", "label"],
                name="legislationsection_unique_label",
                violation_error_message=_("This section is already recorded."),
            )
        ]


class LegislationRelation(KeyedRow):
    """A directed link between two pieces of legislation (companion, amends, reauthorizes)."""

    class Kind(models.TextChoices):
        COMPANION = "companion", _("companion bill in the other chamber")
        AMENDS = "amends", _("amends")
        REAUTHORIZES = "reauthorizes", _("reauthorizes or extends")
        REPLACES = "replaces", _("replaces")
        RELATED = "related", _("related")

    from_legislation = models.ForeignKey(
        Legislation, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("from")
    )
    to_legislation = models.ForeignKey(
        Legislation, on_delete=models.CASCADE, related_name="relations_in", verbose_name=_("to")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)

    natural_key_fields = ("from_legislation", "to_legislation", "kind")

    class Meta:
        ordering = ["from_legislation", "kind"]
        verbose_name = _("legislation relation")
        verbose_name_plural = _("legislation relations")
        constraints = [
            models.UniqueConstraint(
                fields=["from_legislation", "to_legislation", "kind"],
                name="legislationrelation_unique",
                violation_error_message=_("These bills are already related this way."),
            ),
            models.CheckConstraint(
                condition=~models.Q(from_legislation=models.F("to_legislation")),
                name="legislationrelation_not_self",
                violation_error_message=_("A bill cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.from_legislation} {self.get_kind_display()} {self.to_legislation}"


class LegislationAlias(NameRow):
    """Another name of a bill or law: its short title as a source writes it, an abbreviation,
    a translation of its title ("Act on the Development of North-South Relations")."""

    legislation = models.ForeignKey(
        Legislation, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("legislation")
    )
    name = models.CharField(_("name"), max_length=500)
    name_key = models.CharField(max_length=500, editable=False, db_index=True)

    natural_key_fields = ("legislation", "name", "language")

    class Meta:
        ordering = ["legislation", "name"]
        verbose_name = _("legislation alias")
        verbose_name_plural = _("legislation aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["legislation", "name", "language"],
                name="legislationalias_unique",
                violation_error_message=_("This legislation already has this alias."),
            )
        ]

"""Who acts: states, organisations, offices, people, and the positions people hold."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from nkhr.concurrency import lock_hierarchy
from nkhr.dates import date_order_constraint, partial_date_constraints, precision_field
from nkhr.models.base import CitedRecord
from nkhr.models.rows import NameRow
from nkhr.text import name_key


class Actor(CitedRecord):
    """Anyone who acts or is acted upon: a state, a body, an office, a person or a position.

    Bodies nest through `parent` (a bureau inside a ministry, a committee inside a
    legislature); a position (an office such as a minister or a special envoy) is an actor
    too, so it can be vacant, have a parent body, and be held by people over time.
    """

    class Kind(models.TextChoices):
        STATE = "state", _("state")
        INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental organisation")
        UN_BODY = "un_body", _("UN body")
        UN_OFFICE = "un_office", _("UN office")
        GOVERNMENT = "government", _("government")
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("agency")
        DEPARTMENT = "department", _("department or bureau")
        LEGISLATURE = "legislature", _("legislature")
        CHAMBER = "chamber", _("legislative chamber")
        COMMITTEE = "committee", _("committee or commission")
        PROSECUTOR = "prosecutor", _("prosecutor's office")
        COURT = "court", _("court")
        POLITICAL_PARTY = "political_party", _("political party")
        NGO = "ngo", _("non-governmental organisation")
        FOUNDATION = "foundation", _("foundation")
        RESEARCH_INSTITUTE = "research_institute", _("research institute")
        NEWS_AGENCY = "news_agency", _("news agency")
        COMPANY = "company", _("company")
        PERSON = "person", _("person")
        POSITION = "position", _("position")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        PROPOSED = "proposed", _("proposed")
        NOT_ESTABLISHED = "not_established", _("not yet established")
        VACANT = "vacant", _("vacant")
        DISSOLVED = "dissolved", _("dissolved")
        DECEASED = "deceased", _("deceased")
        UNKNOWN = "unknown", _("unknown")

    # Kinds screened as people rather than organisations (FollowTheMoney Person).
    PERSON_KINDS = frozenset({Kind.PERSON})

    name = models.CharField(_("name"), max_length=300, help_text=_("Preferred name in English."))
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    country = CountryField(_("country"), blank=True, db_index=True)
    established = models.DateField(_("established or born"), null=True, blank=True)
    established_precision = precision_field(_("established or born"))
    dissolved = models.DateField(_("dissolved or died"), null=True, blank=True)
    dissolved_precision = precision_field(_("dissolved or died"))
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, help_text=_("e.g. Q56226")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        # The list's order, ties broken by id as the API does: a page is read from the
        # index, not sorted out of every row.
        indexes = [models.Index(fields=["name", "id"], name="actor_name_order")]
        constraints = [
            *partial_date_constraints("established", "dissolved"),
            date_order_constraint("established", "dissolved"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")),
                name="actor_not_own_parent",
                violation_error_message=_("An actor cannot be part of itself."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="vacant") | models.Q(kind="position"),
                name="actor_only_positions_vacant",
                violation_error_message=_("Only a position can be vacant."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind in self.PERSON_KINDS

    def refresh_derived(self):
        self.name_key = name_key(self.name)

    def clean(self):
        super().clean()
        self._check_no_parent_cycle()

    def save(self, *args, **kwargs):
        # The database forbids an actor being its own parent; longer cycles are caught here,
        # on every save path that goes through the model.
        self._check_no_parent_cycle(saving=True)
        super().save(*args, **kwargs)

    def _check_no_parent_cycle(self, saving=False):
        if self.parent_id is None:
            return
        if self._state.adding:
            # A record not stored yet is no one's parent, so its own link cannot close a
            # cycle: no walk. Its save takes the lock all the same, so that another writer's
            # walk, which may pass through it, waits until it is stored (an import of actors
            # takes it once, before its first row: `hierarchy_locked`).
            if saving and not getattr(self, "hierarchy_locked", False):
                lock_hierarchy(Actor)
            return
        stored = Actor._base_manager.filter(pk=self.pk).values_list("parent_id", flat=True)
        if list(stored) != [self.parent_id]:
            # A new link could close a cycle with another writer's: the walk below, and this
            # save, happen while no other new link is being checked.
            lock_hierarchy(Actor)
        seen = {self.pk}
        ancestor_id = self.parent_id
        while ancestor_id is not None:
            if ancestor_id in seen:
                raise ValidationError(
                    {"parent": _("This parent would make the hierarchy a cycle.")},
                    code="parent_cycle",
                )
            seen.add(ancestor_id)
            ancestor_id = (
                Actor.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
            )


class Alias(NameRow):
    """Another name of an actor: an official form, a romanization, an abbreviation, Hangul."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("actor")
    )
    name = models.CharField(_("name"), max_length=300)
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    natural_key_fields = ("actor", "name", "language")

    class Meta:
        ordering = ["actor", "name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name", "language"],
                name="alias_unique_per_actor",
                violation_error_message=_("This actor already has this alias."),
            )
        ]


def position_held_name(person_name: str, position_name: str) -> str:
    return f"{person_name} — {position_name}"


class PositionHeld(CitedRecord):
    """That a person held a position (an office), from when to when, as far as known."""

    person = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="positions_held",
        limit_choices_to={"kind": Actor.Kind.PERSON},
        verbose_name=_("person"),
    )
    position = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="holders",
        limit_choices_to={"kind": Actor.Kind.POSITION},
        verbose_name=_("position"),
    )
    start = models.DateField(_("from"), null=True, blank=True)
    start_precision = precision_field(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    end_precision = precision_field(_("until"))
    as_of = models.DateField(
        _("reported as of"),
        null=True,
        blank=True,
        help_text=_("When a source says the person held it, where start and end are unknown."),
    )
    as_of_precision = precision_field(_("reported as of"))

    public_id_source = "slug_seed"
    # Its name (`__str__`) from columns, for lists read as values (`nkhr.api.reading`).
    name_from_values = (("person__name", "position__name"), position_held_name)

    class Meta:
        ordering = ["person", "start", "position"]
        verbose_name = _("position held")
        verbose_name_plural = _("positions held")
        constraints = [
            *partial_date_constraints("start", "end", "as_of"),
            date_order_constraint("start", "end"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("position")),
                name="positionheld_person_is_not_position",
                violation_error_message=_("A person cannot hold themself."),
            ),
        ]

    def __str__(self):
        return position_held_name(self.person.name, self.position.name)

    @property
    def slug_seed(self) -> str:
        return f"{self.person_id} {self.position_id}"

    def clean(self):
        super().clean()
        errors = {}
        if self.person_id and self.person.kind != Actor.Kind.PERSON:
            errors["person"] = _("Choose an actor of kind person.")
        if self.position_id and self.position.kind != Actor.Kind.POSITION:
            errors["position"] = _("Choose an actor of kind position.")
        if errors:
            raise ValidationError(errors)

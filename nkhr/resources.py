"""Import and export resources of the core records: actors (with aliases), legislation (with
aliases, sponsors, actions, sections and relations) and events (with participants).

Columns are the model's fields; related records are public ids (names and aliases are also
accepted on import), partial dates are written as known, rows and citations are JSON lists.
See nkhr/imports.py for what every resource shares.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nkhr.concurrency import lock_hierarchy
from nkhr.imports import (
    RECORD_TAIL,
    PartialDateImportField,
    RecordField,
    RecordListField,
    RecordResource,
    RowsField,
)
from nkhr.models import (
    Actor,
    Alias,
    Event,
    EventParticipant,
    Instrument,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    Sponsorship,
)


class ActorResource(RecordResource):
    """Actors with their aliases. A new actor whose name is already an actor's name or alias
    is refused as a duplicate; parents come before their parts in exports."""

    parent = RecordField("parent", Actor)
    established = PartialDateImportField("established")
    dissolved = PartialDateImportField("dissolved")
    aliases = RowsField(
        "aliases",
        Alias,
        parent="actor",
        keys=("name", "kind", "language", "script", "source", "locator"),
        scalar="name",
    )

    duplicate_field = "name"

    class Meta:
        model = Actor
        fields = (
            "id",
            "name",
            "kind",
            "status",
            "parent",
            "country",
            "established",
            "dissolved",
            "description",
            "url",
            "wikidata_id",
            "aliases",
            *RECORD_TAIL,
        )

    def duplicates_of(self, instance):
        if not instance.name:
            return super().duplicates_of(instance)
        return Actor.objects.filter(
            models.Q(name=instance.name) | models.Q(aliases__name=instance.name)
        ).distinct()

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        names = dataset["name"] if "name" in (dataset.headers or []) else []
        self.names_taken = NamesTaken(str(name) for name in names if name)
        # The lock a new actor's parent link is saved under, taken once for the whole import
        # (inside its transaction, which holds it to the end) rather than once a row.
        self.hierarchy_locked = "parent" in (dataset.headers or [])
        if self.hierarchy_locked:
            lock_hierarchy(Actor)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.hierarchy_locked = getattr(self, "hierarchy_locked", False)

    def duplicate_ids(self, instance):
        taken = getattr(self, "names_taken", None)
        if not instance.name or taken is None or instance.name not in taken.wanted:
            self.write_pending_rows()  # the query reads aliases, of earlier rows too
            return super().duplicate_ids(instance)
        return taken.ids(instance.name, other_than=instance.pk)[:3]

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        taken = getattr(self, "names_taken", None)
        if taken is not None:
            aliases = instance.__dict__.get("_import_rows", {}).get("aliases")
            alias_names = None if aliases is None else {alias.name for alias in aliases}
            taken.saved(instance.pk, instance.name, alias_names)

    def iter_queryset(self, queryset):
        """Parents before their parts, so that a file re-imports from top to bottom."""
        actors = list(super().iter_queryset(queryset))
        by_id = {actor.pk: actor for actor in actors}
        placed, ordered = set(), []

        def place(actor, chain=()):
            if actor.pk in placed or actor.pk in chain:
                return
            parent = by_id.get(actor.parent_id)
            if parent is not None:
                place(parent, (*chain, actor.pk))
            placed.add(actor.pk)
            ordered.append(actor)

        for actor in actors:
            place(actor)
        return iter(ordered)


class NamesTaken:
    """Which actors take each name of a file's `name` column, as their name or an alias:
    read a thousand names a query before the first row, then kept up to date as the import
    saves actors, so that finding a row's duplicates costs no query."""

    BATCH = 1000

    def __init__(self, names):
        self.wanted = set(names)
        self.by_name: dict[str, set] = {}
        # What the index knows each actor is called (only names of the file count).
        self.name_of: dict[str, str | None] = {}
        self.aliases_of: dict[str, set] = {}
        wanted = sorted(self.wanted)
        for start in range(0, len(wanted), self.BATCH):
            chunk = wanted[start : start + self.BATCH]
            for name, pk in Actor._default_manager.filter(name__in=chunk).values_list("name", "pk"):
                self.name_of[pk] = name
                self.by_name.setdefault(name, set()).add(pk)
            aliases = Alias._default_manager.filter(name__in=chunk).values_list("name", "actor")
            for name, pk in aliases:
                self.aliases_of.setdefault(pk, set()).add(name)
                self.by_name.setdefault(name, set()).add(pk)

    def ids(self, name: str, other_than=None) -> list:
        return sorted(pk for pk in self.by_name.get(name, ()) if pk != other_than)

    def saved(self, pk, name: str, aliases: set | None) -> None:
        """The actor `pk` is now called `name`, with `aliases` (None: as before)."""
        if aliases is None:
            aliases = self.aliases_of.get(pk, set())
        for old in {self.name_of.get(pk), *self.aliases_of.get(pk, ())}:
            self.by_name.get(old, set()).discard(pk)
        self.name_of[pk] = name if name in self.wanted else None
        self.aliases_of[pk] = {alias for alias in aliases if alias in self.wanted}
        for new in {self.name_of[pk], *self.aliases_of[pk]} - {None}:
            self.by_name.setdefault(new, set()).add(pk)


def one_primary_sponsor(rows: list) -> list[str]:
    sponsors = [row for row in rows if row.role == Sponsorship.Role.SPONSOR]
    return [str(_("A bill has one primary sponsor."))] if len(sponsors) > 1 else []


class RelationsField(RowsField):
    """Links to other legislation. A link may name a bill further down the same file (two
    companion bills name each other); such links are saved once every row is in."""

    def resolve(self, field, value, resource):
        try:
            return super().resolve(field, value, resource)
        except ValueError:
            if str(value).strip() not in resource.ids_in_file:
                raise
            return Legislation(pk=str(value).strip())

    def build(self, number, item, record, resource):
        row_obj, errors = super().build(number, item, record, resource)
        if row_obj is not None and row_obj.to_legislation_id:
            target = row_obj.to_legislation_id
            row_obj._import_deferred = not Legislation.objects.filter(pk=target).exists()
            if record.pk and target == record.pk:
                errors.append(str(_("A bill cannot be related to itself.")))
        return row_obj, errors

    def unchecked_fields(self, row_obj):
        # A bill named further down the file is not in the database yet.
        return ["to_legislation"] if row_obj.to_legislation_id else []


class LegislationResource(RecordResource):
    """Bills and laws with their aliases, sponsors, actions, sections and relations."""

    legislature = RecordField("legislature", Actor)
    introduced = PartialDateImportField("introduced")
    enacted = PartialDateImportField("enacted")
    in_force = PartialDateImportField("in_force")
    aliases = RowsField(
        "aliases",
        LegislationAlias,
        parent="legislation",
        keys=("name", "kind", "language", "script", "source", "locator"),
        scalar="name",
    )
    sponsors = RowsField(
        "sponsors",
        Sponsorship,
        parent="legislation",
        keys=("actor", "role", "date", "party"),
        scalar="actor",
        check_rows=one_primary_sponsor,
    )
    actions = RowsField(
        "actions",
        LegislativeAction,
        parent="legislation",
        keys=("order", "date", "kind", "chamber", "actor", "description", "source", "locator"),
        numbered="order",
    )
    sections = RowsField(
        "sections",
        LegislationSection,
        parent="legislation",
        keys=("label", "heading", "text", "order"),
        scalar="label",
    )
    relations = RelationsField(
        "relations", LegislationRelation, parent="from_legislation", keys=("to_legislation", "kind")
    )

    duplicate_field = "title"
    duplicate_fields = ("jurisdiction", "title", "bill_number")
    duplicate_prefetch = {"title": "title"}
    unique_prefetch = {"legislation_unique_bill_number": ("bill_number_key", "bill_number")}

    class Meta:
        model = Legislation
        fields = (
            "id",
            "jurisdiction",
            "legislature",
            "chamber",
            "session",
            "kind",
            "bill_number",
            "law_number",
            "title",
            "short_title",
            "aliases",
            "status",
            "introduced",
            "enacted",
            "in_force",
            "summary",
            "url",
            "sponsors",
            "actions",
            "sections",
            "relations",
            *RECORD_TAIL,
        )

    def duplicate_lookup(self, instance):
        # Numbered bills are kept unique by the model's constraint; unnumbered ones are the
        # same bill when jurisdiction and title agree.
        if instance.bill_number or not instance.title:
            return None
        return {"jurisdiction": instance.jurisdiction, "title": instance.title, "bill_number": ""}


class EventResource(RecordResource):
    """Events with their participants and the instruments and legislation they concern."""

    start = PartialDateImportField("start")
    end = PartialDateImportField("end")
    participants = RowsField(
        "participants", EventParticipant, parent="event", keys=("actor", "role"), scalar="actor"
    )
    instruments = RecordListField("instruments", Instrument)
    legislation = RecordListField("legislation", Legislation)

    duplicate_field = "title"
    duplicate_fields = ("title_key", "start", "start_precision")
    duplicate_prefetch = {"title_key": "title"}

    class Meta:
        model = Event
        fields = (
            "id",
            "title",
            "kind",
            "start",
            "end",
            "location",
            "country",
            "visibility",
            "description",
            "participants",
            "instruments",
            "legislation",
            *RECORD_TAIL,
        )

    def duplicate_lookup(self, instance):
        if not instance.title:
            return None
        instance.refresh_derived()
        return {
            "title_key": instance.title_key,
            "start": instance.start,
            "start_precision": instance.start_precision,
        }

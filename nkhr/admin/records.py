"""Admin pages of the shared core: sources, citations, actors, legislation, instruments,
events and recommendations, with the inlines the other apps reuse."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from nkhr.admin.base import (
    IndexedCountryFilter,
    RecordAdmin,
    RowAdmin,
    RowInline,
    admin_change_url,
    country_column,
    filtered_changelist_url,
    pair_partial_dates,
    partial_date_column,
)
from nkhr.dates import with_precisions
from nkhr.filters import (
    ACTOR_SEARCH,
    EVENT_SEARCH,
    INSTRUMENT_SEARCH,
    LEGISLATION_SEARCH,
    RECOMMENDATION_SEARCH,
    SOURCE_SEARCH,
)
from nkhr.imports import RecordImportExportMixin
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    CitedRecord,
    Event,
    EventParticipant,
    Instrument,
    InstrumentProvision,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    PositionHeld,
    Recommendation,
    Source,
    Sponsorship,
)
from nkhr.resources import ActorResource, EventResource, LegislationResource
from nkhr.search import SearchSpec
from nkhr.text import name_key

# Each admin's key search (`key_search_fields`) is its record type's search spec (or, for
# rows, the spec of the record they belong to): the same keys the API searches. Its
# `search_fields` are Django's word search, every word in some column: the spec's text
# columns, and where named, the names as written (so "Yong Kim" finds "Kim Yong", which
# the whole term's key does not) and identifiers typed as they are.


def actor_key_search(prefix: str = "") -> list:
    """`key_search_fields` matching the actor at `prefix` ("person__"; "" for the actor
    itself) by name or alias key: the actors' search spec, through the link."""
    spec = ACTOR_SEARCH.through(prefix.removesuffix("__")) if prefix else ACTOR_SEARCH
    return spec.key_paths()


def actor_search_fields(prefix: str = "") -> list[str]:
    """`search_fields` for the actor at `prefix`: its name and its aliases as written, word
    by word in any order."""
    return [f"{prefix}name", f"{prefix}aliases__name"]


# --- sources and citations -------------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(RecordAdmin):
    """Documents facts are taken from."""

    list_display = ["title", "kind", "series", "symbol", "published_display", "language"]
    list_filter = ["kind", "language"]
    # Words of the series and symbol as written, and the id.
    search_fields = [*SOURCE_SEARCH.text, "series", "symbol", "id"]
    key_search_fields = SOURCE_SEARCH.key_paths()
    date_hierarchy = "published"
    show_full_result_count = False
    readonly_fields = ["citations_link"]

    published_display = partial_date_column("published", _("published"))

    @admin.display(description=_("citations"))
    def citations_link(self, obj):
        if obj is None or not obj.pk:
            return "—"
        url = filtered_changelist_url(Citation, "source__id__exact", obj.pk)
        return format_html('<a href="{}">{}</a>', url, _("Records citing this source"))


def cited_content_types():
    """Content types of the models that cite sources (concrete models: proxies cite as them)."""
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, CitedRecord) and not model._meta.proxy
    ]
    return ContentType.objects.get_for_models(*models).values()


@admin.register(Citation)
class CitationAdmin(RowAdmin):
    """Every citation, browsable by source and by kind of record."""

    list_display = ["record_link", "source", "section", "footnote", "paragraph", "page"]
    list_select_related = ["source", "content_type"]
    list_filter = [("content_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_id", "source__title", "section", "quote", "note"]
    autocomplete_fields = ["source"]

    @admin.display(description=_("record"), ordering="object_id")
    def record_link(self, obj):
        # Built from the content type and id, never by loading the record: no query per row.
        content_type = obj.content_type
        text = f"{content_type.name}: {obj.object_id}"
        model = content_type.model_class()
        url = admin_change_url(model(pk=obj.object_id)) if model else None
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            kwargs["queryset"] = ContentType.objects.filter(
                pk__in=[ct.pk for ct in cited_content_types()]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- actors ----------------------------------------------------------------------------------


class AliasInline(RowInline):
    """Other names of an actor: romanizations, Hangul, abbreviations."""

    model = Alias
    fields = ["name", "kind", "language", "script", "source", "locator"]
    autocomplete_fields = ["source"]
    select_related = ["source"]


# Inlines with more columns than a 1280-pixel screen holds are stacked: each row a small
# form, a partial date beside its precision.
STACKED = "admin/edit_inline/stacked.html"


class PositionHeldInline(RowInline):
    """Positions a person held; open a row to cite its sources."""

    model = PositionHeld
    fk_name = "person"
    template = STACKED
    fieldsets = [
        (
            None,
            {"fields": ["position", *pair_partial_dates(with_precisions("start", "end", "as_of"))]},
        )
    ]
    autocomplete_fields = ["position"]
    select_related = ["person", "position"]
    show_change_link = True


@admin.register(Actor)
class ActorAdmin(RecordImportExportMixin, RecordAdmin):
    """States, bodies, offices, people and positions, found by any name they go by."""

    resource_classes = [ActorResource]

    list_display = [
        "name",
        "kind",
        "status",
        "parent",
        country_column("country"),
        "established_display",
        "id",
    ]
    list_filter = ["kind", "status", ("country", IndexedCountryFilter)]
    list_select_related = ["parent"]
    # The names word by word in any order, the id and Wikidata id ("Q123") as typed.
    # Names and aliases, word by word in any order, are in the actor's search document.
    search_fields = [*ACTOR_SEARCH.text, "id", "wikidata_id"]
    key_search_fields = ACTOR_SEARCH.key_paths()
    autocomplete_fields = ["parent"]
    show_full_result_count = False
    inlines = [AliasInline, PositionHeldInline]

    established_display = partial_date_column("established", _("established or born"))

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and not obj.is_person:
            inlines = [inline for inline in inlines if inline is not PositionHeldInline]
        return inlines


@admin.register(Alias)
class AliasAdmin(RowAdmin):
    """Every alias, to review romanizations across actors."""

    list_display = ["name", "actor", "kind", "language", "script"]
    list_select_related = ["actor"]
    list_filter = ["kind", "script", "language"]
    search_fields = ["name", "actor__name"]
    key_search_fields = [("name_key", name_key), ("actor__name_key", name_key)]
    autocomplete_fields = ["actor", "source"]


@admin.register(PositionHeld)
class PositionHeldAdmin(RecordAdmin):
    """Who held which office, and when."""

    list_display = ["person", "position", "start_display", "end_display", "as_of_display"]
    list_select_related = ["person", "position"]
    search_fields = [*actor_search_fields("person__"), "position__name", "id"]
    key_search_fields = [*actor_key_search("person__"), ("position__name_key", name_key)]
    autocomplete_fields = ["person", "position"]
    date_hierarchy = "start"
    show_full_result_count = False

    start_display = partial_date_column("start", _("from"))
    end_display = partial_date_column("end", _("until"))
    as_of_display = partial_date_column("as_of", _("reported as of"))


# --- legislation -----------------------------------------------------------------------------


class LegislationAliasInline(RowInline):
    """Other names of a bill or law: short titles as cited, abbreviations, translations."""

    model = LegislationAlias
    fields = ["name", "kind", "language", "script", "source", "locator"]
    autocomplete_fields = ["source"]
    select_related = ["source"]


class SponsorshipInline(RowInline):
    """Sponsor and cosponsors of a bill."""

    model = Sponsorship
    fields = ["actor", "role", "date", "date_precision", "party"]
    autocomplete_fields = ["actor"]
    select_related = ["actor"]


class LegislativeActionInline(RowInline):
    """A bill's steps, in order."""

    model = LegislativeAction
    template = STACKED
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("order", *with_precisions("date")),
                    ("kind", "chamber"),
                    "actor",
                    "description",
                    ("source", "locator"),
                ]
            },
        )
    ]
    autocomplete_fields = ["actor", "source"]
    select_related = ["actor", "source"]


class LegislationSectionInline(RowInline):
    """Sections of a bill or law that sources point at."""

    model = LegislationSection
    fields = ["order", "label", "heading", "text"]


class LegislationRelationInline(RowInline):
    """Links from this bill to others (companion, amends …)."""

    model = LegislationRelation
    fk_name = "from_legislation"
    fields = ["kind", "to_legislation"]
    autocomplete_fields = ["to_legislation"]
    select_related = ["from_legislation", "to_legislation"]


@admin.register(Legislation)
class LegislationAdmin(RecordImportExportMixin, RecordAdmin):
    """Bills and laws; "hr 757" finds H.R.757."""

    resource_classes = [LegislationResource]

    list_display = [
        "title",
        "bill_number",
        "jurisdiction",
        "session",
        "status",
        "introduced_display",
        "enacted_display",
    ]
    list_filter = [("jurisdiction", IndexedCountryFilter), "status", "kind", "chamber"]
    # The bill number and session as written, and the id.
    search_fields = [*LEGISLATION_SEARCH.text, "bill_number", "session", "id"]
    key_search_fields = LEGISLATION_SEARCH.key_paths()
    autocomplete_fields = ["legislature"]
    date_hierarchy = "introduced"
    show_full_result_count = False
    inlines = [
        LegislationAliasInline,
        SponsorshipInline,
        LegislativeActionInline,
        LegislationSectionInline,
        LegislationRelationInline,
    ]

    introduced_display = partial_date_column("introduced", _("introduced"))
    enacted_display = partial_date_column("enacted", _("enacted"))


@admin.register(LegislationAlias)
class LegislationAliasAdmin(RowAdmin):
    """Every other name of every bill and law."""

    list_display = ["name", "legislation", "kind", "language", "script"]
    list_select_related = ["legislation"]
    list_filter = ["kind", "script", "language"]
    search_fields = ["name", "legislation__title"]
    key_search_fields = LEGISLATION_SEARCH.through("legislation").key_paths()
    autocomplete_fields = ["legislation", "source"]


@admin.register(Sponsorship)
class SponsorshipAdmin(RowAdmin):
    """Every (co)sponsorship, e.g. all bills one legislator sponsored."""

    list_display = ["legislation", "actor", "role", "date_display", "party"]
    list_select_related = ["legislation", "actor"]
    list_filter = ["role"]
    search_fields = [*actor_search_fields("actor__"), "legislation__title", "party"]
    key_search_fields = [
        *actor_key_search("actor__"),
        *LEGISLATION_SEARCH.through("legislation").key_paths(),
    ]
    autocomplete_fields = ["legislation", "actor"]

    date_display = partial_date_column("date", _("date"))


@admin.register(LegislativeAction)
class LegislativeActionAdmin(RowAdmin):
    """Every step of every bill, by date."""

    list_display = ["legislation", "order", "date_display", "kind", "chamber", "actor"]
    list_select_related = ["legislation", "actor"]
    list_filter = ["kind", "chamber"]
    search_fields = ["legislation__title", "description", "actor__name"]
    key_search_fields = LEGISLATION_SEARCH.through("legislation").key_paths()
    autocomplete_fields = ["legislation", "actor", "source"]
    date_hierarchy = "date"

    date_display = partial_date_column("date", _("date"))


@admin.register(LegislationSection)
class LegislationSectionAdmin(RowAdmin):
    """Sections and articles of legislation."""

    list_display = ["legislation", "label", "heading"]
    list_select_related = ["legislation"]
    search_fields = ["label", "heading", "text", "legislation__title"]
    key_search_fields = LEGISLATION_SEARCH.through("legislation").key_paths()
    autocomplete_fields = ["legislation"]


@admin.register(LegislationRelation)
class LegislationRelationAdmin(RowAdmin):
    """Links between pieces of legislation."""

    list_display = ["from_legislation", "kind", "to_legislation"]
    list_select_related = ["from_legislation", "to_legislation"]
    list_filter = ["kind"]
    search_fields = ["from_legislation__title", "to_legislation__title"]
    autocomplete_fields = ["from_legislation", "to_legislation"]


# --- instruments -----------------------------------------------------------------------------


class InstrumentProvisionInline(RowInline):
    """Operative paragraphs and articles of an instrument."""

    model = InstrumentProvision
    fields = ["order", "label", "heading", "text"]


class InstrumentAdminBase(RecordAdmin):
    """What the admin pages of every kind of instrument share."""

    list_display = ["title", "symbol", "kind", "status", "adopted_by", "adopted_display"]
    list_select_related = ["adopted_by"]
    list_filter = ["kind", "status", ("target_country", IndexedCountryFilter)]
    # The symbol, session and legal basis as written, and the id.
    search_fields = [*INSTRUMENT_SEARCH.text, "symbol", "session", "legal_basis_note", "id"]
    key_search_fields = INSTRUMENT_SEARCH.key_paths()
    autocomplete_fields = ["adopted_by", "legal_basis", "based_on"]
    date_hierarchy = "adopted"
    inlines = [InstrumentProvisionInline]

    adopted_display = partial_date_column("adopted", _("adopted"))


@admin.register(Instrument)
class InstrumentAdmin(InstrumentAdminBase):
    """Every instrument of every kind, in one list."""

    show_full_result_count = False


class InstrumentKindAdmin(InstrumentAdminBase):
    """Admin of a proxy that presents one kind of instrument: the kind is set by the proxy,
    and only sanctions regimes have a scope."""

    list_display = ["title", "symbol", "status", "adopted_by", "adopted_display"]
    list_filter = ["status", ("target_country", IndexedCountryFilter)]
    exclude = ["kind", "scope"]


@admin.register(InstrumentProvision)
class InstrumentProvisionAdmin(RowAdmin):
    """Provisions of every instrument."""

    list_display = ["instrument", "label", "heading"]
    list_select_related = ["instrument"]
    search_fields = ["label", "heading", "text", "instrument__title"]
    # The instrument's symbol: a provision is not named by its instrument's title.
    key_search_fields = SearchSpec(keys=INSTRUMENT_SEARCH.keys).through("instrument").key_paths()
    autocomplete_fields = ["instrument"]


# --- events and recommendations --------------------------------------------------------------


class EventParticipantInline(RowInline):
    """Who took part in an event, and how."""

    model = EventParticipant
    fields = ["actor", "role"]
    autocomplete_fields = ["actor"]
    select_related = ["actor"]


@admin.register(Event)
class EventAdmin(RecordImportExportMixin, RecordAdmin):
    """Workshops, visits, hearings, statements and meetings."""

    resource_classes = [EventResource]

    list_display = [
        "title",
        "kind",
        "start_display",
        "end_display",
        "location",
        country_column("country"),
    ]
    list_filter = ["kind", "visibility", ("country", IndexedCountryFilter)]
    # The title word by word, the place and description as written, and the id.
    search_fields = [*EVENT_SEARCH.text, "title", "location", "description", "id"]
    key_search_fields = EVENT_SEARCH.key_paths()
    autocomplete_fields = ["instruments", "legislation"]
    date_hierarchy = "start"
    show_full_result_count = False
    inlines = [EventParticipantInline]
    start_display = partial_date_column("start", _("date or start"))
    end_display = partial_date_column("end", _("end"))


@admin.register(EventParticipant)
class EventParticipantAdmin(RowAdmin):
    """Every participation, e.g. all events one actor took part in."""

    list_display = ["event", "actor", "role"]
    list_select_related = ["event", "actor"]
    list_filter = ["role"]
    search_fields = ["event__title", *actor_search_fields("actor__")]
    key_search_fields = actor_key_search("actor__")
    autocomplete_fields = ["event", "actor"]


@admin.register(Recommendation)
class RecommendationAdmin(RecordAdmin):
    """Recommendations, by theme, author and addressee."""

    list_display = ["title", "number", "theme", "recommended_by", "addressee", "date_display"]
    list_select_related = ["recommended_by", "addressee"]
    list_filter = ["theme"]
    # The recommending body's names as written, and the id.
    search_fields = [*RECOMMENDATION_SEARCH.text, *actor_search_fields("recommended_by__"), "id"]
    key_search_fields = RECOMMENDATION_SEARCH.key_paths()
    autocomplete_fields = ["recommended_by", "addressee", "concerns"]
    date_hierarchy = "date"
    date_display = partial_date_column("date", _("date"))

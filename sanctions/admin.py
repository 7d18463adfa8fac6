"""Admin pages of sanctions: regimes, designation rounds and designations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from nkhr.admin.base import RecordAdmin, RowAdmin, RowInline, country_column, partial_date_column
from nkhr.admin.records import InstrumentKindAdmin
from nkhr.imports import RecordImportExportMixin
from sanctions.filters import DESIGNATION_ROUND_SEARCH, DESIGNATION_SEARCH
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime
from sanctions.resources import DesignationResource

# Designations are searched by their target's name or alias, in any romanization.
TARGET_SEARCH_FIELDS = ["target__name", "target__aliases__name"]


@admin.register(SanctionsRegime)
class SanctionsRegimeAdmin(InstrumentKindAdmin):
    """Sanctions regimes: authority, legal basis and scope (country or global)."""

    list_display = [
        "title",
        "symbol",
        "adopted_by",
        "scope",
        country_column("target_country"),
        "adopted_display",
    ]
    list_filter = ["scope", "status"]
    exclude = ["kind"]


@admin.register(DesignationRound)
class DesignationRoundAdmin(RecordAdmin):
    """Occasions on which an authority designated targets, with the totals reported."""

    list_display = [
        "title",
        "regime",
        "authority",
        "announced_display",
        "reported_persons",
        "reported_entities",
        "parent",
    ]
    list_select_related = ["regime", "authority", "parent"]
    list_filter = [
        ("regime", admin.RelatedOnlyFieldListFilter),
        ("authority", admin.RelatedOnlyFieldListFilter),
    ]
    # The regime's title and the authority's name as written, and the id.
    search_fields = [*DESIGNATION_ROUND_SEARCH.text, "regime__title", "authority__name", "id"]
    key_search_fields = DESIGNATION_ROUND_SEARCH.key_paths()
    autocomplete_fields = ["regime", "authority", "parent"]
    date_hierarchy = "announced"

    announced_display = partial_date_column("announced", _("announced"))


class DesignationMeasureInline(RowInline):
    """The measures a designation imposes."""

    model = DesignationMeasure
    fields = ["measure"]


class DesignatingAuthorityFilter(admin.RelatedFieldListFilter):
    """The authorities that adopted a regime or announced a round, not every actor."""

    def field_choices(self, field, request, model_admin):
        authorities = (
            SanctionsRegime.objects.order_by()
            .values("adopted_by")
            .union(DesignationRound.objects.order_by().values("authority"))
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": authorities}
        )


@admin.register(Designation)
class DesignationAdmin(RecordImportExportMixin, RecordAdmin):
    """Who is listed under which regime, found by the target's name or any alias."""

    resource_classes = [DesignationResource]

    # What a curator looks for first, then the rest; all of it fits a 1280-pixel screen.
    list_display = [
        "target",
        "authority",
        "regime_title",
        "listed_display",
        "publication",
        "delisted_display",
        "round",
        "reference",
    ]
    list_select_related = ["target", "regime", "authority", "round"]
    # Choices read from the regimes and rounds, and no date hierarchy: both would read the
    # distinct values of every designation on each page (seconds at a million designations).
    list_filter = [
        "regime",
        ("authority", DesignatingAuthorityFilter),
        "target__kind",
        "listed",
    ]
    # The target's names word by word, the regime's title, and the id.
    # The target's names and aliases are in the designation's search document.
    search_fields = [*DESIGNATION_SEARCH.text, "regime__title", "id"]
    key_search_fields = DESIGNATION_SEARCH.key_paths()
    autocomplete_fields = ["regime", "authority", "target", "round"]
    show_full_result_count = False
    inlines = [DesignationMeasureInline]

    listed_display = partial_date_column("listed", _("listing date"))
    delisted_display = partial_date_column("delisted", _("delisting date"))

    @admin.display(description=_("regime"), ordering="regime__title")
    def regime_title(self, obj):
        # The title alone: the regime's legal symbols would double the column's height.
        return obj.regime.title


@admin.register(DesignationMeasure)
class DesignationMeasureAdmin(RowAdmin):
    """Measures across designations."""

    list_display = ["designation", "measure"]
    list_select_related = ["designation__target", "designation__regime"]
    list_filter = ["measure"]
    search_fields = [f"designation__{path}" for path in TARGET_SEARCH_FIELDS]
    key_search_fields = DESIGNATION_SEARCH.through("designation").key_paths()
    autocomplete_fields = ["designation"]

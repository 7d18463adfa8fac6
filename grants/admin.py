"""Admin pages of funding: programmes, their priorities, and awards."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from grants.filters import FUNDING_PROGRAMME_SEARCH
from grants.models import Award, FundingPriority, FundingProgramme
from nkhr.admin.base import RecordAdmin, RowInline, partial_date_column
from nkhr.admin.records import InstrumentKindAdmin, actor_key_search


class FundingPriorityInline(RowInline):
    """A programme's priorities in the source's order; open a row to cite its sources."""

    model = FundingPriority
    fields = ["number", "text"]
    show_change_link = True


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(InstrumentKindAdmin):
    """Funders' programmes (the funder is "adopted by")."""

    # As an instrument's, with its priorities' text (the programme's spec).
    search_fields = [*FUNDING_PROGRAMME_SEARCH.text, "symbol", "session", "legal_basis_note", "id"]
    key_search_fields = FUNDING_PROGRAMME_SEARCH.key_paths()
    inlines = [*InstrumentKindAdmin.inlines, FundingPriorityInline]


@admin.register(FundingPriority)
class FundingPriorityAdmin(RecordAdmin):
    """Priorities across programmes."""

    list_display = ["programme", "number", "text"]
    list_select_related = ["programme"]
    search_fields = ["text", "programme__title", "id"]
    autocomplete_fields = ["programme"]


@admin.register(Award)
class AwardAdmin(RecordAdmin):
    """Grants made, by programme and recipient."""

    list_display = ["title", "programme", "recipient", "amount", "currency", "awarded_display"]
    list_select_related = ["programme", "recipient"]
    list_filter = [("programme", admin.RelatedOnlyFieldListFilter), "currency"]
    search_fields = ["title", "programme__title", "recipient__name", "recipient__aliases__name"]
    key_search_fields = actor_key_search("recipient__")
    autocomplete_fields = ["programme", "recipient"]
    date_hierarchy = "awarded"

    awarded_display = partial_date_column("awarded", _("awarded"))

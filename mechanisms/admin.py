"""Admin pages of the UN side: resolutions, treaties, mechanisms and reports, with what each
report concerns."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from mechanisms.filters import MECHANISM_SEARCH, REPORT_SEARCH
from mechanisms.models import (
    CONCERN_TARGETS,
    Concern,
    Mechanism,
    MechanismFunction,
    Report,
    Resolution,
    Treaty,
)
from mechanisms.resources import ReportResource
from nkhr.admin.base import RecordAdmin, RowAdmin, RowInline, country_column, partial_date_column
from nkhr.admin.records import InstrumentKindAdmin
from nkhr.imports import RecordImportExportMixin


@admin.register(Resolution)
class ResolutionAdmin(InstrumentKindAdmin):
    """Resolutions of UN bodies, found by symbol in any spelling ("a res 72 188")."""

    list_display = ["symbol", "title", "adopted_by", "session", "adopted_display", "status"]


@admin.register(Treaty)
class TreatyAdmin(InstrumentKindAdmin):
    """Treaties and conventions, with the state-party reports made under them."""


class MechanismFunctionInline(RowInline):
    """The functions in a mechanism's mandate."""

    model = MechanismFunction
    fields = ["function"]


@admin.register(Mechanism)
class MechanismAdmin(RecordAdmin):
    """Commissions, special procedures, field offices, expert groups."""

    list_display = [
        "name",
        "kind",
        "status",
        "parent_body",
        "country",
        "established_display",
        "ended_display",
    ]
    list_select_related = ["parent_body"]
    list_filter = ["kind", "status", ("country", CountryFilter)]
    # The name word by word, the mandate as written, and the id.
    search_fields = [*MECHANISM_SEARCH.text, "name", "mandate", "id"]
    key_search_fields = MECHANISM_SEARCH.key_paths()
    autocomplete_fields = ["parent_body", "actor", "establishing_instrument", "events"]
    date_hierarchy = "established"
    inlines = [MechanismFunctionInline]

    established_display = partial_date_column("established", _("established"))
    ended_display = partial_date_column("ended", _("ended"))


@admin.register(MechanismFunction)
class MechanismFunctionAdmin(RowAdmin):
    """Mandated functions across mechanisms."""

    list_display = ["mechanism", "function"]
    list_select_related = ["mechanism"]
    list_filter = ["function"]
    search_fields = ["mechanism__name"]
    key_search_fields = MECHANISM_SEARCH.through("mechanism").key_paths()
    autocomplete_fields = ["mechanism"]


class ConcernInline(RowInline):
    """What a report concerns: one record of any kind a row."""

    model = Concern
    fk_name = "report"
    template = "admin/edit_inline/stacked.html"
    fields = [*CONCERN_TARGETS, "note"]
    autocomplete_fields = list(CONCERN_TARGETS)
    select_related = list(CONCERN_TARGETS)


@admin.register(Concern)
class ConcernAdmin(RowAdmin):
    """Every concern of every report, e.g. all documents about one law."""

    list_display = ["report", "__str__"]
    list_select_related = ["report", *CONCERN_TARGETS]
    search_fields = ["report__title"]
    key_search_fields = REPORT_SEARCH.through("report").key_paths()
    autocomplete_fields = ["report", *CONCERN_TARGETS]


@admin.register(Report)
class ReportAdmin(RecordImportExportMixin, RecordAdmin):
    """Reports and documents, found by title, symbol or author."""

    resource_classes = [ReportResource]

    list_display = ["title", "symbol", "kind", "author", "date_display", country_column("country")]
    list_select_related = ["author"]
    list_filter = ["kind", ("country", CountryFilter)]
    # The symbol and the author's names as written, and the id.
    search_fields = [*REPORT_SEARCH.text, "symbol", "author__name", "author__aliases__name", "id"]
    key_search_fields = REPORT_SEARCH.key_paths()
    autocomplete_fields = ["author", "publisher", "mechanism", "treaty"]
    date_hierarchy = "date"
    show_full_result_count = False
    inlines = [ConcernInline]
    date_display = partial_date_column("date", _("date"))

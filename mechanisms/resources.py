"""Import and export resource of reports and documents; see nkhr/imports.py."""

from mechanisms.models import CONCERN_TARGETS, Concern, Mechanism, Report, Treaty
from nkhr.imports import RECORD_TAIL, PartialDateImportField, RecordField, RecordResource, RowsField
from nkhr.models import Actor


class ReportResource(RecordResource):
    """Reports: author, publisher, mechanism and treaty by id (or name), the date as written,
    the records concerned as a JSON list (`[{"instrument": "…"}, {"legislation": "…"}]`). A
    second report with the same symbol, or with the same title and date, is refused as a
    duplicate."""

    author = RecordField("author", Actor)
    publisher = RecordField("publisher", Actor)
    mechanism = RecordField("mechanism", Mechanism)
    treaty = RecordField("treaty", Treaty)
    concerns = RowsField("concerns", Concern, parent="report", keys=(*CONCERN_TARGETS, "note"))
    date = PartialDateImportField("date")

    duplicate_field = "title"
    duplicate_fields = ("symbol_key", "title_key", "date", "date_precision")
    duplicate_prefetch = {"symbol_key": "symbol", "title_key": "title"}

    class Meta:
        model = Report
        fields = (
            "id",
            "title",
            "kind",
            "symbol",
            "author",
            "publisher",
            "mechanism",
            "date",
            "treaty",
            "reporting_cycle",
            "concerns",
            "country",
            "url",
            "summary",
            *RECORD_TAIL,
        )

    def duplicate_lookup(self, instance):
        instance.refresh_derived()
        if instance.symbol_key:
            return {"symbol_key": instance.symbol_key}
        if not instance.title:
            return None
        return {
            "title_key": instance.title_key,
            "date": instance.date,
            "date_precision": instance.date_precision,
        }

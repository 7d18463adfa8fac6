from mechanisms.models import CONCERN_TARGETS, Concern, Mechanism, MechanismFunction, Report
from nkhr.api.base import RecordSerializer, RowSerializer
from nkhr.api.fields import RecordRelatedField
from nkhr.api.serializers import RECORD_FIELDS, document_url_field
from nkhr.dates import with_precisions


class MechanismFunctionSerializer(RowSerializer):
    class Meta:
        model = MechanismFunction
        fields = ["function"]


class MechanismSerializer(RecordSerializer):
    functions = MechanismFunctionSerializer(many=True, required=False)
    reports = RecordRelatedField(many=True, read_only=True)

    nested_rows = {"functions": "mechanism"}
    detail_only_fields = ("reports",)

    class Meta:
        model = Mechanism
        fields = [
            *RECORD_FIELDS,
            "name",
            "kind",
            "status",
            "parent_body",
            "actor",
            "country",
            *with_precisions("established", "ended"),
            "establishing_instrument",
            "mandate",
            "events",
            "functions",
            "reports",
            "citations",
        ]


class ConcernSerializer(RowSerializer):
    """One record the report concerns: the link of its kind set, the others null."""

    class Meta:
        model = Concern
        fields = [*CONCERN_TARGETS, "note"]


class ReportSerializer(RecordSerializer):
    document_url = document_url_field()
    concerns = ConcernSerializer(many=True, required=False)

    nested_rows = {"concerns": "report"}

    class Meta:
        model = Report
        fields = [
            *RECORD_FIELDS,
            "title",
            "kind",
            "symbol",
            "author",
            "publisher",
            "mechanism",
            *with_precisions("date"),
            "treaty",
            "reporting_cycle",
            "concerns",
            "country",
            "document_url",
            "summary",
            "citations",
        ]

from mechanisms import filters
from mechanisms.api import serializers
from mechanisms.models import CONCERN_TARGETS, Concern, Mechanism, Report
from nkhr.api.views import CITATIONS
from nkhr.api.viewsets import RecordViewSet
from nkhr.prefetch import rows


class MechanismViewSet(RecordViewSet):
    queryset = Mechanism.objects.select_related(
        "parent_body", "actor", "establishing_instrument"
    ).prefetch_related(rows("functions"), rows("reports"), rows("events"), CITATIONS)
    serializer_class = serializers.MechanismSerializer
    filterset_class = filters.MechanismFilterSet
    ordering_fields = ["id", "name", "kind", "established", "created", "updated"]


class ReportViewSet(RecordViewSet):
    queryset = Report.objects.select_related(
        "author", "publisher", "mechanism", "treaty"
    ).prefetch_related(
        rows("concerns", Concern.objects.select_related(*CONCERN_TARGETS)), CITATIONS
    )
    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilterSet
    ordering_fields = ["id", "title", "kind", "date", "created", "updated"]

from nkhr.api.views import CITATIONS, InstrumentViewSet, instruments_of
from nkhr.api.viewsets import RecordViewSet
from nkhr.prefetch import rows
from sanctions import filters
from sanctions.api import serializers
from sanctions.models import Designation, DesignationRound, SanctionsRegime


class SanctionsRegimeViewSet(InstrumentViewSet):
    queryset = instruments_of(SanctionsRegime)
    serializer_class = serializers.SanctionsRegimeSerializer
    filterset_class = filters.SanctionsRegimeFilterSet


class DesignationRoundViewSet(RecordViewSet):
    queryset = DesignationRound.objects.select_related(
        "regime", "authority", "parent"
    ).prefetch_related(rows("occasions"), CITATIONS)
    serializer_class = serializers.DesignationRoundSerializer
    filterset_class = filters.DesignationRoundFilterSet
    ordering_fields = ["id", "title", "announced", "created", "updated"]


class DesignationViewSet(RecordViewSet):
    queryset = Designation.objects.select_related(
        "regime", "authority", "target", "round__parent"
    ).prefetch_related(rows("measures"), CITATIONS)
    serializer_class = serializers.DesignationSerializer
    filterset_class = filters.DesignationFilterSet
    ordering_fields = ["id", "listed", "delisted", "created", "updated"]

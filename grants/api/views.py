from grants import filters
from grants.api import serializers
from grants.models import FundingPriority, FundingProgramme
from nkhr.api.views import CITATIONS, InstrumentViewSet, instruments_of
from nkhr.prefetch import rows


class FundingProgrammeViewSet(InstrumentViewSet):
    queryset = instruments_of(FundingProgramme).prefetch_related(
        # Priorities are cited records of their own: their citations come with them.
        rows("priorities", FundingPriority.objects.order_by("number").prefetch_related(CITATIONS))
    )
    serializer_class = serializers.FundingProgrammeSerializer
    filterset_class = filters.FundingProgrammeFilterSet

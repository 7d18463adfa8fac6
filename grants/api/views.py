from grants import filters
from grants.api import serializers
from grants.models import FundingPriority, FundingProgramme
from nkhr.api.views import CITATIONS, InstrumentViewSet
from nkhr.prefetch import rows


class FundingProgrammeViewSet(InstrumentViewSet):
    queryset = FundingProgramme.objects.select_related(
        "adopted_by", "legal_basis", "based_on"
    ).prefetch_related(
        rows("provisions"),
        CITATIONS,
        rows("priorities", FundingPriority.objects.order_by("number")),
    )
    serializer_class = serializers.FundingProgrammeSerializer
    filterset_class = filters.FundingProgrammeFilterSet

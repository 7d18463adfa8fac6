from django.db.models import Prefetch

from grants import filters
from grants.api import serializers
from grants.models import FundingPriority, FundingProgramme
from nkhr.api.views import CITATIONS, InstrumentViewSet


class FundingProgrammeViewSet(InstrumentViewSet):
    queryset = FundingProgramme.objects.select_related(
        "adopted_by", "legal_basis", "based_on"
    ).prefetch_related(
        "provisions",
        CITATIONS,
        Prefetch("priorities", queryset=FundingPriority.objects.order_by("number")),
    )
    serializer_class = serializers.FundingProgrammeSerializer
    filterset_class = filters.FundingProgrammeFilterSet

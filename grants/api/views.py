from grants import filters
from grants.api import serializers
from grants.models import FundingPriority, FundingProgramme
from nkhr.api.views import InstrumentViewSet, instruments_of
from nkhr.prefetch import rows


class FundingProgrammeViewSet(InstrumentViewSet):
    queryset = instruments_of(FundingProgramme).prefetch_related(
        rows("priorities", FundingPriority.objects.order_by("number"))
    )
    serializer_class = serializers.FundingProgrammeSerializer
    filterset_class = filters.FundingProgrammeFilterSet

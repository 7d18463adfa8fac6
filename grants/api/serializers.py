from grants.models import FundingPriority, FundingProgramme
from nkhr.api.base import RowSerializer
from nkhr.api.serializers import InstrumentSerializer


class FundingPrioritySerializer(RowSerializer):
    class Meta:
        model = FundingPriority
        fields = ["id", "number", "text"]


class FundingProgrammeSerializer(InstrumentSerializer):
    priorities = FundingPrioritySerializer(many=True, read_only=True)

    class Meta(InstrumentSerializer.Meta):
        model = FundingProgramme
        fields = [*InstrumentSerializer.Meta.fields[:-1], "priorities", "citations"]
        read_only_fields = ["kind"]

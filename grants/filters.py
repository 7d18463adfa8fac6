from grants.models import FundingProgramme
from nkhr.filters import InstrumentKindFilterSet, record_choice
from nkhr.models import Actor


class FundingProgrammeFilterSet(InstrumentKindFilterSet):
    funder = record_choice(Actor.objects.all(), field_name="adopted_by")
    search_text = ("title", "short_title", "priorities__text")

    class Meta(InstrumentKindFilterSet.Meta):
        model = FundingProgramme
        fields = ["status", "adopted_by", "funder"]

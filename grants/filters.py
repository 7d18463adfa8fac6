from grants.models import FundingProgramme
from nkhr.filters import INSTRUMENT_SEARCH, InstrumentKindFilterSet, record_choice
from nkhr.models import Actor
from nkhr.search import SearchSpec

# What a programme is searched by (`nkhr.search.SearchSpec`): an instrument's keys and text,
# and the text of its priorities.
FUNDING_PROGRAMME_SEARCH = INSTRUMENT_SEARCH | SearchSpec(
    text=("title", "short_title", "priorities__text")
)


class FundingProgrammeFilterSet(InstrumentKindFilterSet):
    funder = record_choice(Actor.objects.all(), field_name="adopted_by")
    search_spec = FUNDING_PROGRAMME_SEARCH

    class Meta(InstrumentKindFilterSet.Meta):
        model = FundingProgramme
        fields = ["status", "adopted_by", "funder"]

import django_filters

from nkhr.api.filtering import RecordFilterSet
from nkhr.filters import INSTRUMENT_SEARCH, InstrumentKindFilterSet, record_choice
from nkhr.models import Actor
from nkhr.search import SearchSpec
from sanctions.models import Designation, DesignationRound, SanctionsRegime

# What each record type is searched by (`nkhr.search.SearchSpec`). A regime is an instrument.
SANCTIONS_REGIME_SEARCH = INSTRUMENT_SEARCH
DESIGNATION_ROUND_SEARCH = SearchSpec(names=("title",))
# A designation goes by its target's name and aliases; its reference is typed as written
# (not the stated basis: free text of every designation, it would be read in full).
DESIGNATION_SEARCH = SearchSpec(text=("reference",), links=("target",))


class SanctionsRegimeFilterSet(InstrumentKindFilterSet):
    search_spec = SANCTIONS_REGIME_SEARCH
    authority = record_choice(Actor.objects.all(), field_name="adopted_by")

    class Meta(InstrumentKindFilterSet.Meta):
        model = SanctionsRegime
        fields = ["status", "adopted_by", "authority", "legal_basis", "scope", "target_country"]


class DesignationRoundFilterSet(RecordFilterSet):
    regime = record_choice(SanctionsRegime.objects.all())
    authority = record_choice(Actor.objects.all())
    parent = record_choice(DesignationRound.objects.all())
    partial_dates = ("announced",)
    search_spec = DESIGNATION_ROUND_SEARCH

    class Meta:
        model = DesignationRound
        fields = ["regime", "authority", "parent"]


class DesignationFilterSet(RecordFilterSet):
    regime = record_choice(SanctionsRegime.objects.all())
    authority = record_choice(Actor.objects.all())
    target = record_choice(Actor.objects.all())
    target_kind = django_filters.MultipleChoiceFilter(
        field_name="target__kind", choices=Actor.Kind.choices
    )
    target_country = django_filters.CharFilter(field_name="target__country")
    round = record_choice(DesignationRound.objects.all(), method="filter_round")
    measure = django_filters.MultipleChoiceFilter(
        field_name="measures__measure",
        choices=Designation.measures.rel.related_model.Measure.choices,
        distinct=True,
    )
    active = django_filters.BooleanFilter(
        field_name="delisted", lookup_expr="isnull", help_text="Still listed (no delisting date)."
    )
    partial_dates = ("listed", "delisted")
    search_spec = DESIGNATION_SEARCH
    # Not `target`: a count per person designated is each target's own list.
    facets = ("authority", "regime", "target_kind", "round", "listed_year", "delisted_year")

    class Meta:
        model = Designation
        fields = ["regime", "authority", "target", "target_kind", "round", "measure"]

    def filter_round(self, queryset, name, rounds):
        """A round and every occasion grouped under it."""
        if not rounds:
            return queryset
        return queryset.filter(
            django_filters.filters.Q(round__in=rounds)
            | django_filters.filters.Q(round__parent__in=rounds)
        )

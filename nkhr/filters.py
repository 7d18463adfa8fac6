"""FilterSets of the core records (the shared machinery is in nkhr.api.filtering), and what
each record type's search matches: its one `SearchSpec`, read by the API's `?search=`, the
cross-resource search and the admin."""

import django_filters

from nkhr.api.filtering import RecordFilterSet
from nkhr.models import Actor, Event, Instrument, Legislation, Recommendation, Source
from nkhr.search import SearchSpec

# --- what each record type is searched by -----------------------------------------------------

SOURCE_SEARCH = SearchSpec(names=("title",), keys=("symbol",), text=("author", "publisher"))
# An actor by its name and every alias, in any romanization.
ACTOR_SEARCH = SearchSpec(names=("name",), aliases=("aliases",))
INSTRUMENT_SEARCH = SearchSpec(names=("title", "short_title"), keys=("symbol",))
# A bill also by its other names (short titles as cited, abbreviations).
LEGISLATION_SEARCH = SearchSpec(
    names=("title", "short_title"), aliases=("aliases",), keys=("bill_number", "law_number")
)
EVENT_SEARCH = SearchSpec(names=("title",))
# A recommendation also by the body that made it, in any spelling of its names.
RECOMMENDATION_SEARCH = SearchSpec(text=("title", "text"), links=("recommended_by",))


def record_choice(queryset, field_name=None, *, to_many=False, **kwargs):
    """A filter on a related record by its public id (repeat the parameter for several).

    Only a filter across a to-many relation (`to_many`) can repeat rows and needs DISTINCT,
    which on a large table costs a scan; a foreign key needs none.

    The ids offered are those the caller may see: a draft's id answers as an unknown id
    does, so a filter never tells the public that an unpublished record exists."""

    def visible(request):
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(getattr(request, "user", None))
        return queryset

    return django_filters.ModelMultipleChoiceFilter(
        queryset=visible, field_name=field_name, distinct=to_many, **kwargs
    )


class SourceFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices)
    partial_dates = ("published",)
    search_spec = SOURCE_SEARCH

    class Meta:
        model = Source
        fields = ["kind", "language"]


class ActorFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Actor.Status.choices)
    parent = record_choice(Actor.objects.all())
    partial_dates = ("established", "dissolved")
    search_spec = ACTOR_SEARCH

    class Meta:
        model = Actor
        fields = ["kind", "status", "country", "parent"]


class InstrumentFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Instrument.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Instrument.Status.choices)
    adopted_by = record_choice(Actor.objects.all())
    legal_basis = record_choice(Legislation.objects.all())
    partial_dates = ("adopted", "in_force", "ended")
    search_spec = INSTRUMENT_SEARCH

    class Meta:
        model = Instrument
        fields = ["kind", "status", "adopted_by", "legal_basis", "scope", "target_country"]


class LegislationFilterSet(RecordFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Legislation.Status.choices)
    sponsor = record_choice(Actor.objects.all(), field_name="sponsors", to_many=True)
    legislature = record_choice(Actor.objects.all())
    partial_dates = ("introduced", "enacted", "in_force")
    search_spec = LEGISLATION_SEARCH

    class Meta:
        model = Legislation
        fields = ["jurisdiction", "chamber", "session", "kind", "status", "legislature", "sponsor"]


class InstrumentKindFilterSet(InstrumentFilterSet):
    """Base of the FilterSets of one kind of instrument, where `kind` is fixed."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        filters.pop("kind", None)
        return filters


class EventFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Event.Kind.choices)
    participant = record_choice(Actor.objects.all(), field_name="participants", to_many=True)
    partial_dates = ("start", "end")
    search_spec = EVENT_SEARCH

    class Meta:
        model = Event
        fields = ["kind", "visibility", "country", "participant"]


class RecommendationFilterSet(RecordFilterSet):
    theme = django_filters.MultipleChoiceFilter(choices=Recommendation.Theme.choices)
    recommended_by = record_choice(Actor.objects.all())
    addressee = record_choice(Actor.objects.all())
    concerns = record_choice(Actor.objects.all(), to_many=True)
    partial_dates = ("date",)
    search_spec = RECOMMENDATION_SEARCH

    class Meta:
        model = Recommendation
        fields = ["theme", "recommended_by", "addressee", "concerns"]

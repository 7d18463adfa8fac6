"""FilterSets of the core records (the shared machinery is in nkhr.api.filtering)."""

import django_filters

from nkhr.api.filtering import RecordFilterSet
from nkhr.models import Actor, Event, Instrument, Legislation, Recommendation, Source


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
    search_compact_keys = ("symbol_key",)
    search_text = ("title", "author", "publisher")

    class Meta:
        model = Source
        fields = ["kind", "language"]


class ActorFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Actor.Status.choices)
    parent = record_choice(Actor.objects.all())
    partial_dates = ("established", "dissolved")
    search_name_keys = ("name_key", "aliases__name_key")

    class Meta:
        model = Actor
        fields = ["kind", "status", "country", "parent"]


class InstrumentFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Instrument.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Instrument.Status.choices)
    adopted_by = record_choice(Actor.objects.all())
    legal_basis = record_choice(Legislation.objects.all())
    partial_dates = ("adopted", "in_force", "ended")
    search_name_keys = ("title_key",)
    search_compact_keys = ("symbol_key",)
    search_text = ("title", "short_title")

    class Meta:
        model = Instrument
        fields = ["kind", "status", "adopted_by", "legal_basis", "scope", "target_country"]


class LegislationFilterSet(RecordFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Legislation.Status.choices)
    sponsor = record_choice(Actor.objects.all(), field_name="sponsors", to_many=True)
    legislature = record_choice(Actor.objects.all())
    partial_dates = ("introduced", "enacted", "in_force")
    search_name_keys = ("aliases__name_key",)
    search_compact_keys = ("bill_number_key",)
    search_text = ("title", "short_title", "law_number")

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
    search_name_keys = ("title_key",)

    class Meta:
        model = Event
        fields = ["kind", "visibility", "country", "participant"]


class RecommendationFilterSet(RecordFilterSet):
    theme = django_filters.MultipleChoiceFilter(choices=Recommendation.Theme.choices)
    recommended_by = record_choice(Actor.objects.all())
    addressee = record_choice(Actor.objects.all())
    concerns = record_choice(Actor.objects.all(), to_many=True)
    partial_dates = ("date",)
    search_text = ("title", "text")

    class Meta:
        model = Recommendation
        fields = ["theme", "recommended_by", "addressee", "concerns"]

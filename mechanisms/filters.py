import django_filters

from mechanisms.models import Mechanism, Report, Treaty
from nkhr.api.filtering import RecordFilterSet
from nkhr.filters import record_choice
from nkhr.models import Actor, Event, Instrument, Legislation
from nkhr.search import SearchSpec

# What each record type is searched by (`nkhr.search.SearchSpec`).
MECHANISM_SEARCH = SearchSpec(names=("name",))
# A report also by its author, in any spelling of the author's names.
REPORT_SEARCH = SearchSpec(names=("title",), keys=("symbol",), links=("author",))


class MechanismFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Mechanism.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=Mechanism.Status.choices)
    parent = record_choice(Actor.objects.all(), field_name="parent_body")
    establishing_instrument = record_choice(Instrument.objects.all())
    event = record_choice(Event.objects.all(), field_name="events", to_many=True)
    function = django_filters.MultipleChoiceFilter(
        field_name="functions__function",
        choices=Mechanism.functions.rel.related_model.Function.choices,
        distinct=True,
    )
    partial_dates = ("established", "ended")
    search_spec = MECHANISM_SEARCH

    class Meta:
        model = Mechanism
        fields = [
            "kind",
            "status",
            "country",
            "parent",
            "establishing_instrument",
            "event",
            "function",
        ]


class ReportFilterSet(RecordFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=Report.Kind.choices)
    author = record_choice(Actor.objects.all())
    publisher = record_choice(Actor.objects.all())
    mechanism = record_choice(Mechanism.objects.all())
    treaty = record_choice(Treaty.objects.all())
    # What a report concerns, by kind of record (the kinds most asked after).
    concerns = record_choice(
        Instrument.objects.all(), field_name="concerns__instrument", to_many=True
    )
    concerns_legislation = record_choice(
        Legislation.objects.all(), field_name="concerns__legislation", to_many=True
    )
    partial_dates = ("date",)
    search_spec = REPORT_SEARCH

    class Meta:
        model = Report
        fields = [
            "kind",
            "author",
            "publisher",
            "mechanism",
            "treaty",
            "concerns",
            "concerns_legislation",
            "country",
        ]

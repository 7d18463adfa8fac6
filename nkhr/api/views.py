"""Viewsets of the core records. Each names its queryset (with what its serializer needs
fetched up front), serializer and filterset; the rest comes from RecordViewSet."""

from nkhr import filters
from nkhr.api import serializers
from nkhr.api.viewsets import RecordViewSet
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    EventParticipant,
    Instrument,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislativeAction,
    PositionHeld,
    Recommendation,
    Source,
    Sponsorship,
)
from nkhr.prefetch import rows

CITATIONS = rows("citations", Citation.objects.select_related("source"))
POSITIONS = PositionHeld.objects.select_related("person", "position").prefetch_related(CITATIONS)


class SourceViewSet(RecordViewSet):
    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    filterset_class = filters.SourceFilterSet
    ordering_fields = ["id", "title", "published", "created", "updated"]


class ActorViewSet(RecordViewSet):
    queryset = Actor.objects.select_related("parent").prefetch_related(
        rows("aliases", Alias.objects.select_related("source")), CITATIONS
    )
    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilterSet
    ordering_fields = ["id", "name", "kind", "country", "established", "created", "updated"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            queryset = queryset.prefetch_related(
                rows("children"),
                rows("sponsored_legislation"),
                rows("positions_held", POSITIONS),
                rows("holders", POSITIONS),
            )
        return queryset


def instruments_of(model=Instrument):
    """The instruments of `model` (Instrument or one of its kind proxies) with what their
    serializer shows fetched up front; the kind-specific viewsets reuse it."""
    return model.objects.select_related("adopted_by", "legal_basis", "based_on").prefetch_related(
        rows("provisions"), CITATIONS
    )


class InstrumentViewSet(RecordViewSet):
    queryset = instruments_of()
    serializer_class = serializers.InstrumentSerializer
    filterset_class = filters.InstrumentFilterSet
    ordering_fields = ["id", "title", "kind", "adopted", "in_force", "created", "updated"]


class LegislationViewSet(RecordViewSet):
    queryset = Legislation.objects.select_related("legislature").prefetch_related(
        rows("aliases", LegislationAlias.objects.select_related("source")),
        rows("sponsorships", Sponsorship.objects.select_related("actor")),
        rows("actions", LegislativeAction.objects.select_related("actor", "source")),
        rows("sections"),
        rows("relations_out", LegislationRelation.objects.select_related("to_legislation")),
        rows("relations_in", LegislationRelation.objects.select_related("from_legislation")),
        rows("related_from"),
        CITATIONS,
    )
    serializer_class = serializers.LegislationSerializer
    filterset_class = filters.LegislationFilterSet
    ordering_fields = [
        "id",
        "title",
        "bill_number",
        "jurisdiction",
        "status",
        "introduced",
        "enacted",
        "created",
        "updated",
    ]


class EventViewSet(RecordViewSet):
    queryset = Event.objects.prefetch_related(
        rows("participations", EventParticipant.objects.select_related("actor")),
        rows("instruments"),
        rows("legislation"),
        CITATIONS,
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilterSet
    ordering_fields = ["id", "title", "kind", "start", "created", "updated"]


class RecommendationViewSet(RecordViewSet):
    queryset = Recommendation.objects.select_related(
        "recommended_by", "addressee"
    ).prefetch_related(rows("concerns"), CITATIONS)
    serializer_class = serializers.RecommendationSerializer
    filterset_class = filters.RecommendationFilterSet
    ordering_fields = ["id", "number", "title", "theme", "date", "created", "updated"]

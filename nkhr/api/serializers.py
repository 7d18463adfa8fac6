"""Serializers of the core records: sources, actors, instruments, legislation, events,
recommendations."""

from rest_framework import serializers

from nkhr.api.base import RecordSerializer, RowSerializer, VisibleListSerializer
from nkhr.api.fields import RecordRelatedField
from nkhr.dates import with_precisions
from nkhr.models import (
    Actor,
    Alias,
    Event,
    EventParticipant,
    Instrument,
    InstrumentProvision,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    PositionHeld,
    Recommendation,
    Source,
    Sponsorship,
)

RECORD_FIELDS = ["id", "url", "publication", "created", "updated"]


def document_url_field():
    return serializers.URLField(
        source="url", required=False, allow_blank=True, max_length=1000, help_text="The document."
    )


class SourceSerializer(RecordSerializer):
    citations = None
    document_url = document_url_field()

    class Meta:
        model = Source
        fields = [
            *RECORD_FIELDS,
            "title",
            "kind",
            "author",
            "publisher",
            "series",
            "symbol",
            *with_precisions("published"),
            "document_url",
            "accessed",
            "language",
        ]


class AliasSerializer(RowSerializer):
    class Meta:
        model = Alias
        fields = ["name", "kind", "language", "script", "source", "locator"]


class PositionHeldSerializer(RecordSerializer):
    class Meta:
        model = PositionHeld
        fields = [
            *RECORD_FIELDS,
            "person",
            "position",
            *with_precisions("start", "end", "as_of"),
            "citations",
        ]


class ActorSerializer(RecordSerializer):
    website = serializers.URLField(source="url", required=False, allow_blank=True)
    aliases = AliasSerializer(many=True, required=False)
    children = RecordRelatedField(many=True, read_only=True)
    positions_held = PositionHeldSerializer(many=True, read_only=True)
    holders = PositionHeldSerializer(many=True, read_only=True)
    sponsored_legislation = RecordRelatedField(many=True, read_only=True)

    nested_rows = {"aliases": "actor"}
    detail_only_fields = (
        "children",
        "positions_held",
        "holders",
        "sponsored_legislation",
    )

    class Meta:
        model = Actor
        fields = [
            *RECORD_FIELDS,
            "name",
            "kind",
            "status",
            "parent",
            "country",
            *with_precisions("established", "dissolved"),
            "description",
            "website",
            "wikidata_id",
            "aliases",
            "children",
            "positions_held",
            "holders",
            "sponsored_legislation",
            "citations",
        ]


class InstrumentProvisionSerializer(RowSerializer):
    class Meta:
        model = InstrumentProvision
        fields = ["label", "heading", "text", "order"]


class InstrumentSerializer(RecordSerializer):
    document_url = document_url_field()
    provisions = InstrumentProvisionSerializer(many=True, required=False)

    nested_rows = {"provisions": "instrument"}

    class Meta:
        model = Instrument
        fields = [
            *RECORD_FIELDS,
            "title",
            "short_title",
            "kind",
            "symbol",
            "status",
            "adopted_by",
            "session",
            *with_precisions("adopted", "in_force", "ended"),
            "legal_basis",
            "based_on",
            "legal_basis_note",
            "scope",
            "target_country",
            "description",
            "document_url",
            "provisions",
            "citations",
        ]


class SponsorshipSerializer(RowSerializer):
    class Meta:
        model = Sponsorship
        fields = ["actor", "role", "date", "date_precision", "party"]


class LegislativeActionSerializer(RowSerializer):
    class Meta:
        model = LegislativeAction
        fields = [
            "order",
            *with_precisions("date"),
            "kind",
            "chamber",
            "actor",
            "description",
            "source",
            "locator",
        ]


class LegislationSectionSerializer(RowSerializer):
    class Meta:
        model = LegislationSection
        fields = ["label", "heading", "text", "order"]


class LegislationRelationSerializer(RowSerializer):
    class Meta:
        model = LegislationRelation
        fields = ["kind", "to_legislation"]


class LegislationAliasSerializer(RowSerializer):
    class Meta:
        model = LegislationAlias
        fields = ["name", "kind", "language", "script", "source", "locator"]


class RelationsInListSerializer(VisibleListSerializer):
    """Relations from other bills, leaving out those from bills the reader may not see: a
    row that names no bill would still tell that a draft points here."""

    visibility_column = "from_legislation__publication"


class LegislationRelationInSerializer(RowSerializer):
    """A relation seen from the bill it points at: which bill, and how it relates here."""

    class Meta:
        model = LegislationRelation
        list_serializer_class = RelationsInListSerializer
        fields = ["kind", "from_legislation"]


class LegislationSerializer(RecordSerializer):
    document_url = document_url_field()
    aliases = LegislationAliasSerializer(many=True, required=False)
    sponsorships = SponsorshipSerializer(many=True, required=False)
    actions = LegislativeActionSerializer(many=True, required=False)
    sections = LegislationSectionSerializer(many=True, required=False)
    relations_out = LegislationRelationSerializer(many=True, required=False)
    relations_in = LegislationRelationInSerializer(many=True, read_only=True)
    related_from = RecordRelatedField(many=True, read_only=True)

    nested_rows = {
        "aliases": "legislation",
        "sponsorships": "legislation",
        "actions": "legislation",
        "sections": "legislation",
        "relations_out": "from_legislation",
    }

    class Meta:
        model = Legislation
        fields = [
            *RECORD_FIELDS,
            "title",
            "short_title",
            "aliases",
            "kind",
            "jurisdiction",
            "legislature",
            "chamber",
            "session",
            "bill_number",
            "law_number",
            "status",
            *with_precisions("introduced", "enacted", "in_force"),
            "summary",
            "document_url",
            "sponsorships",
            "actions",
            "sections",
            "relations_out",
            "relations_in",
            "related_from",
            "citations",
        ]


class EventParticipantSerializer(RowSerializer):
    class Meta:
        model = EventParticipant
        fields = ["actor", "role"]


class EventSerializer(RecordSerializer):
    participations = EventParticipantSerializer(many=True, required=False)

    nested_rows = {"participations": "event"}

    class Meta:
        model = Event
        fields = [
            *RECORD_FIELDS,
            "title",
            "kind",
            *with_precisions("start", "end"),
            "location",
            "country",
            "visibility",
            "description",
            "participations",
            "instruments",
            "legislation",
            "citations",
        ]


class RecommendationSerializer(RecordSerializer):
    class Meta:
        model = Recommendation
        fields = [
            *RECORD_FIELDS,
            "title",
            "text",
            "theme",
            "number",
            "recommended_by",
            "addressee",
            "concerns",
            *with_precisions("date"),
            "citations",
        ]

from rest_framework import serializers

from nkhr.api.base import RecordSerializer, RowSerializer
from nkhr.api.fields import RecordRelatedField
from nkhr.api.serializers import RECORD_FIELDS, InstrumentSerializer
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime


class SanctionsRegimeSerializer(InstrumentSerializer):
    class Meta(InstrumentSerializer.Meta):
        model = SanctionsRegime
        read_only_fields = ["kind"]


class DesignationRoundSerializer(RecordSerializer):
    occasions = RecordRelatedField(many=True, read_only=True)

    detail_only_fields = ("occasions",)

    class Meta:
        model = DesignationRound
        fields = [
            *RECORD_FIELDS,
            "title",
            "regime",
            "authority",
            "parent",
            "occasions",
            "announced",
            "announced_precision",
            "reported_persons",
            "reported_entities",
            "notice_url",
            "description",
            "citations",
        ]


class DesignationMeasureSerializer(RowSerializer):
    class Meta:
        model = DesignationMeasure
        fields = ["measure"]


class DesignationSerializer(RecordSerializer):
    measures = DesignationMeasureSerializer(many=True, required=False)
    target_kind = serializers.CharField(source="target.kind", read_only=True)
    round_totals = serializers.SerializerMethodField()

    nested_rows = {"measures": "designation"}

    class Meta:
        model = Designation
        fields = [
            *RECORD_FIELDS,
            "regime",
            "authority",
            "target",
            "target_kind",
            "round",
            "round_totals",
            "listed",
            "listed_precision",
            "delisted",
            "delisted_precision",
            "basis",
            "reference",
            "measures",
            "citations",
        ]

    def get_round_totals(self, designation) -> dict | None:
        """The totals its round reports (or the round it is part of), as the source gives them."""
        round_ = designation.round
        while round_ is not None:
            if round_.reported_persons is not None or round_.reported_entities is not None:
                return {
                    "round": round_.pk,
                    "persons": round_.reported_persons,
                    "entities": round_.reported_entities,
                }
            round_ = round_.parent
        return None

from rest_framework import serializers

from nkhr.api.base import RecordSerializer, RowSerializer
from nkhr.api.fields import RecordRelatedField
from nkhr.api.serializers import RECORD_FIELDS, InstrumentSerializer
from nkhr.dates import with_precisions
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime


def _totals(round_id, persons, entities) -> dict:
    return {"round": round_id, "persons": persons, "entities": entities}


ROUND_TOTALS_COLUMNS = [
    f"{path}__{column}"
    for path in ("round", "round__parent", "round__parent__parent")
    for column in ("id", "reported_persons", "reported_entities")
]


def round_totals_from_values(*values) -> dict | None:
    """`get_round_totals` from the round, its parent and grandparent read by join. A round
    is grouped at most once in practice; a deeper chain is followed with queries."""
    for level in range(3):
        round_id, persons, entities = values[3 * level : 3 * level + 3]
        if round_id is None:
            return None
        if persons is not None or entities is not None:
            return _totals(round_id, persons, entities)
    ancestor = DesignationRound.objects.get(pk=round_id).parent
    while ancestor is not None:
        if ancestor.reported_persons is not None or ancestor.reported_entities is not None:
            return _totals(ancestor.pk, ancestor.reported_persons, ancestor.reported_entities)
        ancestor = ancestor.parent
    return None


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
            *with_precisions("announced"),
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
    # null with the target, where the reader may not see it (the schema says so).
    target_kind = serializers.CharField(source="target.kind", read_only=True, allow_null=True)
    round_totals = serializers.SerializerMethodField()

    nested_rows = {"measures": "designation"}
    # Lists read the totals from the round and its parent by join (`nkhr.api.reading`).
    value_fields = {"round_totals": (ROUND_TOTALS_COLUMNS, round_totals_from_values)}

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
            *with_precisions("listed", "delisted"),
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
                return _totals(round_.pk, round_.reported_persons, round_.reported_entities)
            round_ = round_.parent
        return None

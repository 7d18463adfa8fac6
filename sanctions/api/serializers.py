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


def round_totals_sql(column, obj) -> str:
    """`round_totals_from_values` built by the database (nkhr/dumps_sql.py), as JSON text:
    the round, its parent and grandparent by join; a deeper chain by a recursive query,
    which only such rare rows run. `obj` makes a JSON object of (key, JSON text) pairs."""
    table = DesignationRound._meta.db_table

    def totals(round_id, persons, entities):
        return obj(
            [
                ("round", f"to_json({round_id})::text"),
                ("persons", f"COALESCE({persons}::text, 'null')"),
                ("entities", f"COALESCE({entities}::text, 'null')"),
            ]
        )

    cases = []
    for path in ("round", "round__parent", "round__parent__parent"):
        round_id = column(f"{path}__id")
        persons = column(f"{path}__reported_persons")
        entities = column(f"{path}__reported_entities")
        cases.append(f"WHEN {round_id} IS NULL THEN 'null'")
        cases.append(
            f"WHEN {persons} IS NOT NULL OR {entities} IS NOT NULL "
            f"THEN {totals(round_id, persons, entities)}"
        )
    deeper = (
        f"COALESCE((WITH RECURSIVE up AS ("
        f"SELECT id, parent_id, reported_persons, reported_entities, 0 AS depth "
        f'FROM "{table}" WHERE id = {column("round__parent__parent__parent_id")} '
        f"UNION ALL SELECT r.id, r.parent_id, r.reported_persons, r.reported_entities, "
        f'up.depth + 1 FROM "{table}" r JOIN up ON r.id = up.parent_id '
        f"WHERE up.reported_persons IS NULL AND up.reported_entities IS NULL) "
        f"SELECT {totals('id', 'reported_persons', 'reported_entities')} FROM up "
        f"WHERE reported_persons IS NOT NULL OR reported_entities IS NOT NULL "
        f"ORDER BY depth LIMIT 1), 'null')"
    )
    return f"CASE {' '.join(cases)} ELSE {deeper} END"


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
    # The same, built by the database for the bulk dumps.
    value_sql = {"round_totals": round_totals_sql}

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

"""Import and export resource of designations (with their measures); see nkhr/imports.py."""

from nkhr.imports import RECORD_TAIL, PartialDateImportField, RecordField, RecordResource, RowsField
from nkhr.models import Actor
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime


class DesignationResource(RecordResource):
    """Designations: regime, authority and target by id (or name or alias), listing dates as
    written, measures as a list ("asset_freeze; travel_ban" or a JSON list)."""

    regime = RecordField("regime", SanctionsRegime)
    authority = RecordField("authority", Actor)
    target = RecordField("target", Actor)
    round = RecordField("round", DesignationRound)
    listed = PartialDateImportField("listed")
    delisted = PartialDateImportField("delisted")
    measures = RowsField(
        "measures", DesignationMeasure, parent="designation", keys=("measure",), scalar="measure"
    )

    duplicate_field = "target"
    duplicate_fields = ("regime_id", "target_id", "listed")
    duplicate_prefetch = {"target_id": "target"}
    unique_prefetch = {"designation_unique_listing": ("target_id", "target")}

    class Meta:
        model = Designation
        fields = (
            "id",
            "regime",
            "authority",
            "target",
            "round",
            "listed",
            "delisted",
            "basis",
            "reference",
            "measures",
            *RECORD_TAIL,
        )

    def duplicate_lookup(self, instance):
        # With a listing date the model's unique constraint decides; without one, the same
        # target under the same regime is the same designation.
        if instance.listed is not None or not (instance.regime_id and instance.target_id):
            return None
        return {"regime_id": instance.regime_id, "target_id": instance.target_id, "listed": None}

"""Funding programmes with their priorities, which a programme's writes carry as they are
read (and exported): each priority with its public id and its own citations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from grants.models import FundingPriority, FundingProgramme
from nkhr.api.base import CitationSerializer, RowSerializer
from nkhr.api.serializers import InstrumentSerializer

# Numbers parked out of the way while kept priorities swap theirs (a unique pair).
PARKED_NUMBER = 32767


class FundingPrioritySerializer(RowSerializer):
    """A programme's priority, written through the programme: its public id is kept when
    given (made from the programme and number when not)."""

    citations = CitationSerializer(many=True, required=False)

    class Meta:
        model = FundingPriority
        fields = ["id", "number", "text", "citations"]
        # The id may be the priority's own, sent back: checked against others' below.
        extra_kwargs = {"id": {"required": False, "validators": []}}

    def validate_id(self, value):
        programme = getattr(getattr(self.parent, "parent", None), "instance", None)
        others = FundingPriority._base_manager.filter(pk=value)
        if programme is not None:
            others = others.exclude(programme=programme)
        if others.exists():
            raise serializers.ValidationError("A priority of another programme has this id.")
        return value


class FundingProgrammeSerializer(InstrumentSerializer):
    priorities = FundingPrioritySerializer(many=True, required=False)

    nested_rows = {**InstrumentSerializer.nested_rows, "priorities": "programme"}

    class Meta(InstrumentSerializer.Meta):
        model = FundingProgramme
        fields = [*InstrumentSerializer.Meta.fields[:-1], "priorities", "citations"]
        read_only_fields = ["kind"]

    def _write_nested(self, instance, nested: dict) -> None:
        priorities = nested.pop("priorities", None)
        super()._write_nested(instance, nested)
        if priorities is not None:
            self._write_priorities(instance, priorities)

    def _write_priorities(self, programme, rows: list[dict]) -> None:
        """Make the programme's priorities `rows`. A priority is a record of its own (its
        publication state, its citations, its history), so a row naming a stored priority
        (by id, or by number when it gives none) changes that priority in place instead of
        replacing it; priorities not named are deleted, new ones added."""
        stored = list(FundingPriority._base_manager.filter(programme=programme))
        by_id = {priority.pk: priority for priority in stored}
        by_number = {priority.number: priority for priority in stored}
        pairs, kept = [], set()
        for row in rows:
            current = by_id.get(row["id"]) if row.get("id") else by_number.get(row["number"])
            if current is not None and current.pk in kept:
                current = None
            if current is not None:
                kept.add(current.pk)
            pairs.append((current, row))
        for priority in stored:
            if priority.pk not in kept:
                priority.delete()
        for offset, (current, row) in enumerate(pairs):
            if current is not None and current.number != row["number"]:
                # Not a version of its own: the priority is saved with its new number below.
                FundingPriority._base_manager.filter(pk=current.pk).update(
                    number=PARKED_NUMBER - offset
                )
        for current, row in pairs:
            fields = {name: value for name, value in row.items() if name != "citations"}
            if current is None:
                priority = FundingPriority(programme=programme, **fields)
            else:
                priority = current
                unchanged = all(getattr(priority, name) == value for name, value in fields.items())
                for name, value in fields.items():
                    setattr(priority, name, value)
                if unchanged:
                    priority = None
            if priority is not None:
                priority.refresh_derived()
                try:
                    priority.full_clean()
                except DjangoValidationError as exc:
                    raise serializers.ValidationError({"priorities": exc.messages}) from exc
                priority.save()
            if "citations" in row:
                self._write_nested(priority or current, {"citations": row["citations"]})

"""Serializer fields shared by every resource: partial dates and related records."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from nkhr.api.permissions import is_visible
from nkhr.api.renderers import MULTI_VALUE_SEPARATOR
from nkhr.dates import PartialDate
from nkhr.prefetch import related_rows


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "example": "2015-06",
        "description": "A date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD.",
    }
)
class PartialDateSerializerField(serializers.Field):
    """A `<name>` + `<name>_precision` pair as one value written as it is known: `2015-06`.

    Reads give the ISO form as written; writes take `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (or
    null) and set both columns. The precision is also published as `<name>_precision`.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance.partial_date(self.source)

    def to_representation(self, value):
        return str(value) if value else None

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD.")
        try:
            return PartialDate.parse(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate_empty_values(self, data):
        # null (or an empty CSV cell) clears both columns
        if data is None or data == "":
            return True, None
        return super().validate_empty_values(data)


@extend_schema_field(OpenApiTypes.STR)
class PrecisionField(serializers.ReadOnlyField):
    """The precision of a partial date (`year`, `month`, `day`), for clients that sort or bin."""


class BriefRecordSerializer(serializers.Serializer):
    """The brief form of any record, used wherever one record points at another."""

    id = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class RecordRelatedField(serializers.RelatedField):
    """A link to another record: read as `{id, url, name, kind}`, written as its public id."""

    default_error_messages = {
        "does_not_exist": "No record with the id {value!r}.",
        "incorrect_type": "Expected a public id (string), got {data_type}.",
    }

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return VisibleManyRelatedField(**list_kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if queryset is not None and hasattr(queryset, "visible_to") and request is not None:
            return queryset.visible_to(request.user)
        return queryset

    def to_internal_value(self, data):
        if isinstance(data, dict) and "id" in data:
            data = data["id"]  # accept the brief form back, as read
        if not isinstance(data, str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if "\x00" in data:
            # No public id has a NUL, and PostgreSQL refuses one in a query (a 500, not a 400).
            self.fail("does_not_exist", value=data)
        try:
            return self.get_queryset().get(pk=data)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", value=data)

    def to_representation(self, value):
        from nkhr.api.registry import brief

        request = self.context.get("request")
        return brief(value, request) if is_visible(value, request) else None

    def use_pk_only_optimization(self):
        return False

    def get_choices(self, cutoff=None):
        # The browsable API's forms list the records by public id: the representation (a
        # dict, the brief form) cannot key a choice.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {item.pk: self.display_value(item) for item in queryset}

    def display_value(self, instance):
        return str(instance)


class VisibleManyRelatedField(serializers.ManyRelatedField):
    """A list of links that leaves out the records the reader may not see."""

    def to_internal_value(self, data):
        # The CSV form of a list of links: public ids joined by ";" (empty: none).
        if isinstance(data, str):
            data = [part.strip() for part in data.split(MULTI_VALUE_SEPARATOR) if part.strip()]
        return super().to_internal_value(data)

    def get_attribute(self, instance):
        if len(self.source_attrs) == 1:
            return related_rows(instance, self.source_attrs[0])
        return super().get_attribute(instance)

    def to_representation(self, iterable):
        request = self.context.get("request")
        return [
            self.child_relation.to_representation(value)
            for value in iterable
            if is_visible(value, request)
        ]


class RecordRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Schema of `RecordRelatedField`: the brief form in responses, a public id in requests."""

    target_class = RecordRelatedField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "Public id of the related record."}
        # null where the linked record is one the reader may not see (a draft, for the public).
        ref = auto_schema.resolve_serializer(BriefRecordSerializer, direction).ref
        return {"allOf": [ref], "nullable": True}

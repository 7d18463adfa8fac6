"""Serializer building blocks every resource reuses.

`RecordSerializer` gives each record `id`, `url`, `created`, `updated` and `citations`,
renders related records in brief form (`{id, url, name, kind}`), turns each partial date
pair into one value written as known (`2015-06`) plus `<name>_precision`, validates writes
with the model's own rules (the same `full_clean()` the admin runs), and replaces nested
rows (aliases, bill actions …) and citations when a write includes them, keeping the rows
sent back unchanged.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.text import capfirst
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from nkhr.api.fields import PartialDateSerializerField, PrecisionField, RecordRelatedField
from nkhr.api.permissions import is_visible
from nkhr.api.registry import brief, record_url
from nkhr.dates import PartialDate
from nkhr.models import Citation, Publication, Source
from nkhr.models.base import reserved_for, reserved_message
from nkhr.models.sources import LOCATOR_FIELDS, format_locator, format_locator_sql
from nkhr.prefetch import related_rows
from nkhr.registry import references_to
from nkhr.services import row_identity, write_rows


def _django_errors_to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
        return serializers.ValidationError(detail)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class ModelRulesMixin:
    """Validate attrs with the model's `full_clean()`: field rules, uniqueness, constraints."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        candidate = model(**self._concrete_attrs(model, self.instance, attrs))
        if self.instance is not None:
            candidate._state.adding = False
        candidate.refresh_derived()
        parent_field = getattr(self, "_parent_field", None)
        # The public id is checked by validate_id (and may still be blank, to be generated);
        # a nested row's parent is not known until the record is saved.
        exclude = [name for name in ("id", parent_field) if name]
        try:
            candidate.full_clean(exclude=exclude, validate_unique=not parent_field)
        except DjangoValidationError as exc:
            raise _django_errors_to_drf(exc) from exc
        return attrs

    @staticmethod
    def _concrete_attrs(model, instance, attrs) -> dict:
        names = {f.name for f in model._meta.concrete_fields}
        values = {}
        if instance is not None:
            values = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
        values.update({k: v for k, v in attrs.items() if k in names})
        return values


class PartialDatesMixin:
    """Map each `<name>`/`<name>_precision` model pair to one `PartialDateSerializerField`."""

    def build_standard_field(self, field_name, model_field):
        model_fields = {f.name for f in self.Meta.model._meta.concrete_fields}
        if f"{field_name}_precision" in model_fields:
            return PartialDateSerializerField, {}
        if field_name.endswith("_precision") and field_name[: -len("_precision")] in model_fields:
            return PrecisionField, {}
        return super().build_standard_field(field_name, model_field)

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        for name, value in list(attrs.items()):
            if isinstance(value, PartialDate) or (
                value is None and isinstance(self.fields.get(name), PartialDateSerializerField)
            ):
                attrs[name] = value.date if value else None
                attrs[f"{name}_precision"] = value.precision if value else ""
        return attrs


class VisibleListSerializer(serializers.ListSerializer):
    """A list of records that leaves out those the reader may not see (unpublished ones,
    for the public). A row without a state of its own is shown by the record it links to:
    `visibility_column` names that record's publication column (`source__publication`),
    read from instances here and from values by `nkhr.api.reading`."""

    visibility_column: str | None = None

    def shown(self, item, request) -> bool:
        if self.visibility_column is not None:
            for attr in self.visibility_column.split("__")[:-1]:
                item = getattr(item, attr)
        return is_visible(item, request)

    def get_attribute(self, instance):
        if len(self.source_attrs) == 1:
            return related_rows(instance, self.source_attrs[0])
        return super().get_attribute(instance)

    def to_internal_value(self, data):
        # An empty CSV cell is an empty list.
        return super().to_internal_value([] if data == "" else data)

    def to_representation(self, data):
        request = self.context.get("request")
        items = data.all() if hasattr(data, "all") else data
        return [self.child.to_representation(item) for item in items if self.shown(item, request)]


class CitationListSerializer(VisibleListSerializer):
    """Citations of sources the reader may see."""

    visibility_column = "source__publication"


class CitationSerializer(ModelRulesMixin, serializers.ModelSerializer):
    """Where a fact stands in a source: the source in brief, the locator, a quote."""

    source = RecordRelatedField(queryset=Source.objects.all())
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_url = serializers.CharField(source="source.url", read_only=True)
    locator = serializers.CharField(read_only=True)

    _parent_field = "content_type"
    value_fields = {"locator": (LOCATOR_FIELDS, format_locator)}
    # The same, built by the database for the bulk dumps (nkhr/dumps_sql.py).
    value_sql = {"locator": format_locator_sql}

    class Meta:
        model = Citation
        list_serializer_class = CitationListSerializer
        fields = [
            "source",
            "source_title",
            "source_url",
            "section",
            "footnote",
            "paragraph",
            "page",
            "locator",
            "quote",
            "note",
        ]

    def validate(self, attrs):
        # The record is not known yet; uniqueness is checked when the rows are written.
        return serializers.ModelSerializer.validate(self, attrs)


class VisibleListsMixin:
    """Lists of this serializer read prefetched rows and leave out what the reader may not
    see (`VisibleListSerializer`), unless the subclass names another list class."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        meta = getattr(cls, "Meta", None)
        if meta is not None and not hasattr(meta, "list_serializer_class"):
            meta.list_serializer_class = VisibleListSerializer


class RowSerializer(
    VisibleListsMixin, PartialDatesMixin, ModelRulesMixin, serializers.ModelSerializer
):
    """A row nested inside its record (alias, action …); written through the record.

    `_parent_field` (the row's foreign key to its record) is set by the record's serializer.
    """

    serializer_related_field = RecordRelatedField
    _parent_field: str | None = None


def referenced_by(model) -> list:
    """The registry's references shown on `model`'s API detail (`Reference.in_api`)."""
    return [reference for reference in references_to(model) if reference.in_api]


class RecordSerializer(
    VisibleListsMixin,
    CountryFieldMixin,
    PartialDatesMixin,
    ModelRulesMixin,
    serializers.ModelSerializer,
):
    """Base serializer of every record: identity, timestamps, citations, brief form."""

    serializer_related_field = RecordRelatedField

    publication = serializers.ChoiceField(
        choices=Publication.choices,
        read_only=True,
        help_text="Changed through the record's `publication/` route, never by a write.",
    )
    id = serializers.SlugField(
        required=False,
        max_length=150,
        help_text="Stable public id; given once (or made from the name) and never changed.",
    )
    url = serializers.SerializerMethodField()
    citations = CitationSerializer(many=True, required=False)

    # Nested rows replaced as a whole when a write includes them: field -> row's FK to us.
    nested_rows: dict[str, str] = {}
    # Fields shown on the detail route only (what points at the record), not in lists.
    detail_only_fields: tuple[str, ...] = ()

    def __init__(self, *args, brief=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.brief = brief

    def get_url(self, instance) -> str | None:
        return record_url(instance, self.context.get("request"))

    def to_representation(self, instance):
        request = self.context.get("request")
        if self.brief:
            return brief(instance, request)
        data = super().to_representation(instance)
        # A value read through a link (a designation's `target_kind`) is hidden with the
        # linked record, as the link itself is; the values reader does the same.
        for name, field in self.fields.items():
            hops = getattr(field, "source_attrs", ())[:-1]
            linked = instance
            for attr in hops:
                linked = getattr(linked, attr, None)
                if linked is None or not is_visible(linked, request):
                    data[name] = None
                    break
        return data

    def get_fields(self):
        fields = super().get_fields()
        view = self.context.get("view")
        if getattr(view, "action", None) == "list":
            for name in self.detail_only_fields:
                fields.pop(name, None)
        else:
            fields = self._with_referenced_by(fields)
        for name, parent_field in self.nested_rows.items():
            fields[name].child._parent_field = parent_field
        return fields

    def _with_referenced_by(self, fields: dict) -> dict:
        """`fields` with the lists of records pointing at this one that their apps show on
        its detail (`Reference.in_api`), before the citations: declared once, by the app
        owning the pointing records, so the core's serializers name no app's relation."""
        extra = {
            reference.accessor: RecordRelatedField(
                many=True, read_only=True, help_text=capfirst(reference.label)
            )
            for reference in referenced_by(self.Meta.model)
            if reference.accessor not in fields
        }
        if not extra:
            return fields
        ordered = {}
        for name, field in fields.items():
            if name == "citations":
                ordered.update(extra)
            ordered[name] = field
        return ordered if "citations" in fields else {**ordered, **extra}

    def validate_id(self, value):
        if self.instance is not None and value != self.instance.pk:
            raise serializers.ValidationError("A public id never changes.")
        if self.instance is None and self.Meta.model._base_manager.filter(pk=value).exists():
            raise serializers.ValidationError("A record with this id already exists.")
        if self.instance is None:
            survivor = reserved_for(self.Meta.model, value)
            if survivor is not None:
                raise serializers.ValidationError(reserved_message(value, survivor))
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("id"):
            # Fill the id now so that the response and a retry name the same record.
            probe = self.Meta.model(**self._concrete_attrs(self.Meta.model, None, attrs))
            attrs["id"] = probe.make_public_id()
        return attrs

    def create(self, validated_data):
        nested = self._pop_nested(validated_data)
        instance = super().create(validated_data)
        self._write_nested(instance, nested)
        return instance

    def update(self, instance, validated_data):
        nested = self._pop_nested(validated_data)
        instance = super().update(instance, validated_data)
        self._write_nested(instance, nested)
        return instance

    def _pop_nested(self, validated_data) -> dict:
        names = [*self.nested_rows, "citations"]
        return {name: validated_data.pop(name) for name in names if name in validated_data}

    def _write_nested(self, instance, nested: dict) -> None:
        for name, rows in nested.items():
            if name == "citations":
                content_type = ContentType.objects.get_for_model(instance)
                parent = {"content_type": content_type, "object_id": instance.pk}
                related = instance.citations
            else:
                parent = {self.nested_rows[name]: instance}
                related = getattr(instance, name)
            objects = [related.model(**parent, **row) for row in rows]

            def save(obj, name=name):
                obj.refresh_derived()
                try:
                    obj.full_clean()
                except DjangoValidationError as exc:
                    raise serializers.ValidationError({name: exc.messages}) from exc
                obj.save()

            # Rows sent back unchanged keep their ids and history (`write_rows`).
            write_rows(related.all(), objects, row_identity(related.model, parent), save=save)

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if isinstance(relation_info.model_field, models.ManyToManyField):
            kwargs["required"] = False
        return field_class, kwargs

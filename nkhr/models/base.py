"""Base classes that every record in every app is built on.

* `TimeStampedModel`: `created` and `updated`, the latter indexed for `updated_since` pulls.
* `PublicRecord`: a stable public id, a slug that is the primary key and never changes;
  it doubles as the natural key, so fixtures and URLs name records the same way.
* `CitedRecord`: a public record that cites its sources through `Citation`.
"""

import uuid

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from nkhr.dates import PartialDate
from nkhr.history import HistoricalChannel, RecordHistory
from nkhr.models.publication import Publication, can_view_unpublished

PUBLIC_ID_MAX_LENGTH = 150


def public_id_slug(seed: str) -> str:
    """The slug of `seed` a public id is made of (empty when it has no letter or digit)."""
    return slugify(seed)[:120].strip("-")


class RecordQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)

    def visible_to(self, user):
        """What `user` may read: everything with `view_unpublished`, else published only."""
        return self if can_view_unpublished(user) else self.published()


class RecordManager(models.Manager.from_queryset(RecordQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(pk=public_id)


# Columns whose change is not a change of the record: its timestamp, and its search
# document (rebuilt from the record, nkhr/documents.py).
DOCUMENT_FIELDS = ("search_names", "search_keys", "search_keys_hidden")
NOT_CHANGES = frozenset({"updated", *DOCUMENT_FIELDS})

# Set by nkhr/documents.py (`connect()`): called by an edit's save with the instance and
# the fields it changed before the row is written; True when it has set the instance's
# document columns, to be written with the row (one statement, not two).
document_before_save = None


class TimeStampedModel(models.Model):
    # Not auto_now: fixtures carry their own timestamps so that loading them twice
    # changes nothing; ordinary saves stamp `updated` in the pre_save receiver below.
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated = models.DateTimeField(
        _("updated"), default=timezone.now, editable=False, db_index=True
    )

    # Every concrete record and row gets a historical twin: who, when, channel, snapshot.
    history = RecordHistory(
        inherit=True, bases=[HistoricalChannel], excluded_fields=list(DOCUMENT_FIELDS)
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        changed = None
        if not kwargs.get("force_insert"):
            changed = self.changed_fields()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and changed is not None:
                changed = [name for name in changed if name in update_fields]
            # A save that changes no column writes nothing, unless it is to record a version
            # of its own (a merge into the record, `nkhr.merging`).
            if changed == [] and not getattr(self, "_record_version", False):
                return
            documented = any(f.name in DOCUMENT_FIELDS for f in self._meta.concrete_fields)
            if documented and update_fields is None and changed is not None and not args:
                # A record's search document is written by nkhr/documents.py alone: an
                # edit writes its other columns, never the document it was loaded with
                # (which a change to its aliases may have rebuilt since).
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name not in DOCUMENT_FIELDS
                ]
                if document_before_save is not None and document_before_save(self, changed):
                    kwargs["update_fields"] += DOCUMENT_FIELDS
        # What this save writes that differs from what was loaded (None: not known, a new
        # row), for its post_save receivers: worked out once, not again by each of them.
        self.changed_by_save = changed
        super().save(*args, **kwargs)
        self._stored_values = {
            field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields
        }

    @classmethod
    def from_db(cls, db, field_names, values):
        # Remember the stored values (Django's documented pattern for "what changed"), so a
        # save that changes nothing writes nothing: no history version, `updated` kept.
        instance = super().from_db(db, field_names, values)
        instance._stored_values = dict(zip(field_names, values, strict=True))
        return instance

    def changed_fields(self) -> list[str] | None:
        """The columns whose value differs from what was loaded from the database (derived
        keys recomputed first), or None when the instance was not loaded from it."""
        stored = getattr(self, "_stored_values", None)
        if stored is None or self._state.adding:
            return None
        self.refresh_derived_columns()
        changed = []
        for field in self._meta.concrete_fields:
            name = field.attname
            if name in NOT_CHANGES or name not in stored or stored[name] is models.DEFERRED:
                continue
            try:
                differs = field.get_prep_value(getattr(self, name)) != field.get_prep_value(
                    stored[name]
                )
            except (TypeError, ValueError, ValidationError):
                differs = True
            if differs:
                changed.append(field.name)
        return changed

    def partial_date(self, name: str) -> PartialDate | None:
        """The partial date stored in `<name>` and `<name>_precision`, or None."""
        value = getattr(self, name)
        if value is None:
            return None
        return PartialDate(value, getattr(self, f"{name}_precision"))

    def refresh_derived(self):
        """Recompute columns derived from others (search keys). Runs before every save,
        fixture loads included, and before validation; bulk inserts must call it themselves."""

    def refresh_derived_columns(self):
        """`refresh_derived()`, each derived column then cut to its length: a key can be
        longer than its name (NFKD makes 18 letters of one 'ﷺ'), and its start still finds
        the record, where an overflow would be a database error."""
        self.refresh_derived()
        for field in self._meta.concrete_fields:
            if field.editable or not isinstance(field, models.CharField) or not field.max_length:
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str) and len(value) > field.max_length:
                setattr(self, field.attname, value[: field.max_length])

    def full_clean(self, *args, **kwargs):
        # Uniqueness of derived keys (a bill number "H.R. 757" against "H.R.757") can only
        # be judged once the keys are computed.
        self.refresh_derived_columns()
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        self._check_instrument_kinds()

    def _check_instrument_kinds(self):
        """A link declared to a proxy of one instrument kind (a regime, a treaty) must point at
        an instrument of that kind; the database only knows it points at an instrument."""
        errors = {}
        for field in self._meta.concrete_fields:
            kind = getattr(field.related_model, "kind_value", None)
            if not (field.is_relation and kind):
                continue
            target_id = getattr(self, field.attname)
            if target_id is None:
                continue
            target_kind = (
                field.related_model._base_manager.filter(pk=target_id)
                .values_list("kind", flat=True)
                .first()
            )
            if target_kind is not None and target_kind != kind:
                errors[field.name] = _("Choose a %(kind)s.") % {
                    "kind": field.related_model._meta.verbose_name
                }
        if errors:
            raise ValidationError(errors)


@receiver(pre_save, dispatch_uid="nkhr_refresh_derived")
def _stamp_before_save(sender, instance, raw=False, **kwargs):
    # A signal rather than save(): loaddata saves "raw" and skips save(), not pre_save.
    if isinstance(instance, TimeStampedModel):
        instance.refresh_derived_columns()
        if not raw:
            instance.updated = timezone.now()


class RowManager(models.Manager):
    def get_by_natural_key(self, *key):
        return self.get(**self.model.natural_key_lookup(key))


class KeyedRow(TimeStampedModel):
    """A row inside a record (an alias, a bill action) identified by the fields of its
    unique constraint, so fixtures can name it without a database id."""

    natural_key_fields: tuple[str, ...] = ()

    objects = RowManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(
            getattr(self, self._meta.get_field(f).attname) for f in self.natural_key_fields
        )

    @classmethod
    def natural_key_lookup(cls, key) -> dict:
        fields = (cls._meta.get_field(name).attname for name in cls.natural_key_fields)
        return dict(zip(fields, key, strict=True))


class PublicRecord(TimeStampedModel):
    """A record with a public id that is given once and never changes."""

    id = models.SlugField(
        _("public id"),
        primary_key=True,
        blank=True,
        max_length=PUBLIC_ID_MAX_LENGTH,
        help_text=_(
            "Stable identifier used in URLs, fixtures and exports. "
            "Left blank, it is made from the name; it cannot be changed later."
        ),
    )

    publication = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.DRAFT,
        db_index=True,
        help_text=_("Only published records are shown to the public."),
    )

    # The record's search document (nkhr/documents.py), kept current by signals: what every
    # search reads. Not part of the record's history or API representation.
    search_names = models.JSONField(null=True, blank=True, editable=False)
    # Nullable without a default, so that adding them on SQLite is an ALTER TABLE, not a
    # rebuilt table (which would drop the FTS5 triggers of the table's other columns).
    search_keys = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    search_keys_hidden = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001

    objects = RecordManager()

    # Field whose value seeds the public id when none is given.
    public_id_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.pk:
            self.pk = self.make_public_id()
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.pk,)

    def validate_unique(self, exclude=None):
        super().validate_unique(exclude)
        if self._state.adding and self.pk and "id" not in (exclude or ()):
            survivor = reserved_for(type(self), self.pk)
            if survivor is not None:
                raise ValidationError({"id": reserved_message(self.pk, survivor)})

    def _names_unpublished_links(self, seed: str) -> bool:
        """Whether `seed` holds the id of an unpublished record this one links to."""
        for field in record_links(type(self)):
            target, linked_id = field.related_model, getattr(self, field.attname)
            if linked_id is None:
                continue
            if str(linked_id) in seed and (
                target._base_manager.filter(pk=linked_id)
                .exclude(publication=Publication.PUBLISHED)
                .exists()
            ):
                return True
        return False

    def public_id_base(self) -> str:
        """The id `make_public_id()` gives if it is free: the slug of the record's name (or
        a random one for non-Latin names).

        An id made of linked records' ids (a designation's is its regime's and target's) is
        random instead while one of them is unpublished: a public id is public for good, and
        must not give away a draft's name."""
        seed = str(getattr(self, self.public_id_source, "") or "")
        if self._names_unpublished_links(seed):
            seed = ""
        return public_id_slug(seed) or f"{self._meta.model_name}-{uuid.uuid4().hex[:12]}"

    def make_public_id(self) -> str:
        """A free id: `public_id_base()`, numbered from 2 if that is taken."""
        base = self.public_id_base()
        candidate, suffix = base, 2
        manager = type(self)._base_manager
        while manager.filter(pk=candidate).exists() or reserved_for(type(self), candidate):
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        return candidate


def reserved_message(public_id, survivor) -> str:
    return _("The id %(id)s belonged to a record merged into %(survivor)s: it stays reserved.") % {
        "id": public_id,
        "survivor": survivor,
    }


def reserved_for(model, public_id) -> str | None:
    """The survivor's id when `public_id` belonged to a record of `model` merged into
    another (the id stays reserved while the merge stands, `nkhr.merging`), else None."""
    from nkhr.models.merges import MergedRecord

    return (
        MergedRecord.objects.standing()
        .of_model(model)
        .filter(merged_id=public_id)
        .values_list("survivor_id", flat=True)
        .first()
    )


def record_links(model) -> list[models.Field]:
    """`model`'s foreign keys to public records (a designation's target, regime …)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and issubclass(field.related_model, PublicRecord)
    ]


class CitedRecord(PublicRecord):
    """A public record whose provenance is a list of citations (a record without one is a defect)."""

    citations = GenericRelation("nkhr.Citation", verbose_name=_("citations"))

    class Meta:
        abstract = True

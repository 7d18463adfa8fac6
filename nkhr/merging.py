"""Merging duplicates: record B of a type merged into record A, and the revert of a merge.

`merge_records(survivor, duplicate, user)` does it all in one transaction, for every
registered type alike (what points at a record is read off the models, never listed):

* every reference to B points at A: foreign keys (positions held, designations' targets,
  sponsorships, concerns, a body's parts, an alias's record …), the links of many-to-many
  fields (an event's instruments; B's own links join A's) and B's citations (a generic
  relation). A row that would then say what a row of A says already (the same alias, the
  same citation, a second sponsorship of one bill) is dropped: A keeps its own. A *record*
  that would duplicate one of A's (the same designation twice) is not dropped: the merge
  is refused, naming both, for a curator to merge those first;
* for types with name rows (aliases), B's names become A's aliases (unless A goes by
  them already);
* B is deleted (its history stays, ending in "Merged into A"); A gets a version "Merged B
  into this record"; a `MergedRecord` keeps B's id reserved and lists what moved;
* `record_merged` is sent inside the transaction: the one place a merge is announced
  (the change feed listens to it).

Who may merge: anyone with the change permission of the type (curators, editors) while
neither record is published; once one of them is, only who may publish (editors), as a
curator's change to a published record waits for an editor (`nkhr.pending`) and a merge
cannot wait: it rewrites both records and deletes one.

`revert_merge(merge, user)` undoes it: B is re-created from its last version, what moved
moves back, dropped rows come back, the aliases the merge added go, and B's id is free.
What was changed since by someone else is left as it is (a row moved on, deleted) and
listed in the answer.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from nkhr import changes, documents
from nkhr.concurrency import lock_record
from nkhr.models.base import PublicRecord
from nkhr.models.merges import MergedRecord
from nkhr.models.pending import PendingChange
from nkhr.models.publication import PUBLISH, Publication
from nkhr.services import latest_version

# Sent inside the merge's transaction, once B is gone and A holds what was B's:
# sender = the concrete model, survivor = A (an instance), merged_id = B's public id,
# user = who merged, merge = the MergedRecord.
record_merged = Signal()
# Sent inside the revert's transaction: sender, survivor, merged_id (B, now back), user,
# merge (the MergedRecord, now reverted).
merge_reverted = Signal()

# Reasons stored in history, in English like every reason the application writes.
MERGED_INTO_SURVIVOR = gettext_noop("Merged %(duplicate)s into this record")
MERGED_AWAY = gettext_noop("Merged into %(survivor)s")
MOVED = gettext_noop("Merged %(duplicate)s into %(survivor)s")
DROPPED = gettext_noop(
    "Dropped by the merge of %(duplicate)s into %(survivor)s: %(survivor)s has it"
)
REVERTED_ON_SURVIVOR = gettext_noop("Reverted the merge of %(duplicate)s into this record")
REVERTED = gettext_noop("Reverted the merge of %(duplicate)s into %(survivor)s")

# The kinds of entry in `MergedRecord.moves`.
MOVED_ROW = "moved"  # a foreign key or generic relation now naming A: model, pk, field
CLEARED = "cleared"  # A's own link to B, emptied (A cannot be its own parent): field
DROPPED_ROW = "dropped"  # a row deleted as a duplicate of A's: model, pk
LINK = "link"  # a many-to-many link to B moved to A: model, pk, field, added
OWN_LINKS = "own_links"  # B's own many-to-many links: field, ids, added (those A lacked)
ALIAS = "alias"  # a name row made of B's name: model, pk


def _reason(template, duplicate, survivor) -> str:
    with translation.override("en"):
        return str(template) % {"duplicate": duplicate, "survivor": survivor}


def _stamp(obj, reason: str, user) -> None:
    obj._change_reason = reason
    if getattr(user, "is_authenticated", False):
        obj._history_user = user


# --- what points at a record -----------------------------------------------------------------


def foreign_keys_to(model) -> list[models.ForeignKey]:
    """The foreign keys of every model (rows and records) that point at `model` or at one
    of its proxies, but not those of the hidden tables of many-to-many fields."""
    concrete = model._meta.concrete_model
    return [
        relation.field
        for relation in concrete._meta.related_objects
        if not relation.many_to_many and not relation.related_model._meta.auto_created
    ]


def links_to(model) -> list[models.ManyToManyField]:
    """The many-to-many fields of other models (without rows of their own) that link to
    `model`; fields with a model of their own in between (a sponsorship) are foreign keys."""
    concrete = model._meta.concrete_model
    return [
        relation.field
        for relation in concrete._meta.related_objects
        if relation.many_to_many and relation.through._meta.auto_created
    ]


def own_links(model) -> list[models.ManyToManyField]:
    concrete = model._meta.concrete_model
    return [
        field
        for field in concrete._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def generic_relations(model) -> list[GenericRelation]:
    return [
        field
        for field in model._meta.concrete_model._meta.private_fields
        if isinstance(field, GenericRelation)
    ]


def _generic_rows(model, relation: GenericRelation, pk):
    content_type = ContentType.objects.get_for_model(
        model._meta.concrete_model, for_concrete_model=relation.for_concrete_model
    )
    row_model = relation.related_model
    return row_model._base_manager.filter(
        **{
            row_model._meta.get_field(relation.content_type_field_name).attname: content_type.pk,
            relation.object_id_field_name: str(pk),
        }
    ).order_by("pk")


def name_rows(model) -> list[tuple[type, str]]:
    """(name row model, its link to the record) of each name relation of `model`'s search
    spec (an actor's aliases)."""
    from nkhr.registry import record_type_for

    registered = record_type_for(model._meta.concrete_model)
    spec = getattr(registered, "search", None)
    found = []
    for relation in getattr(spec, "aliases", ()):
        reverse = model._meta.concrete_model._meta.get_field(relation)
        found.append((reverse.related_model, reverse.field.name))
    return found


def _names_of(model, record) -> list[str]:
    from nkhr.registry import record_type_for

    spec = getattr(record_type_for(model._meta.concrete_model), "search", None)
    return [
        value for name in getattr(spec, "names", ()) if (value := getattr(record, name, "") or "")
    ]


@dataclass
class Preview:
    """What a merge of `duplicate` into `survivor` would move: (label, count) per relation."""

    survivor: PublicRecord
    duplicate: PublicRecord
    moving: list[tuple[str, int]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def preview(survivor, duplicate) -> Preview:
    """What moves to `survivor` from `duplicate`, for the admin's confirmation page."""
    model = type(survivor)._meta.concrete_model
    found = Preview(survivor, duplicate)
    for fk in foreign_keys_to(model):
        count = fk.model._base_manager.filter(**{fk.attname: duplicate.pk}).count()
        if count:
            label = f"{fk.model._meta.verbose_name_plural} ({fk.verbose_name})"
            found.moving.append((label, count))
    for m2m in links_to(model):
        count = m2m.model._base_manager.filter(**{m2m.name: duplicate.pk}).count()
        if count:
            found.moving.append(
                (f"{m2m.model._meta.verbose_name_plural} ({m2m.verbose_name})", count)
            )
    for m2m in own_links(model):
        count = getattr(duplicate, m2m.name).count()
        if count:
            found.moving.append((str(m2m.verbose_name), count))
    for relation in generic_relations(model):
        count = _generic_rows(model, relation, duplicate.pk).count()
        if count:
            found.moving.append((str(relation.related_model._meta.verbose_name_plural), count))
    if name_rows(model):
        found.names = [
            name for name in _names_of(model, duplicate) if name not in _names_of(model, survivor)
        ]
    return found


# --- who may merge, and what is refused ---------------------------------------------------


def may_merge(user, survivor, duplicate=None) -> bool:
    """The type's change permission; and, where either record is published, the right to
    publish (see the module)."""
    opts = type(survivor)._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    published = any(
        getattr(record, "publication", None) == Publication.PUBLISHED
        for record in (survivor, duplicate)
        if record is not None
    )
    return not published or user.has_perm(PUBLISH)


def check_mergeable(survivor, duplicate) -> None:
    """Refuse (ValidationError naming `duplicate`) what cannot be merged."""
    if type(survivor)._meta.concrete_model is not type(duplicate)._meta.concrete_model:
        raise ValidationError(
            {
                "duplicate": _(
                    "%(duplicate)s is of another type (%(other)s) than %(kind)s: only records of one "
                    "type merge."
                )
                % {
                    "duplicate": duplicate.pk,
                    "other": type(duplicate)._meta.verbose_name,
                    "kind": type(survivor)._meta.verbose_name,
                }
            },
            code="different_types",
        )
    if survivor.pk == duplicate.pk:
        raise ValidationError(
            {"duplicate": _("A record cannot be merged into itself.")}, code="same_record"
        )
    kind = getattr(survivor, "kind", None)
    if kind is not None and kind != getattr(duplicate, "kind", None):
        raise ValidationError(
            {
                "duplicate": _(
                    "%(duplicate)s is of kind %(other)s and %(survivor)s of kind %(kind)s: what "
                    "points at one may not point at the other. Correct the kind first."
                )
                % {
                    "duplicate": duplicate.pk,
                    "survivor": survivor.pk,
                    "other": duplicate.kind,
                    "kind": kind,
                }
            },
            code="different_kinds",
        )
    model = type(survivor)._meta.concrete_model
    types = [ct.pk for ct in _content_types(model)]
    if PendingChange.objects.filter(
        content_type__in=types, object_id=duplicate.pk, status=PendingChange.Status.PENDING
    ).exists():
        raise ValidationError(
            {
                "duplicate": _(
                    "%(duplicate)s has changes waiting for an editor's review: publish or "
                    "reject them first."
                )
                % {"duplicate": duplicate.pk}
            },
            code="pending_changes",
        )


def _content_types(model):
    """The content types of `model` and its proxies (a pending change names either)."""
    from django.apps import apps

    concrete = model._meta.concrete_model
    related = [m for m in apps.get_models() if m._meta.concrete_model is concrete]
    return ContentType.objects.get_for_models(*related, for_concrete_models=False).values()


def _collides(row, names: set[str]) -> bool:
    """Whether `row` (changed in `names`) now says what another row says, by one of its
    model's unique constraints."""
    for constraint in row._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
            continue
        if not names & set(constraint.fields):
            continue
        try:
            constraint.validate(type(row), row)
        except ValidationError:
            return True
    return False


# --- merging ---------------------------------------------------------------------------------


def merge_records(survivor, duplicate, user, comment: str = "") -> MergedRecord:
    """Merge `duplicate` into `survivor` (see the module). Raises PermissionDenied without
    the right, ValidationError (by field: `duplicate`) when the merge is refused; then
    nothing is written."""
    try:
        return _merge(survivor, duplicate, user, comment)
    except (IntegrityError, ProtectedError) as exc:
        raise ValidationError(
            {
                "duplicate": _("%(duplicate)s cannot be merged into %(survivor)s: %(error)s")
                % {"duplicate": duplicate.pk, "survivor": survivor.pk, "error": exc}
            },
            code="conflict",
        ) from exc


@transaction.atomic
def _merge(survivor, duplicate, user, comment):
    check_mergeable(survivor, duplicate)
    model = type(survivor)._meta.concrete_model
    for pk in sorted([survivor.pk, duplicate.pk]):
        if not lock_record(model, pk):
            raise ValidationError(
                {"duplicate": _("%(id)s no longer exists.") % {"id": pk}}, code="gone"
            )
    survivor = model._base_manager.get(pk=survivor.pk)
    duplicate = model._base_manager.get(pk=duplicate.pk)
    if not may_merge(user, survivor, duplicate):
        raise PermissionDenied(
            _(
                "You may not merge these records: one of them is published, and only editors change published records directly."
            )
            if user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
            else _("You may not change %(kind)s.") % {"kind": model._meta.verbose_name_plural}
        )
    a, b = survivor.pk, duplicate.pk
    moved = _reason(MOVED, b, a)
    dropped = _reason(DROPPED, b, a)
    moves = []
    with documents.deferred():
        for fk in foreign_keys_to(model):
            rows = fk.model._base_manager.filter(**{fk.attname: b}).order_by("pk")
            for row in rows:
                if row.pk == a and fk.model._meta.concrete_model is model:
                    # A's own link to B (A part of B): A cannot point at itself.
                    if not fk.null:
                        raise ValidationError(
                            {"duplicate": _("%(survivor)s points at %(duplicate)s by %(field)s.")
                             % {"survivor": a, "duplicate": b, "field": fk.verbose_name}}
                        )  # fmt: skip
                    setattr(survivor, fk.attname, None)
                    _stamp(survivor, moved, user)
                    survivor.save()
                    moves.append({"kind": CLEARED, "field": fk.name})
                    continue
                moves.append(_move_row(row, fk.name, fk.attname, a, b, moved, dropped, user))
        for relation in generic_relations(model):
            id_field = relation.object_id_field_name
            for row in _generic_rows(model, relation, b):
                moves.append(
                    _move_row(row, id_field, id_field, str(a), str(b), moved, dropped, user)
                )
        for m2m in links_to(model):
            for owner in m2m.model._base_manager.filter(**{m2m.name: b}).order_by("pk"):
                links = getattr(owner, m2m.name)
                _stamp(owner, moved, user)
                added = not links.filter(pk=a).exists()
                links.remove(b)
                if added:
                    links.add(a)
                moves.append(
                    {"kind": LINK, "model": m2m.model._meta.label, "pk": owner.pk,
                     "field": m2m.name, "added": added}
                )  # fmt: skip
        for m2m in own_links(model):
            ids = sorted(getattr(duplicate, m2m.name).values_list("pk", flat=True))
            have = set(getattr(survivor, m2m.name).values_list("pk", flat=True))
            added = [pk for pk in ids if pk not in have]
            if ids:
                _stamp(survivor, moved, user)
                getattr(survivor, m2m.name).add(*added)
                moves.append({"kind": OWN_LINKS, "field": m2m.name, "ids": ids, "added": added})
        moves += _add_names(model, survivor, duplicate, moved, user)
        name = str(duplicate)[:500]
        _stamp(duplicate, _reason(MERGED_AWAY, b, a), user)
        # The change feed says "merged into A" where the delete would say "deleted".
        changes.record_merged(duplicate, survivor)
        duplicate.delete()
        merge = MergedRecord.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            merged_id=b,
            merged_name=name,
            survivor_id=a,
            merged_by=user if getattr(user, "is_authenticated", False) else None,
            comment=comment,
            moves=moves,
        )
        _record_version(survivor, _reason(MERGED_INTO_SURVIVOR, f"{b} ({name})", a), comment, user)
        documents.refresh(model, [a])
    record_merged.send(sender=model, survivor=survivor, merged_id=b, user=user, merge=merge)
    return merge


def _move_row(row, name, attname, a, b, moved, dropped, user) -> dict:
    """Point `row`'s `name` at `a` instead of `b`; drop it when it then duplicates a row."""
    label = row._meta.label
    setattr(row, attname, a)
    if _collides(row, {name}):
        setattr(row, attname, b)
        if isinstance(row, PublicRecord):
            raise ValidationError(
                {
                    "duplicate": _(
                        "The %(kind)s %(row)s of %(duplicate)s would duplicate one of "
                        "%(survivor)s: merge those two first."
                    )
                    % {"kind": row._meta.verbose_name, "row": row.pk, "duplicate": b, "survivor": a}
                },
                code="duplicate_records",
            )
        pk = row.pk
        _stamp(row, dropped, user)
        row.delete()
        return {"kind": DROPPED_ROW, "model": label, "pk": pk}
    _stamp(row, moved, user)
    row.save()
    return {"kind": MOVED_ROW, "model": label, "pk": row.pk, "field": name}


def _add_names(model, survivor, duplicate, reason, user) -> list[dict]:
    """B's names as aliases of A (unless A goes by them), in each name relation."""
    added = []
    own = {name.casefold() for name in _names_of(model, survivor)}
    for row_model, link in name_rows(model):
        for name in _names_of(model, duplicate):
            if name.casefold() in own:
                continue
            max_length = row_model._meta.get_field("name").max_length
            if max_length and len(name) > max_length:
                continue
            row = row_model(**{link: survivor, "name": name})
            row.refresh_derived()
            if _collides(row, {"name"}):
                continue
            _stamp(row, reason, user)
            row.save()
            added.append({"kind": ALIAS, "model": row._meta.label, "pk": row.pk})
    return added


def _record_version(record, reason: str, comment: str, user) -> None:
    """A version of `record` saying what was done to it (its columns may be unchanged)."""
    _stamp(record, f"{reason}: {comment}" if comment else reason, user)
    record._record_version = True
    try:
        record.save()
    finally:
        del record._record_version


# --- reverting -------------------------------------------------------------------------------


def may_revert(user, merge: MergedRecord) -> bool:
    model = merge.model
    survivor = model._base_manager.filter(pk=merge.survivor_id).first()
    last = latest_version(model, merge.merged_id)
    duplicate = last.instance if last is not None else None
    return survivor is not None and may_merge(user, survivor, duplicate)


@dataclass
class Reverted:
    merge: MergedRecord
    duplicate: PublicRecord
    # What the revert left as it found it: changed since the merge by someone else.
    left: list[str] = field(default_factory=list)


def revert_merge(merge: MergedRecord, user) -> Reverted:
    """Undo `merge` (see the module). Raises PermissionDenied without the right to merge
    the two records, ValidationError when it is reverted already or B cannot come back."""
    try:
        return _revert(merge, user)
    except IntegrityError as exc:
        raise ValidationError(
            _("The merge cannot be reverted: %(error)s") % {"error": exc}, code="conflict"
        ) from exc


@transaction.atomic
def _revert(merge, user):
    merge = MergedRecord.objects.select_for_update().get(pk=merge.pk)
    if not merge.standing:
        raise ValidationError(_("This merge was reverted already."), code="reverted")
    if not may_revert(user, merge):
        raise PermissionDenied(_("You may not revert this merge."))
    model = merge.model
    a, b = merge.survivor_id, merge.merged_id
    if not lock_record(model, a):
        raise ValidationError(_("%(id)s no longer exists: restore it first.") % {"id": a})
    survivor = model._base_manager.get(pk=a)
    reason = _reason(REVERTED, b, a)
    left = []
    # Free the id first: B is created with it again.
    merge.reverted_at = timezone.now()
    merge.reverted_by = user if getattr(user, "is_authenticated", False) else None
    merge.save(update_fields=["reverted_at", "reverted_by"])
    with documents.deferred():
        duplicate = _recreate(model, b, reason, user)
        for move in reversed(merge.moves):
            kind = move["kind"]
            if kind == ALIAS:
                row_model = _model(move["model"])
                row = row_model._base_manager.filter(pk=move["pk"]).first()
                if row is not None:
                    _stamp(row, reason, user)
                    row.delete()
            elif kind == MOVED_ROW:
                row_model = _model(move["model"])
                row = row_model._base_manager.filter(pk=move["pk"]).first()
                attname = row_model._meta.get_field(move["field"]).attname
                if row is None or str(getattr(row, attname)) != str(a):
                    left.append(f"{row_model._meta.verbose_name} {move['pk']}")
                    continue
                setattr(row, attname, b)
                _stamp(row, reason, user)
                row.save()
            elif kind == DROPPED_ROW:
                row_model = _model(move["model"])
                if row_model._base_manager.filter(pk=move["pk"]).exists():
                    continue
                version = latest_version(row_model, move["pk"])
                if version is None or version.history_type != "-":
                    left.append(f"{row_model._meta.verbose_name} {move['pk']}")
                    continue
                row = version.instance
                _stamp(row, reason, user)
                row.save(force_insert=True)
            elif kind == LINK:
                owner = _model(move["model"])._base_manager.filter(pk=move["pk"]).first()
                if owner is None:
                    continue
                _stamp(owner, reason, user)
                links = getattr(owner, move["field"])
                links.add(b)
                if move["added"]:
                    links.remove(a)
            elif kind == OWN_LINKS:
                _stamp(survivor, reason, user)
                getattr(survivor, move["field"]).remove(*move["added"])
                getattr(duplicate, move["field"]).add(*move["ids"])
            elif kind == CLEARED:
                fk = model._meta.get_field(move["field"])
                setattr(survivor, fk.attname, b)
                _stamp(survivor, reason, user)
                survivor.save()
        survivor.refresh_from_db()
        _record_version(survivor, _reason(REVERTED_ON_SURVIVOR, b, a), "", user)
        documents.refresh(model, [a, b])
    merge_reverted.send(sender=model, survivor=survivor, merged_id=b, user=user, merge=merge)
    return Reverted(merge, duplicate, left)


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def _recreate(model, pk, reason, user):
    """B as its last version before the merge deleted it (its own many-to-many links are
    put back by the revert, from what the merge noted)."""
    if model._base_manager.filter(pk=pk).exists():
        raise ValidationError(_("%(id)s exists again: the merge cannot be reverted.") % {"id": pk})
    deletion = latest_version(model, pk)
    if deletion is None or deletion.history_type != "-":
        raise ValidationError(_("No deleted record %(id)s is known.") % {"id": pk})
    record = deletion.instance
    _stamp(record, reason, user)
    record.save(force_insert=True)
    return model._base_manager.get(pk=pk)

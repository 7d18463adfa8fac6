"""Writes that span more than one row or carry a workflow rule: a record's nested rows,
publication transitions, and bringing a deleted record back with the rows deleted with it."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from nkhr.concurrency import lock_record
from nkhr.history import dependent_rows, is_tracked, links_of_version
from nkhr.models.base import PublicRecord, reserved_for
from nkhr.models.publication import PUBLISH, Publication

# --- a record's nested rows (aliases, bill actions, citations …) ----------------------------


def row_identity(model, parent_fields: Iterable[str]) -> tuple[str, ...]:
    """The fields that name a row of `model` within its record: its natural key (or, lacking
    one, its first unique constraint) less the fields tying it to the record."""
    fields = getattr(model, "natural_key_fields", ()) or next(
        (c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)),
        (),
    )
    parents = set(parent_fields)
    return tuple(name for name in fields if name not in parents)


def same_row(current, new) -> bool:
    """Whether `new` says what the stored row `current` says (ids and timestamps aside)."""
    return all(
        getattr(current, field.attname) == getattr(new, field.attname)
        for field in current._meta.concrete_fields
        if not (field.primary_key or field.name in ("created", "updated") or not field.editable)
    )


def write_rows(
    existing: Iterable[models.Model],
    wanted: Iterable[models.Model],
    identity: Iterable[str],
    *,
    save: Callable[[models.Model], None],
    before_write: Callable[[models.Model], None] = lambda row: None,
) -> None:
    """Make a record's rows of one kind `wanted` (unsaved rows already tied to the record),
    the one writer of nested rows for the API and imports (the admin's formsets keep rows
    by their primary key the same way).

    A wanted row that matches a stored one by `identity` and says the same is kept as it
    is, with its primary key and no history version; a changed row replaces the stored one
    and a stored row not wanted is deleted (deletions first, so that no intermediate state
    breaks a constraint, such as two primary sponsors while roles are swapped); new rows
    are added. `save` writes one row (it may validate first); `before_write` runs before
    each write or deletion (who and why, for history)."""
    identity = tuple(identity)

    def key(row):
        return tuple(getattr(row, row._meta.get_field(name).attname) for name in identity)

    current = {key(row): row for row in existing}
    kept, to_save = set(), []
    for row in wanted:
        stored = current.get(key(row))
        if stored is not None and stored.pk not in kept and same_row(stored, row):
            kept.add(stored.pk)
        else:
            to_save.append(row)
    for row in current.values():
        if row.pk not in kept:
            before_write(row)
            row.delete()
    for row in to_save:
        before_write(row)
        save(row)


# --- publication -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str | None  # None: the model's change permission


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            _("Submit for review"),
            frozenset({Publication.DRAFT, Publication.WITHDRAWN}),
            Publication.IN_REVIEW,
            None,
        ),
        Transition(
            "publish",
            _("Publish"),
            frozenset({Publication.DRAFT, Publication.IN_REVIEW, Publication.WITHDRAWN}),
            Publication.PUBLISHED,
            PUBLISH,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({Publication.PUBLISHED, Publication.IN_REVIEW}),
            Publication.WITHDRAWN,
            PUBLISH,
        ),
        Transition(
            "return_to_draft",
            _("Return to draft"),
            frozenset({Publication.IN_REVIEW}),
            Publication.DRAFT,
            PUBLISH,
        ),
    )
}


def may_transition(user, record, transition: Transition) -> bool:
    opts = record._meta
    permission = transition.permission or f"{opts.app_label}.change_{opts.model_name}"
    return user.has_perm(permission)


STALE_PUBLICATION = _(
    "%(record)s was changed by someone else meanwhile: it is now %(state)s, not %(seen)s. "
    "Nothing was done to it; look at it again before you %(action)s it."
)


@transaction.atomic
def change_publication(record, transition_name: str, user, comment: str = "", seen=None):
    """Move `record` along the review workflow; the change and its comment go to history.

    The record is read again under its row lock (`lock_record`), so that of two people
    moving it at once the second sees the first's step. `seen` is the state the caller
    decided on (a list page's, a queue's; by default the state `record` was read with): if
    the record is no longer in it the step is refused, even where it would be allowed from
    the current state, so that nobody publishes a record someone withdrew meanwhile."""
    transition = TRANSITIONS[transition_name]
    if not may_transition(user, record, transition):
        raise PermissionDenied(_("You may not %(action)s records.") % {"action": transition.label})
    seen = record.publication if seen is None else seen
    if not lock_record(type(record), record.pk):
        raise ValidationError(_("%(record)s no longer exists.") % {"record": record})
    record.refresh_from_db()
    if record.publication != seen:
        raise ValidationError(
            STALE_PUBLICATION,
            code="stale",
            params={
                "record": record,
                "state": record.get_publication_display(),
                "seen": Publication(seen).label if seen in Publication.values else seen,
                "action": str(transition.label).lower(),
            },
        )
    if record.publication not in transition.sources:
        raise ValidationError(
            _("A record that is %(state)s cannot be moved this way (%(action)s).")
            % {"state": record.get_publication_display(), "action": transition.label}
        )
    record.publication = transition.target
    # The step's name is stored in English, like every reason the application writes, and
    # shown in the reader's language (`nkhr.templatetags.nkhr_history`).
    with translation.override("en"):
        record._change_reason = comment or str(transition.label)
    # Outside a request (a command, a test) history would not know who made the change.
    if getattr(user, "is_authenticated", False):
        record._history_user = user
    record.save(update_fields=["publication", "updated"])
    return record


# --- restoring deleted records ---------------------------------------------------------------

# Django deletes a record's cascaded rows just before the record, in the same transaction;
# their deletion versions are stamped within this much of the record's.
CASCADE_WINDOW = datetime.timedelta(seconds=5)
RESTORED = gettext_noop("Restored")  # stored in history, in English


def may_restore(user, model) -> bool:
    """Restoring undoes a deletion: it takes the permission to delete records of the kind
    (editors) as well as to add them."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.add_{opts.model_name}") and user.has_perm(
        f"{opts.app_label}.delete_{opts.model_name}"
    )


def latest_version(model, pk):
    """The newest version of the record or row `pk` of `model`, or None."""
    history = model._meta.concrete_model.history
    return (
        history.filter(**{model._meta.pk.attname: pk})
        .order_by("-history_date", "-history_id")
        .first()
    )


def restore_deleted(model, public_id, user):
    """Bring back the deleted record `public_id` of `model` as it was when deleted, with the
    rows deleted with it (aliases, citations, bill actions, and their own rows in turn).

    Everything is written at once or not at all, and recorded in history as "Restored" by
    `user`. Raises PermissionDenied without the right, ValidationError when the record is
    not deleted or cannot come back (something it refers to is gone, or a newer record
    took one of its unique values)."""
    if not may_restore(user, model):
        raise PermissionDenied(
            _("You may not restore %(kind)s.") % {"kind": model._meta.verbose_name_plural}
        )
    try:
        return _restore_record(model._meta.concrete_model, public_id, user)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(id)s cannot be restored: it conflicts with an existing record (%(error)s).")
            % {"id": public_id, "error": exc}
        ) from exc


@transaction.atomic
def _restore_record(model, public_id, user):
    if model._base_manager.filter(pk=public_id).exists():
        raise ValidationError(_("%(id)s exists: there is nothing to restore.") % {"id": public_id})
    survivor = reserved_for(model, public_id)
    if survivor is not None:
        # Its rows live on in the survivor: only the revert of the merge moves them back.
        raise ValidationError(
            _("%(id)s was merged into %(survivor)s: revert the merge (Merged records) instead.")
            % {"id": public_id, "survivor": survivor}
        )
    deletion = latest_version(model, public_id)
    if deletion is None or deletion.history_type != "-":
        raise ValidationError(_("No deleted record %(id)s is known.") % {"id": public_id})
    record = deletion.instance
    missing = _missing_references(record)
    if missing:
        raise ValidationError(
            _("%(id)s refers to records that no longer exist (%(missing)s); restore them first.")
            % {"id": public_id, "missing": ", ".join(missing)}
        )
    links = _links_when_deleted(model, public_id)
    _save_restored(record, user)
    for name, ids in links.items():
        related = model._meta.get_field(name).related_model
        getattr(record, name).set(related._base_manager.filter(pk__in=ids))
    _restore_dependents(record, deletion.history_date, user)
    return model._base_manager.get(pk=public_id)


def _links_when_deleted(model, public_id) -> dict[str, list]:
    """What the record's last version before its deletion linked it to (an event's
    instruments …): restored with it, less what was deleted since."""
    last = (
        model.history.filter(**{model._meta.pk.attname: public_id})
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return links_of_version(last) if last is not None else {}


def _restore_dependents(parent, deleted_at, user) -> None:
    """Re-create the rows of `parent` whose last version is a deletion made with it."""
    window = (deleted_at - CASCADE_WINDOW, deleted_at + CASCADE_WINDOW)
    for row_model, lookup in dependent_rows(type(parent), parent.pk):
        history = row_model.history
        pk_name = row_model._meta.pk.attname
        newer = history.filter(
            **{pk_name: OuterRef(pk_name)}, history_date__gt=OuterRef("history_date")
        )
        deletions = (
            history.filter(**lookup, history_type="-", history_date__range=window)
            .exclude(Exists(newer))
            .order_by("history_date", "history_id")
        )
        for deletion in deletions:
            row = deletion.instance
            if row_model._base_manager.filter(pk=row.pk).exists() or _missing_references(row):
                # Brought back already, or it pointed at something else that is gone too.
                continue
            _save_restored(row, user)
            _restore_dependents(row, deletion.history_date, user)


def _missing_references(obj) -> list[str]:
    """The targets of `obj`'s foreign keys that do not exist (as "field: id")."""
    missing = []
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if not field.many_to_one or value is None:
            continue
        target = field.remote_field.model._base_manager.filter(
            **{field.target_field.attname: value}
        )
        if not target.exists():
            missing.append(f"{field.name}: {value}")
    return missing


def _save_restored(obj, user) -> None:
    obj._change_reason = RESTORED
    if getattr(user, "is_authenticated", False):
        obj._history_user = user
    obj.save(force_insert=True)


def is_restorable_model(model) -> bool:
    """Whether deleted records of `model` can be listed and restored (a tracked record)."""
    return issubclass(model, PublicRecord) and is_tracked(model)

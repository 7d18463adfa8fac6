"""Pending changes: a change to a published record by someone who may not publish waits for
an editor, and the public (and every reader) keeps reading the published version meanwhile.

The API and the admin share this module:

* `needs_review(user, record)`: whether `user`'s change to `record` must wait (the record
  is published and the user lacks `nkhr.publish_record`).
* `propose_change(record, request, save, comment)`: runs `save` (the serializer's save, or
  the admin's form and formsets) inside a savepoint, reads the record's API representation
  as changed, and rolls the savepoint back. Every validation, derived column and nested
  row (`nkhr.services.write_rows`) runs as for a real save, and nothing of it survives: no
  history version, no `updated` moved. What is kept is a `PendingChange` with the
  representation before (`base`) and after (`proposed`).
* `publish_change(change, request, comment)`: a three-way merge at the level of top-level
  fields. The fields the author changed are those where `proposed` differs from `base`;
  if the record has since changed in any of them, publishing is refused naming them and
  nothing is written. Otherwise those fields are written through the record's API
  serializer, under its row lock, in the editor's name.
* `reject_change(change, user, comment)`.

Representations are read as the request's user reads them (`nkhr.concurrency.
resource_viewset`), with this site's address taken off links, so that a change proposed
through the API compares with the record read in the admin.
"""

import functools
import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from nkhr.concurrency import lock_record, resource_viewset
from nkhr.models.pending import PendingChange
from nkhr.models.publication import PUBLISH, Publication

# Stamped by every save (and so changed by any change): never a change of its own.
NOT_COMPARED = frozenset({"updated"})
# Columns a change never writes: timestamps, and the state moved only through review.
NOT_PROPOSED = ("created", "updated", "publication")
PUBLISHED_REASON = gettext_noop("Published a change by %(author)s")


class ChangeConflict(ValidationError):
    """The record changed, since the change was proposed, in fields the change changes."""

    def __init__(self, fields):
        self.fields = list(fields)
        super().__init__(
            _(
                "The record was changed since the change was proposed, in %(fields)s: nothing "
                "was written. Reject it, or ask its author to propose it again."
            )
            % {"fields": ", ".join(self.fields)},
            code="conflict",
        )


class _Rollback(Exception):
    """Raised to undo the trial save of a proposed change."""


def needs_review(user, record) -> bool:
    """Whether `user`'s change to the stored `record` waits for an editor."""
    return (
        record.pk is not None
        and not record._state.adding
        and getattr(record, "publication", None) == Publication.PUBLISHED
        and not user.has_perm(PUBLISH)
    )


def _viewset(request, model, pk, action: str):
    viewset_class = resource_viewset(model)
    if viewset_class is None:
        return None
    return viewset_class(request=request, action=action, kwargs={"pk": pk}, format_kwarg=None)


@functools.cache
def plain_serializer(model):
    """For a record with no API route of its own (a position held, an award): a serializer
    of its own columns, which stands for its representation."""
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": "__all__", "read_only_fields": ["id", *NOT_PROPOSED]},
    )
    return type(
        f"{model.__name__}PendingSerializer", (serializers.ModelSerializer,), {"Meta": meta}
    )


def representation(request, model, pk) -> dict:
    """Record `pk` of `model` as its API detail shows it to `request`'s user, as plain JSON
    with links relative to the site."""
    viewset = _viewset(request, model, pk, "retrieve")
    if viewset is not None:
        data, _latest = viewset.read_detail(viewset.get_queryset(), pk)
    else:
        record = model._base_manager.get(pk=pk)
        data = plain_serializer(model)(record, context={"request": request}).data
    root = request.build_absolute_uri("/").rstrip("/")
    return _relative(json.loads(json.dumps(data, cls=DjangoJSONEncoder)), root)


def _writer(request, model, record, data: dict):
    """The serializer that writes `data` (some fields of the representation) to `record`."""
    viewset = _viewset(request, model, record.pk, "partial_update")
    if viewset is not None:
        return viewset.get_serializer(record, data=data, partial=True)
    return plain_serializer(model)(record, data=data, partial=True, context={"request": request})


def _relative(value, root: str):
    if isinstance(value, str):
        return value.removeprefix(root) if value.startswith(f"{root}/") else value
    if isinstance(value, list):
        return [_relative(item, root) for item in value]
    if isinstance(value, dict):
        return {key: _relative(item, root) for key, item in value.items()}
    return value


def changed_fields(base: dict, proposed: dict) -> list[str]:
    """The top-level fields `proposed` changes against `base`, in the representation's order."""
    return [
        name
        for name in proposed
        if name not in NOT_COMPARED and proposed.get(name) != base.get(name)
    ]


def field_changes(change: PendingChange) -> list[dict]:
    """`{field, old, new}` for each field the change changes."""
    return [
        {"field": name, "old": change.base.get(name), "new": change.proposed.get(name)}
        for name in changed_fields(change.base, change.proposed)
    ]


def same_record_types(model) -> list[ContentType]:
    """The content types under which changes to records of `model`'s table are kept (the
    concrete model and its proxies: a regime edited as a regime or as an instrument)."""
    concrete = model._meta.concrete_model
    models = [m for m in apps.get_models() if m._meta.concrete_model is concrete]
    return list(ContentType.objects.get_for_models(*models, for_concrete_models=False).values())


def pending_changes_of(record):
    """The changes to `record` waiting for an editor, oldest first."""
    return PendingChange.objects.filter(
        content_type__in=same_record_types(type(record)),
        object_id=record.pk,
        status=PendingChange.Status.PENDING,
    ).select_related("author", "content_type")


def record_model(change: PendingChange):
    return change.content_type.model_class()


@transaction.atomic
def propose_change(record, request, save, comment: str = "") -> PendingChange | None:
    """Keep the change `save()` would make to `record` as a pending change by `request`'s
    user, without writing it (see the module). None when it would change nothing. A new
    proposal supersedes the author's previous pending change to the record. Errors that
    `save` raises (validation) propagate, and nothing is kept."""
    model, pk, author = type(record), record.pk, request.user
    lock_record(model, pk)
    base = representation(request, model, pk)
    proposed = None
    try:
        with transaction.atomic():
            save()
            proposed = representation(request, model, pk)
            raise _Rollback
    except _Rollback:
        pass
    if not changed_fields(base, proposed):
        return None
    now = timezone.now()
    PendingChange.objects.filter(
        content_type__in=same_record_types(model),
        object_id=pk,
        author=author,
        status=PendingChange.Status.PENDING,
    ).update(status=PendingChange.Status.SUPERSEDED, decided_at=now)
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=pk,
        author=author,
        comment=comment,
        base=base,
        proposed=proposed,
    )


def _decidable(change: PendingChange, user) -> PendingChange:
    """`change` read again under its row lock, once `user` is known to be an editor and the
    change to be still pending."""
    if not user.has_perm(PUBLISH):
        raise PermissionDenied(_("Only editors may publish or reject pending changes."))
    change = PendingChange.objects.select_for_update().select_related("author").get(pk=change.pk)
    if change.status != PendingChange.Status.PENDING:
        raise ValidationError(
            _("This change is %(status)s already: nothing was done.")
            % {"status": change.get_status_display()},
            code="decided",
        )
    return change


def _decide(change: PendingChange, user, status: str, comment: str) -> None:
    change.status = status
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_comment = comment
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])


@transaction.atomic
def publish_change(change: PendingChange, request, comment: str = "") -> PendingChange:
    """Write the fields `change` changes to its record, in the name of `request`'s user (an
    editor). Raises PermissionDenied for anyone else, ChangeConflict when the record has
    since changed in those fields, ValidationError when the change is decided already, the
    record is gone, or the change is no longer valid (it names a record since deleted …);
    nothing is written then."""
    editor = request.user
    change = _decidable(change, editor)
    model, pk = record_model(change), change.object_id
    if not lock_record(model, pk):
        raise ValidationError(_("The record no longer exists."), code="gone")
    current = representation(request, model, pk)
    changed = changed_fields(change.base, change.proposed)
    conflicts = [name for name in changed if current.get(name) != change.base.get(name)]
    if conflicts:
        raise ChangeConflict(conflicts)

    record = model._base_manager.get(pk=pk)
    serializer = _writer(request, model, record, {name: change.proposed[name] for name in changed})
    if not serializer.is_valid():
        raise ValidationError(
            [f"{field}: {messages}" for field, messages in serializer.errors.items()],
            code="invalid",
        )
    # Stored in English, like every reason the application writes (see change_publication).
    with translation.override("en"):
        reason = PUBLISHED_REASON % {"author": change.author.get_username()}
    reason = "; ".join(text for text in (reason, change.comment, comment) if text)
    limit = record.history.model._meta.get_field("history_change_reason").max_length
    record._change_reason = reason if len(reason) <= limit else reason[: limit - 1] + "…"
    record._history_user = editor
    serializer.save()
    _decide(change, editor, PendingChange.Status.PUBLISHED, comment)
    return change


@transaction.atomic
def reject_change(change: PendingChange, user, comment: str = "") -> PendingChange:
    """Close `change` without writing it; `user` must be an editor."""
    change = _decidable(change, user)
    _decide(change, user, PendingChange.Status.REJECTED, comment)
    return change

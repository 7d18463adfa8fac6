"""The change log behind the change feed (`/api/v1/changes/`, nkhr/changes.py).

One row says what happened to one record in one transaction: its publication state before
the transaction's first change to it and after its last (blank where it did not exist), and
the cause when the state alone does not tell (a restore, a merge). Its `position` is given
after the transaction has committed, in the order commits are found (`nkhr.changes.
sequence()`), so a reader that has read up to a position never misses a row committed later.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nkhr.models.base import PUBLIC_ID_MAX_LENGTH
from nkhr.models.publication import Publication


class ChangeKind(models.TextChoices):
    """What a reader of the feed is told happened to a record."""

    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DELETED = "deleted", _("deleted")
    MERGED = "merged", _("merged")
    RESTORED = "restored", _("restored")


# Kinds after which the record is not to be read (by that reader): the event carries no content.
TOMBSTONES = frozenset({ChangeKind.WITHDRAWN, ChangeKind.DELETED, ChangeKind.MERGED})


class Change(models.Model):
    """What one transaction did to one record (its rows included)."""

    class Cause(models.TextChoices):
        NONE = "", _("a change")
        RESTORED = "restored", _("restored")
        MERGED = "merged", _("merged")

    # Given after commit by the sequencer (null until then): the feed's order and cursor.
    position = models.BigIntegerField(_("position"), null=True, blank=True)
    # A random token per transaction: the rows of one transaction are one row per record.
    transaction = models.CharField(_("transaction"), max_length=32)
    # The resource the record is served under (`actors`, `designations` …).
    record_type = models.CharField(_("record type"), max_length=50)
    record_id = models.CharField(_("public id"), max_length=PUBLIC_ID_MAX_LENGTH)
    state_before = models.CharField(
        _("state before"), max_length=10, blank=True, choices=Publication.choices
    )
    state_after = models.CharField(
        _("state after"), max_length=10, blank=True, choices=Publication.choices
    )
    cause = models.CharField(_("cause"), max_length=10, blank=True, choices=Cause.choices)
    # For a merge: the public id of the record that survives it.
    merged_into = models.CharField(
        _("merged into"), max_length=PUBLIC_ID_MAX_LENGTH, blank=True, default=""
    )
    time = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        # Written by the application alone, read through the feed: no one edits it.
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["position"], name="change_position_unique"),
            models.UniqueConstraint(
                fields=["transaction", "record_type", "record_id"],
                name="change_once_per_transaction",
            ),
            models.CheckConstraint(
                condition=~models.Q(cause="merged") | ~models.Q(merged_into=""),
                name="change_merge_names_survivor",
            ),
        ]
        indexes = [
            models.Index(fields=["record_type", "position"], name="change_type_position"),
            models.Index(fields=["record_type", "record_id"], name="change_record"),
        ]

    def __str__(self):
        return f"{self.kind} {self.record_type}/{self.record_id}"

    @property
    def kind(self) -> str | None:
        """What happened, as staff read it (None: created and deleted in one transaction)."""
        return kind_of(self.state_before, self.state_after, self.cause)

    @property
    def public_kind(self) -> str | None:
        """What happened, as the public reads it (None: nothing the public could see)."""
        return public_kind_of(self.state_before, self.state_after, self.cause)


PUBLISHED = Publication.PUBLISHED


def kind_of(before: str, after: str, cause: str) -> str | None:
    if cause == Change.Cause.MERGED:
        return ChangeKind.MERGED
    if not before and not after:
        return None
    if not before:
        return ChangeKind.RESTORED if cause == Change.Cause.RESTORED else ChangeKind.CREATED
    if not after:
        return ChangeKind.DELETED
    if before != PUBLISHED and after == PUBLISHED:
        return ChangeKind.PUBLISHED
    if before != Publication.WITHDRAWN and after == Publication.WITHDRAWN:
        return ChangeKind.WITHDRAWN
    return ChangeKind.CHANGED


def public_kind_of(before: str, after: str, cause: str) -> str | None:
    """The public sees a record from its publication to its withdrawal or deletion: its
    publication is its creation, and its end a tombstone, only if it was seen published."""
    was, now = before == PUBLISHED, after == PUBLISHED
    if cause == Change.Cause.MERGED:
        return ChangeKind.MERGED if was else None
    if was and now:
        return ChangeKind.CHANGED
    if now:
        return ChangeKind.CREATED
    if was:
        return ChangeKind.WITHDRAWN if after else ChangeKind.DELETED
    return None

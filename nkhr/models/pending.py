"""Changes to published records that wait for an editor (`nkhr.pending`).

Only editors publish. A curator's change to a published record is therefore not written to
the record: it is kept here, as the record's API representation when the change was made
(`base`) and the representation the change would give it (`proposed`), until an editor
publishes it (the fields it changed are then written to the record) or rejects it. Until
then everyone, the public included, reads the published version.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nkhr.models.base import PUBLIC_ID_MAX_LENGTH


class PendingChange(models.Model):
    """A change proposed to a published record, and what an editor decided about it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        PUBLISHED = "published", pgettext_lazy("pending change status", "published")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("superseded")

    # The record's concrete model (a sanctions regime is an instrument), as citations do.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record")
    )
    object_id = models.CharField(_("record id"), max_length=PUBLIC_ID_MAX_LENGTH)
    record = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pending_changes",
        verbose_name=_("author"),
    )
    created = models.DateTimeField(_("proposed"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    base = models.JSONField(
        _("record when proposed"),
        encoder=DjangoJSONEncoder,
        help_text=_("The record's API representation when the change was proposed."),
    )
    proposed = models.JSONField(
        _("record as changed"),
        encoder=DjangoJSONEncoder,
        help_text=_("The API representation the change would give the record."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_pending_changes",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        # Who may see and decide them is the records' business (`nkhr.view_unpublished`,
        # `nkhr.publish_record`), not permissions of their own.
        default_permissions = ()
        ordering = ["created", "pk"]
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="pendingchange_record_idx"),
            models.Index(fields=["status", "created"], name="pendingchange_status_idx"),
        ]
        constraints = [
            # A new proposal by the same author supersedes their previous one.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "author"],
                condition=Q(status="pending"),
                name="pendingchange_one_pending_per_author",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected", "superseded"]),
                name="pendingchange_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | ~Q(status="pending") & Q(decided_at__isnull=False),
                name="pendingchange_decided_when_not_pending",
            ),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} ({self.get_status_display()})"

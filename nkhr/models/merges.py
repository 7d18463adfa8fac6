"""Merged duplicates: that record B of a type was merged into record A (`nkhr.merging`).

While the merge stands, B's public id stays reserved: no record is created with it, and
the API and the admin send whoever asks for B to A. `moves` lists what the merge changed
(references moved, duplicate rows dropped, aliases added), so that a revert undoes exactly
that; a reverted merge is kept, with who reverted it and when, and frees the id.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nkhr.models.base import PUBLIC_ID_MAX_LENGTH


class MergedRecordQuerySet(models.QuerySet):
    def standing(self):
        """Merges not reverted: those whose merged id is reserved."""
        return self.filter(reverted_at__isnull=True)

    def of_model(self, model):
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        return self.filter(content_type=content_type)


class MergedRecord(models.Model):
    """Record `merged_id` of the type `content_type` (a concrete model) merged into
    `survivor_id`, by whom and when, and what the merge changed."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    merged_id = models.CharField(_("merged public id"), max_length=PUBLIC_ID_MAX_LENGTH)
    merged_name = models.CharField(_("merged record"), max_length=500, blank=True)
    survivor_id = models.CharField(_("survivor's public id"), max_length=PUBLIC_ID_MAX_LENGTH)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    # What the merge did, in the order it did it (`nkhr.merging`): read by the revert.
    moves = models.JSONField(_("what moved"), default=list, blank=True)
    reverted_at = models.DateTimeField(_("reverted"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reverted by"),
    )

    objects = MergedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at", "-id"]
        # Read and reverted on the admin's "Merged records" page (`nkhr.admin.merging`),
        # made by merges only: no add, change or delete of its own.
        default_permissions = ()
        verbose_name = _("merged record")
        verbose_name_plural = _("merged records")
        indexes = [
            models.Index(fields=["content_type", "survivor_id"], name="mergedrecord_survivor"),
        ]
        constraints = [
            # One standing merge per id: the id is reserved once, and freed by the revert.
            models.UniqueConstraint(
                fields=["content_type", "merged_id"],
                condition=Q(reverted_at__isnull=True),
                name="mergedrecord_one_standing_per_id",
                violation_error_message=_("This record has been merged already."),
            ),
            models.CheckConstraint(
                condition=~Q(merged_id=F("survivor_id")),
                name="mergedrecord_not_into_itself",
                violation_error_message=_("A record cannot be merged into itself."),
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def model(self):
        return self.content_type.model_class()

    @property
    def standing(self) -> bool:
        return self.reverted_at is None

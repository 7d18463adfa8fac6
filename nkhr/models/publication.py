"""Publication states and the permissions that govern them.

A record is written as a draft, submitted for review, published by an editor, and may be
withdrawn. The public (anonymous readers of the API, exports and search) sees published
records only; users with `nkhr.view_unpublished` (curators, editors, analysts) see all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Publication(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", pgettext_lazy("publication state", "published")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The codenames of the record permissions, written once: `RecordPermission` declares them,
# the roles (nkhr/roles.py) grant them, and `has_perm()` takes them as "nkhr.<codename>".
PUBLISH_CODENAME = "publish_record"
VIEW_UNPUBLISHED_CODENAME = "view_unpublished"


class RecordPermission(models.Model):
    """Holder of the permissions that apply to records of every kind; it keeps no rows (its
    empty table lets dumpdata and the admin treat it like any model)."""

    class Meta:
        default_permissions = ()
        permissions = [
            (PUBLISH_CODENAME, _("Can publish, withdraw and return records to draft")),
            (
                VIEW_UNPUBLISHED_CODENAME,
                _("Can see drafts, records in review and withdrawn records"),
            ),
        ]
        verbose_name = _("record permission")

    def __str__(self):
        return str(self._meta.verbose_name)


# As `user.has_perm()` takes them.
PUBLISH = f"{RecordPermission._meta.app_label}.{PUBLISH_CODENAME}"
VIEW_UNPUBLISHED = f"{RecordPermission._meta.app_label}.{VIEW_UNPUBLISHED_CODENAME}"


def can_view_unpublished(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(VIEW_UNPUBLISHED))

"""Who may read what: reads are public unless `API_PUBLIC_READ` is off."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from nkhr.models.publication import Publication, can_view_unpublished


class ReadOnlyViewPermission(BasePermission):
    """For read-only views that span resources (search, exports): public when reads are
    public, otherwise any signed-in user."""

    def has_permission(self, request, view):
        return settings.API_PUBLIC_READ or bool(request.user and request.user.is_authenticated)


def is_visible(record, request) -> bool:
    """Whether the requesting user may see `record` (rows without a state always follow
    their record, which the view has already checked)."""
    publication = getattr(record, "publication", None)
    if publication is None or publication == Publication.PUBLISHED:
        return True
    return can_view_unpublished(getattr(request, "user", None))

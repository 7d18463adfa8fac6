"""Who may read what: reads are public unless `API_PUBLIC_READ` is off."""

from django.conf import settings
from rest_framework.permissions import BasePermission


class ReadOnlyViewPermission(BasePermission):
    """For read-only views that span resources (search, exports): public when reads are
    public, otherwise any signed-in user."""

    def has_permission(self, request, view):
        return settings.API_PUBLIC_READ or bool(request.user and request.user.is_authenticated)

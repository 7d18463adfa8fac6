"""Errors as 4xx answers with messages, never a 500 for a client's mistake."""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(
            {"detail": f"The request body is larger than {limit:,} bytes."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SuspiciousOperation):
        # Django answers these with a bare 400 page; the API says it in JSON.
        return Response({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        set_rollback()
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    # ProtectedError and RestrictedError are IntegrityErrors too; they get their 409 below.
    if isinstance(exc, IntegrityError) and not isinstance(exc, ProtectedError | RestrictedError):
        # A database rule caught what validation did not (e.g. a race): nothing is written.
        set_rollback()
        return Response(
            {"non_field_errors": ["The record conflicts with a database rule.", str(exc)]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        blocking = (
            sorted({f"{o._meta.model_name}:{o.pk}" for o in exc.protected_objects})[:20]
            if isinstance(exc, ProtectedError)
            else []
        )
        return Response(
            {
                "detail": "Other records point at this one; remove those links first.",
                "blocking": blocking,
            },
            status=status.HTTP_409_CONFLICT,
        )
    return None

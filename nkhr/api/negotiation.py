"""Content negotiation: an unknown `?format=` is a 400 naming the parameter (DRF answers it
with a 404, which says the record is missing)."""

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class StrictFormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404 as exc:
            known = sorted({renderer.format for renderer in renderers})
            raise ValidationError(
                {self.settings.URL_FORMAT_OVERRIDE: [f"Unknown format; one of {known}."]}
            ) from exc

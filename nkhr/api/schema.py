"""The OpenAPI schema: how operations are described (`RecordAutoSchema`) and names for
its shared choice sets (drf-spectacular's ENUM_NAME_OVERRIDES)."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.openapi import AutoSchema

COUNTRY_CHOICES = [(country.code, country.name) for country in countries]


class RecordAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, except that error responses listed with `extend_schema`
    are added to an operation's success response instead of replacing it (drf-spectacular
    replaces the whole set, which left every record operation without its 200/201/204)."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if any(code.startswith("2") for code in responses):
            return responses
        if self.method == "DELETE":
            success = {"204": {"description": _("No response body")}}
        else:
            code = "201" if self._is_create_operation() else "200"
            serializer = self._get_serializer()
            success = {code: self._get_response_for_code(serializer, code, direction=direction)}
        return {**success, **responses}

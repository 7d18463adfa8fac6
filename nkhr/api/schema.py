"""The OpenAPI schema: how operations are described (`RecordAutoSchema`) and names for
its shared choice sets (drf-spectacular's ENUM_NAME_OVERRIDES)."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.openapi import AutoSchema

COUNTRY_CHOICES = [(country.code, country.name) for country in countries]


class RecordAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with two changes for the record routes:

    * error responses listed with `extend_schema` are added to an operation's success
      response instead of replacing it (drf-spectacular replaces the whole set, which left
      every record operation without its 200/201/204);
    * a read that takes `?brief=` answers with the full record or its brief form."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if any(code.startswith("2") for code in responses):
            return responses
        if self.method == "DELETE":
            success = {"204": {"description": _("No response body")}}
        else:
            code = "201" if self._is_create_operation() else "200"
            response = self._get_response_for_code(
                self._get_serializer(), code, direction=direction
            )
            if self.method == "GET" and self._takes_brief_parameter():
                response = self._full_or_brief(response, code, direction)
            success = {code: response}
        return {**success, **responses}

    def _takes_brief_parameter(self) -> bool:
        return any(
            getattr(parameter, "name", None) == "brief"
            for parameter in self.get_override_parameters()
        )

    def _full_or_brief(self, response: dict, code: str, direction) -> dict:
        # Imported here: the fields module loads models, and settings name this module.
        from nkhr.api.fields import BriefRecordSerializer

        brief = self._get_response_for_code(BriefRecordSerializer, code, direction=direction)
        for media_type, content in response.get("content", {}).items():
            content["schema"] = {
                "anyOf": [content["schema"], brief["content"][media_type]["schema"]]
            }
        return response

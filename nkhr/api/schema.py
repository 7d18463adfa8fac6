"""The OpenAPI schema: how operations are described (`RecordAutoSchema`) and names for
its shared choice sets (drf-spectacular's ENUM_NAME_OVERRIDES)."""

from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import OpenApiParameter

from nkhr.adapters import ResponsesAutoSchema

COUNTRY_CHOICES = [(country.code, country.name) for country in countries]


class RecordAutoSchema(ResponsesAutoSchema):
    """drf-spectacular's AutoSchema with two changes for the record routes:

    * error responses (and a 202) listed with `extend_schema` are added to an operation's success
      response instead of replacing it (drf-spectacular replaces the whole set, which left
      every record operation without its 200/201/204);
    * a read that takes `?brief=` answers with the full record or its brief form.

    It also lists the query parameters a view declares itself (`schema_parameters`, from
    `nkhr.api.parameters`), so that the schema shows what the view checks.

    The private step of drf-spectacular this takes is in `nkhr.adapters`."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        declared = getattr(self.view, "schema_parameters", None)
        if declared is not None:
            for parameter in declared(getattr(self.view, "action", None)):
                parameters.append(as_openapi_parameter(parameter))
        return parameters

    def complete_responses(self, responses, direction):
        # A 202 listed beside them (a change that waits for review) is no success of its own.
        if any(code.startswith("2") and code != "202" for code in responses):
            return responses
        if self.method == "DELETE":
            success = {"204": {"description": _("No response body")}}
        else:
            code = "201" if self.is_create_operation() else "200"
            response = self.response_for(self.view_serializer(), code, direction)
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

        brief = self.response_for(BriefRecordSerializer, code, direction)
        for media_type, content in response.get("content", {}).items():
            content["schema"] = {
                "anyOf": [content["schema"], brief["content"][media_type]["schema"]]
            }
        return response


def as_openapi_parameter(parameter) -> OpenApiParameter:
    """drf-spectacular's form of a `nkhr.api.parameters.Parameter`."""
    many = {"style": "form", "explode": False} if parameter.many else {}
    return OpenApiParameter(
        parameter.name,
        parameter.schema or {"type": "string"},
        OpenApiParameter.QUERY,
        description=parameter.description,
        **many,
    )


# Answers any operation may give beside those it lists: the rate limits (nkhr/api/throttling.py)
# and, for writes, the request body size limit (nkhr/api/exceptions.py).
LIMIT_RESPONSES = {
    "429": {
        "description": _(
            "Too many requests from this address or token: wait the seconds Retry-After says."
        ),
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": _("Seconds until a request is taken again."),
            }
        },
    },
}
BODY_LIMIT_RESPONSE = {"413": {"description": _("The request body is too large.")}}
# The routes of one record reached from its create and read answers through its public id.
RECORD_LINKS = {
    "Retrieve": ("{}", "get"),
    "Update": ("{}", "put"),
    "PartialUpdate": ("{}", "patch"),
    "Destroy": ("{}", "delete"),
    "History": ("{}history/", "get"),
    "Publication": ("{}publication/", "post"),
}


def _record_links(paths: dict, list_path: str) -> dict:
    detail = f"{list_path}{{id}}/"
    links = {}
    for name, (template, method) in RECORD_LINKS.items():
        operation = paths.get(template.format(detail), {}).get(method)
        if operation is not None:
            links[name] = {
                "operationId": operation["operationId"],
                "parameters": {"id": "$response.body#/id"},
                "description": f"The record by the `id` of this answer ({method.upper()}).",
            }
    return links


def add_limits_and_links(result, generator, request, public):
    """drf-spectacular postprocessing: every operation lists 429 (and each write 413), and a
    record's create (201) and read (200) answers link to its other routes by `id`, which
    clients and stateful testers (Schemathesis) follow."""
    paths = result.get("paths", {})
    for path, operations in paths.items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, response in LIMIT_RESPONSES.items():
                responses.setdefault(code, response)
            if method in ("post", "put", "patch"):
                for code, response in BODY_LIMIT_RESPONSE.items():
                    responses.setdefault(code, response)
        if path.endswith("{id}/") and path.count("{") == 1:
            list_path = path.removesuffix("{id}/")
            links = _record_links(paths, list_path)
            create = paths.get(list_path, {}).get("post", {}).get("responses", {}).get("201")
            read = operations.get("get", {}).get("responses", {}).get("200")
            for response in (create, read):
                if response is not None and links:
                    response.setdefault("links", {}).update(links)
    return result

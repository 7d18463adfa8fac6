"""The project's only uses of the private API of Django and drf-spectacular, each where the
library offers no public way to do the same, kept here so that there is one place to look
on an upgrade. tests/nkhr/test_adapters.py pins what each relies on: if an upgrade changes
it, the test of that adapter fails, by name, rather than a page or the schema downstream.

* `prefetched_rows(obj)`, `loaded_relations(obj)`: the rows `prefetch_related()` loaded onto
  an instance, and the related objects a foreign key has loaded (by `select_related()` or
  an access). Django keeps both in attributes it does not document
  (`_prefetched_objects_cache`, `_state.fields_cache`).
* `ResponsesAutoSchema`: drf-spectacular builds an operation's responses in
  `AutoSchema._get_response_bodies()`. When `extend_schema(responses=…)` lists only error
  answers it drops the success answer, and the public `get_response_serializers()` can
  neither keep it beside them nor describe a body inline as one of two serializers
  (`anyOf`, a record in full or brief). The subclass opens that step as public methods
  that `nkhr.api.schema.RecordAutoSchema` overrides and calls.
"""

from drf_spectacular.openapi import AutoSchema


def prefetched_rows(obj) -> dict:
    """{prefetch name: rows} of what `prefetch_related()` loaded onto `obj` (empty if none)."""
    return getattr(obj, "_prefetched_objects_cache", {})


def loaded_relations(obj) -> list:
    """The related objects `obj`'s foreign keys have already loaded (none for a non-model)."""
    state = getattr(obj, "_state", None)
    if state is None:
        return []
    return [related for related in state.fields_cache.values() if related is not None]


class ResponsesAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema with its building of response bodies open to subclasses:
    `complete_responses()` sees the responses by status code as drf-spectacular built them
    and returns those to describe; `response_for()`, `is_create_operation()` and
    `view_serializer()` build and name the parts as drf-spectacular itself does."""

    def _get_response_bodies(self, direction="response"):
        return self.complete_responses(super()._get_response_bodies(direction), direction)

    def complete_responses(self, responses: dict, direction: str) -> dict:
        """The responses to describe, given drf-spectacular's ({status code: response})."""
        return responses

    def response_for(self, serializer, code: str, direction: str) -> dict:
        """The response object of `serializer` (a class, an instance, a list serializer: the
        list paginated as the view pages it) for status `code`, its component registered."""
        return self._get_response_for_code(serializer, code, direction=direction)

    def is_create_operation(self) -> bool:
        """Whether the operation creates (a POST answered 201)."""
        return self._is_create_operation()

    def view_serializer(self):
        """The serializer the view answers with, as drf-spectacular finds it."""
        return self._get_serializer()

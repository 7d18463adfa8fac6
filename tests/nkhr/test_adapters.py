"""`nkhr.adapters`: what each adapter relies on in a library's private API, pinned, so that an
upgrade that changes it fails here, by name."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import mixins, serializers, viewsets
from rest_framework.routers import SimpleRouter

from nkhr.adapters import ResponsesAutoSchema, loaded_relations, prefetched_rows
from nkhr.models import Actor, Alias, Source
from tests import factories

# --- Django: what prefetch_related() and foreign keys have loaded -----------------------------


@pytest.mark.django_db
def test_prefetched_rows_are_those_prefetch_related_loaded():
    actor = factories.PersonFactory()
    alias = factories.AliasFactory(actor=actor, name="Another name")
    loaded = Actor.objects.prefetch_related("aliases").get(pk=actor.pk)
    assert alias in prefetched_rows(loaded)["aliases"]
    assert prefetched_rows(Actor.objects.get(pk=actor.pk)) == {}
    assert prefetched_rows(object()) == {}


@pytest.mark.django_db
def test_loaded_relations_are_the_objects_foreign_keys_have_loaded():
    alias = factories.AliasFactory(actor=factories.PersonFactory(), name="Another name")
    assert loaded_relations(Alias.objects.select_related("actor").get(pk=alias.pk)) == [alias.actor]
    plain = Alias.objects.get(pk=alias.pk)
    assert loaded_relations(plain) == []
    assert plain.actor  # an access loads it too
    assert loaded_relations(plain) == [alias.actor]
    assert loaded_relations(object()) == []


# --- drf-spectacular: building an operation's responses ---------------------------------------


class ThingSerializer(serializers.Serializer):
    name = serializers.CharField()


GONE = OpenApiResponse(description="No such thing.")


class ListsErrorsOnly:
    """Lists only an error answer, as `extend_schema(responses={404: …})` does."""

    def get_response_serializers(self):
        return {"404": GONE} if self.method == "GET" else {"400": GONE}


class PlainSchema(ListsErrorsOnly, AutoSchema):
    pass


class AddsSuccess(ListsErrorsOnly, ResponsesAutoSchema):
    """Puts back the success answer, as `nkhr.api.schema.RecordAutoSchema` does."""

    def complete_responses(self, responses, direction):
        code = "201" if self.is_create_operation() else "200"
        return {code: self.response_for(self.view_serializer(), code, direction), **responses}


class ThingViewSet(mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Source.objects.all()
    serializer_class = ThingSerializer


class PlainThingViewSet(ThingViewSet):
    schema = PlainSchema()


class AddsSuccessThingViewSet(ThingViewSet):
    schema = AddsSuccess()


def operations(viewset) -> dict:
    router = SimpleRouter()
    router.register("things", viewset, basename="thing")
    schema = SchemaGenerator(patterns=router.urls).get_schema(request=None, public=True)
    return {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }


def listed(operation) -> set:
    """Status codes the operation lists, without those every operation gets (429, 413)."""
    return set(operation["responses"]) - {"429", "413"}


def test_drf_spectacular_still_drops_the_success_answer_extend_schema_leaves_out():
    # When this fails, drf-spectacular keeps the success answer beside listed errors itself:
    # RecordAutoSchema's `complete_responses` (and so ResponsesAutoSchema) may go.
    found = operations(PlainThingViewSet)
    assert listed(found[("/things/{id}/", "get")]) == {"404"}
    assert listed(found[("/things/", "post")]) == {"400"}


def test_responses_auto_schema_builds_the_answers_as_drf_spectacular_does():
    found = operations(AddsSuccessThingViewSet)
    read, create = found[("/things/{id}/", "get")], found[("/things/", "post")]
    assert listed(read) == {"200", "404"}
    assert listed(create) == {"201", "400"}
    for operation, code in ((read, "200"), (create, "201")):
        body = operation["responses"][code]["content"]["application/json"]
        assert body["schema"] == {"$ref": "#/components/schemas/Thing"}
    assert list(read["responses"])[:2] == ["200", "404"]

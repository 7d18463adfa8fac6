"""`POST /api/v1/match/`: screening by example, as OpenSanctions' yente `/match` does.

The body names entities in FollowTheMoney's shape, by id (or as a list: ids "0", "1" …);
each is answered under its id with the actors most like it (`nkhr.screening`). It reads
and writes nothing, so it is open to whoever may read (`ReadOnlyViewPermission`); a JSON
POST needs no CSRF token unless it comes with a signed-in browser session.
"""

import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.text import capfirst
from django_countries import countries
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from nkhr.api.parameters import FORMAT, Parameter, check
from nkhr.api.parsers import JSONParser
from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.viewsets import ERRORS
from nkhr.dates import PartialDate
from nkhr.screening import (
    COUNTRY_AGREES,
    COUNTRY_DIFFERS,
    COUNTRY_PROPERTIES,
    DATE_AGREES,
    DATE_DIFFERS,
    DATE_PROPERTIES,
    NAME_PROPERTIES,
    NAME_WEIGHT,
    PROPERTIES,
    SCHEMAS,
    SCORED,
    Entity,
    screen,
    screened_references,
)
from nkhr.text import compact

MAX_QUERIES = 100
# Values of one property, and characters of one name (longer ones are not names).
MAX_VALUES = 10
MAX_NAME_LENGTH = 200
DEFAULT_THRESHOLD, DEFAULT_LIMIT, MAX_LIMIT = 0.7, 5, 50


def resolve_country(text: str) -> str:
    """ISO alpha-2 of a country given by alpha-2, alpha-3 or numeric code, or by name
    (any case); "" when there is none."""
    return countries.alpha2(text) or countries.by_name(text, insensitive=True) or ""


class Text(serializers.CharField):
    """A string, nothing else (a number is not a name)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class NameText(Text):
    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_NAME_LENGTH, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not compact(value):
            raise serializers.ValidationError("Nothing to search for in this name.")
        return value


class DateText(Text):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            PartialDate.parse(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class CountryText(Text):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not resolve_country(value):
            raise serializers.ValidationError(
                "Unknown country: give an ISO 3166 code (alpha-2 or alpha-3) or a name."
            )
        return value


def _values(child, **kwargs) -> serializers.ListField:
    return serializers.ListField(child=child, max_length=MAX_VALUES, **kwargs)


class PropertiesSerializer(serializers.Serializer):
    """FollowTheMoney properties, each a list of strings; `name` is required."""

    def get_fields(self):
        fields = {
            "name": _values(NameText(), min_length=1, help_text="The entity's names."),
            "alias": _values(NameText(), required=False, help_text="Other names."),
        }
        for name in DATE_PROPERTIES:
            fields[name] = _values(
                DateText(), required=False, help_text="YYYY, YYYY-MM or YYYY-MM-DD."
            )
        for name in COUNTRY_PROPERTIES:
            fields[name] = _values(
                CountryText(), required=False, help_text="ISO 3166 codes or country names."
            )
        return fields

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(PROPERTIES))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [f"Unknown property; one of {', '.join(PROPERTIES)}."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class EntityQuerySerializer(serializers.Serializer):
    """An entity to screen, as FollowTheMoney writes one."""

    schema = serializers.ChoiceField(
        choices=list(SCHEMAS),
        help_text="Person: people; Organization, Company, PublicBody: bodies (every actor "
        "but people and positions); LegalEntity, Thing: any actor.",
    )
    properties = PropertiesSerializer()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown key; give schema and properties."] for name in unknown}
                )
        return super().to_internal_value(data)


class QueriesField(serializers.DictField):
    """Entities by id, or a list of them (ids "0", "1" …), at most `MAX_QUERIES`."""

    def __init__(self, **kwargs):
        super().__init__(child=EntityQuerySerializer(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list):
            data = {str(index): query for index, query in enumerate(data)}
        if not isinstance(data, dict):
            raise serializers.ValidationError("Give an object of queries by id, or a list.")
        if len(data) > MAX_QUERIES:
            raise serializers.ValidationError(f"At most {MAX_QUERIES} queries a request.")
        return super().to_internal_value(data)


class MatchRequestSerializer(serializers.Serializer):
    queries = QueriesField(
        help_text=f'Entities to screen by id (a list is taken too: ids "0", "1" …); at '
        f"most {MAX_QUERIES}. An empty object is answered with no responses."
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown key; give queries."] for name in unknown}
                )
        return super().to_internal_value(data)


class MatchParameters(serializers.Serializer):
    threshold = serializers.FloatField(min_value=0, max_value=1, default=DEFAULT_THRESHOLD)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)

    def validate_threshold(self, value):
        if not math.isfinite(value):
            raise serializers.ValidationError("A number from 0 to 1.")
        return value


# What the query string takes (`nkhr.api.parameters`); the values are read by
# `MatchParameters`, which names a bad one.
MATCH_PARAMETERS = [FORMAT, Parameter("threshold"), Parameter("limit")]


def entity(query: dict) -> Entity:
    properties = query["properties"]
    names = [name for prop in NAME_PROPERTIES for name in properties.get(prop, ())]
    return Entity(
        schema=query["schema"],
        names=tuple(dict.fromkeys(names)),
        dates=tuple(PartialDate.parse(d) for p in DATE_PROPERTIES for d in properties.get(p, ())),
        countries=frozenset(
            resolve_country(c) for p in COUNTRY_PROPERTIES for c in properties.get(p, ())
        ),
        given={"schema": query["schema"], "properties": dict(properties)},
    )


RULE = (
    f"Each result's `score` is {NAME_WEIGHT} times its best name score (`features.name`, "
    f"the search's scores) plus `features.birth_date` and `features.country`, kept within 0 "
    f"to 1: an exact name alone scores {NAME_WEIGHT}. A date of the "
    f"query ({', '.join(DATE_PROPERTIES)}) that agrees with the actor's date of birth or "
    f"establishment (equal at the coarser of both precisions: 1956 agrees with 1956-03-01) "
    f"adds {DATE_AGREES}; dates that all disagree add {DATE_DIFFERS}. An actor's country "
    f"among the query's ({', '.join(COUNTRY_PROPERTIES)}) adds {COUNTRY_AGREES}, any other "
    f"{COUNTRY_DIFFERS}. Where the query or the actor gives none, the feature is null and "
    f"changes nothing."
)


def _listing_fields() -> dict:
    """What points at each actor found, as its types declare (`Reference.screened`)."""
    return {
        reference.accessor: serializers.ListField(
            child=serializers.DictField(),
            help_text=f"{capfirst(reference.label)} the caller may see: "
            f"{', '.join(reference.screened)}.",
        )
        for reference in screened_references()
    }


MATCH_RESULT = inline_serializer(
    "MatchResult",
    {
        "id": serializers.CharField(),
        "url": serializers.URLField(),
        "name": serializers.CharField(),
        "kind": serializers.CharField(),
        "score": serializers.FloatField(help_text="From 0 to 1; see the operation."),
        "match": serializers.BooleanField(help_text="Whether the score reaches `threshold`."),
        "matched": inline_serializer(
            "MatchedName",
            {
                "query": serializers.CharField(help_text="The query's name."),
                "name": serializers.CharField(help_text="The actor's name it matched."),
                "field": serializers.CharField(),
                "kind": serializers.CharField(),
                "how": serializers.CharField(),
                "score": serializers.FloatField(),
            },
            many=True,
        ),
        "features": inline_serializer(
            "MatchFeatures",
            {
                "name": serializers.FloatField(),
                "birth_date": serializers.FloatField(allow_null=True),
                "country": serializers.FloatField(allow_null=True),
            },
        ),
        **_listing_fields(),
    },
    many=True,
)

EXAMPLE_QUERIES = {
    "q1": {
        "schema": "Person",
        "properties": {
            "name": ["JONG, Kyong Thaek"],
            "alias": ["정경택"],
            "nationality": ["kp"],
        },
    },
    "q2": {"schema": "Organization", "properties": {"name": ["Ministry of State Security"]}},
}


class MatchView(APIView):
    """Screen entities by example: for each, the actors most like it, with their
    designations."""

    permission_classes = [ReadOnlyViewPermission]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="match",
        summary="Screen entities by name, birth date and country",
        description=(
            "Like yente's `/match`: each query, an entity as FollowTheMoney writes it "
            "(`schema`, `properties` as lists of strings), is answered under its id with "
            "the actors the caller may see that match one of its names (`name` and "
            "`alias`), best first. " + RULE + " A POST that writes nothing: anonymous "
            "clients and token users post JSON without a CSRF token (a signed-in browser "
            "session needs one)."
        ),
        parameters=[
            OpenApiParameter(
                "threshold",
                float,
                description=f"Results scoring at least this are `match: true` (0 to 1; "
                f"default {DEFAULT_THRESHOLD}).",
            ),
            OpenApiParameter(
                "limit",
                int,
                description=f"Results per query (1 to {MAX_LIMIT}; default {DEFAULT_LIMIT}).",
            ),
        ],
        request=MatchRequestSerializer,
        responses={
            200: inline_serializer(
                "MatchResponses",
                {
                    "responses": serializers.DictField(
                        child=inline_serializer(
                            "MatchResponse",
                            {
                                "query": serializers.DictField(help_text="The query as given."),
                                "total": serializers.IntegerField(
                                    help_text="Candidates matching one of its names, "
                                    f"of the {SCORED} closest scored."
                                ),
                                "results": MATCH_RESULT,
                            },
                        )
                    ),
                    "threshold": serializers.FloatField(),
                    "limit": serializers.IntegerField(),
                },
            ),
            400: OpenApiResponse(
                description="Malformed JSON, or messages by query, property and value: more "
                f"than {MAX_QUERIES} queries, a query without a name, an unknown schema or "
                "property, a bad date or country, `threshold` or `limit` out of range."
            ),
            401: ERRORS[401],
        },
        examples=[
            OpenApiExample("Two entities", value={"queries": EXAMPLE_QUERIES}, request_only=True),
        ],
    )
    def post(self, request):
        check(request, MATCH_PARAMETERS)
        parameters = MatchParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        body = MatchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        threshold, limit = (
            parameters.validated_data["threshold"],
            parameters.validated_data["limit"],
        )
        entities = {key: entity(query) for key, query in body.validated_data["queries"].items()}
        responses = screen(entities, request, threshold, limit)
        return Response({"responses": responses, "threshold": threshold, "limit": limit})

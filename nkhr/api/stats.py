"""`/api/v1/stats/`: counts per record type, per year, per kind and year, per authority (or
treaty) and year: the aggregates of nkhr/stats.py, the public's or the staff's."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from nkhr.api.permissions import ReadOnlyViewPermission
from nkhr.api.viewsets import ERRORS
from nkhr.stats import stats_for


def _rows(name: str, fields: dict, help_text: str):
    return inline_serializer(name, fields, many=True, help_text=help_text)


class StatsView(APIView):
    """What the database holds, counted: published records only for the public."""

    permission_classes = [ReadOnlyViewPermission]

    @extend_schema(
        responses={
            200: inline_serializer(
                "Stats",
                {
                    "types": _rows(
                        "StatsType",
                        {
                            "type": serializers.CharField(),
                            "name": serializers.CharField(),
                            "count": serializers.IntegerField(),
                        },
                        "Records of each type (its resource name).",
                    ),
                    "years": _rows(
                        "StatsYear",
                        {
                            "type": serializers.CharField(),
                            "year": serializers.IntegerField(),
                            "count": serializers.IntegerField(),
                        },
                        "Dated records per year, by the type's first date (an actor's "
                        "establishment, a designation's listing, a report's date).",
                    ),
                    "kinds": _rows(
                        "StatsKind",
                        {
                            "type": serializers.CharField(),
                            "kind": serializers.CharField(),
                            "year": serializers.IntegerField(),
                            "count": serializers.IntegerField(),
                        },
                        "Dated records of types with a kind, per kind and year.",
                    ),
                    "links": _rows(
                        "StatsLink",
                        {
                            "type": serializers.CharField(),
                            "field": serializers.CharField(),
                            "id": serializers.CharField(),
                            "name": serializers.CharField(),
                            "year": serializers.IntegerField(),
                            "count": serializers.IntegerField(),
                        },
                        "Dated records per linked authority or treaty and year "
                        "(designations per authority, state-party reports per treaty).",
                    ),
                },
            ),
            401: ERRORS[401],
        },
    )
    def get(self, request):
        return Response(stats_for(request.user))

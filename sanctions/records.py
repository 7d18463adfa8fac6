"""The sanctions record types (nkhr/registry.py): regimes, designation rounds and
designations; designations are exported to FollowTheMoney (sanctions/ftm.py) and listed
on the pages of the actors, regimes and rounds they point at. Imported by
`SanctionsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from nkhr.registry import RecordType, Reference, register
from sanctions.admin import DesignationAdmin, DesignationRoundAdmin, SanctionsRegimeAdmin
from sanctions.api.views import DesignationRoundViewSet, DesignationViewSet, SanctionsRegimeViewSet
from sanctions.ftm import designation_entities
from sanctions.models import Designation, DesignationRound, SanctionsRegime
from sanctions.resources import DesignationResource

# What a designation's listed name is made of.
DESIGNATION_NAME = ("target", "regime")
# What `/api/v1/match/` shows of each designation of an actor it finds.
SCREENED = (
    "id",
    "url",
    "authority",
    "regime",
    "round",
    "listed",
    "delisted",
    "reference",
    "measures",
)

register(
    RecordType(
        model=SanctionsRegime,
        prefix="sanctions-regimes",
        basename="sanctions-regime",
        viewset=SanctionsRegimeViewSet,
        admin=SanctionsRegimeAdmin,
        position=60,
    )
)

register(
    RecordType(
        model=DesignationRound,
        prefix="designation-rounds",
        basename="designation-round",
        viewset=DesignationRoundViewSet,
        admin=DesignationRoundAdmin,
        references=[
            Reference("sanctions.DesignationRound", "regime", _("designation rounds")),
            Reference("sanctions.DesignationRound", "parent", _("occasions grouped here")),
        ],
        position=70,
    )
)

register(
    RecordType(
        model=Designation,
        prefix="designations",
        basename="designation",
        viewset=DesignationViewSet,
        admin=DesignationAdmin,
        ftm=designation_entities,
        import_resource=DesignationResource,
        references=[
            Reference(
                "sanctions.Designation",
                "target",
                _("designations targeting it"),
                select_related=DESIGNATION_NAME,
                in_api=True,
                screened=SCREENED,
            ),
            Reference(
                "sanctions.Designation",
                "authority",
                _("designations it made"),
                select_related=DESIGNATION_NAME,
            ),
            Reference(
                "sanctions.Designation",
                "regime",
                _("designations"),
                select_related=DESIGNATION_NAME,
            ),
            Reference(
                "sanctions.Designation",
                "round",
                _("designations"),
                select_related=DESIGNATION_NAME,
            ),
        ],
        position=80,
    )
)

"""The UN side's record types (nkhr/registry.py): mechanisms and reports, and the
"Referenced by" lists they add to actors', instruments' and treaties' pages. Imported by
`MechanismsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from mechanisms.admin import MechanismAdmin, ReportAdmin
from mechanisms.api.views import MechanismViewSet, ReportViewSet
from mechanisms.models import Mechanism, Report
from mechanisms.resources import ReportResource
from nkhr.registry import RecordType, Reference, register

register(
    RecordType(
        model=Mechanism,
        prefix="mechanisms",
        basename="mechanism",
        viewset=MechanismViewSet,
        admin=MechanismAdmin,
        enums={"MechanismStatusEnum": Mechanism.Status, "MechanismKindEnum": Mechanism.Kind},
        references=[
            Reference("mechanisms.Mechanism", "parent_body", _("mechanisms under it")),
            Reference(
                "mechanisms.Mechanism", "establishing_instrument", _("mechanisms it established")
            ),
        ],
        position=40,
    )
)

register(
    RecordType(
        model=Report,
        prefix="reports",
        basename="report",
        viewset=ReportViewSet,
        admin=ReportAdmin,
        import_resource=ReportResource,
        enums={"ReportKindEnum": Report.Kind},
        references=[
            Reference("mechanisms.Report", "author", _("reports authored")),
            Reference("mechanisms.Report", "concerns", _("documents concerning it")),
            Reference("mechanisms.Report", "treaty", _("state-party reports")),
            Reference("mechanisms.Report", "mechanism", _("reports produced")),
        ],
        position=50,
    )
)

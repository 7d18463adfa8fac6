"""The UN side's record types (nkhr/registry.py): mechanisms and reports, and the
"Referenced by" lists they add to actors', instruments' and treaties' pages. Imported by
`MechanismsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from mechanisms.admin import MechanismAdmin, ReportAdmin
from mechanisms.api.views import MechanismViewSet, ReportViewSet
from mechanisms.models import CONCERN_TARGETS, Mechanism, Report
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
            Reference(
                "mechanisms.Mechanism",
                "events",
                _("mechanisms it belongs to"),
                in_api=True,
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
            Reference("mechanisms.Report", "author", _("reports authored"), in_api=True),
            # What a report or statement concerns, on the page of each record it names.
            *(
                Reference("mechanisms.Concern", target, _("documents concerning it"), show="report")
                for target in CONCERN_TARGETS
            ),
            Reference("mechanisms.Report", "treaty", _("state-party reports")),
            Reference("mechanisms.Report", "mechanism", _("reports produced")),
        ],
        position=50,
    )
)

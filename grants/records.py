"""The funding record type (nkhr/registry.py): funding programmes, and the "Referenced by"
lists awards add to programmes' and recipients' pages. Imported by `GrantsConfig.ready()`."""

from django.utils.translation import gettext_lazy as _

from grants.admin import FundingProgrammeAdmin
from grants.api.views import FundingProgrammeViewSet
from grants.models import FundingProgramme
from nkhr.registry import RecordType, Reference, register

register(
    RecordType(
        model=FundingProgramme,
        prefix="funding-programs",
        basename="funding-program",
        viewset=FundingProgrammeViewSet,
        admin=FundingProgrammeAdmin,
        references=[
            Reference("grants.Award", "programme", _("awards")),
            Reference("grants.Award", "recipient", _("awards received")),
        ],
        position=90,
    )
)

"""The core's record types (nkhr/registry.py): actors, instruments, legislation, events,
recommendations and sources, with the "Referenced by" lists the core's records and rows
add to the pages of what they point at. Imported by `NkhrConfig.ready()`.

Their positions, with the other apps' (mechanisms 40-50, sanctions 60-80, funding 90), keep
the API's resource order: actors, instruments, legislation, …, events, recommendations,
sources.
"""

from django.utils.translation import gettext_lazy as _

from nkhr import ftm
from nkhr.admin.records import (
    ActorAdmin,
    EventAdmin,
    InstrumentAdmin,
    LegislationAdmin,
    RecommendationAdmin,
    SourceAdmin,
)
from nkhr.api import views
from nkhr.models import (
    Actor,
    Alias,
    Event,
    Instrument,
    Legislation,
    LegislationRelation,
    LegislativeAction,
    Recommendation,
    Source,
)
from nkhr.registry import RecordType, Reference, register
from nkhr.resources import ActorResource, EventResource, LegislationResource

register(
    RecordType(
        model=Actor,
        prefix="actors",
        basename="actor",
        viewset=views.ActorViewSet,
        admin=ActorAdmin,
        ftm=ftm.actor_entities,
        import_resource=ActorResource,
        enums={
            "ActorStatusEnum": Actor.Status,
            "ActorKindEnum": Actor.Kind,
            "AliasKindEnum": Alias.Kind,
        },
        references=[
            Reference("nkhr.Actor", "parent", _("parts of it")),
            Reference(
                "nkhr.PositionHeld",
                "position",
                _("held by"),
                select_related=("person", "position"),
            ),
        ],
        position=10,
    )
)

register(
    RecordType(
        model=Instrument,
        prefix="instruments",
        basename="instrument",
        viewset=views.InstrumentViewSet,
        admin=InstrumentAdmin,
        enums={
            "InstrumentStatusEnum": Instrument.Status,
            "InstrumentKindEnum": Instrument.Kind,
        },
        references=[
            Reference("nkhr.Instrument", "based_on", _("instruments based on it")),
            Reference("nkhr.Instrument", "adopted_by", _("instruments adopted")),
            Reference("nkhr.Instrument", "legal_basis", _("instruments based on it")),
        ],
        position=20,
    )
)

register(
    RecordType(
        model=Legislation,
        prefix="legislation",
        basename="legislation",
        viewset=views.LegislationViewSet,
        admin=LegislationAdmin,
        import_resource=LegislationResource,
        enums={
            "LegislationStatusEnum": Legislation.Status,
            "LegislationKindEnum": Legislation.Kind,
            "LegislativeActionKindEnum": LegislativeAction.Kind,
            "LegislationRelationKindEnum": LegislationRelation.Kind,
        },
        references=[
            Reference(
                "nkhr.LegislationRelation",
                "to_legislation",
                _("related from"),
                select_related=("from_legislation", "to_legislation"),
            ),
            Reference("nkhr.Sponsorship", "actor", _("legislation sponsored"), show="legislation"),
            Reference("nkhr.Legislation", "legislature", _("legislation before it")),
        ],
        position=30,
    )
)

register(
    RecordType(
        model=Event,
        prefix="events",
        basename="event",
        viewset=views.EventViewSet,
        admin=EventAdmin,
        import_resource=EventResource,
        enums={"EventKindEnum": Event.Kind},
        references=[
            Reference("nkhr.EventParticipant", "actor", _("events"), show="event"),
            Reference("nkhr.Event", "instruments", _("events concerning it")),
            Reference("nkhr.Event", "legislation", _("events concerning it")),
        ],
        position=100,
    )
)

register(
    RecordType(
        model=Recommendation,
        prefix="recommendations",
        basename="recommendation",
        viewset=views.RecommendationViewSet,
        admin=RecommendationAdmin,
        references=[
            Reference("nkhr.Recommendation", "recommended_by", _("recommendations made")),
        ],
        position=110,
    )
)

register(
    RecordType(
        model=Source,
        prefix="sources",
        basename="source",
        viewset=views.SourceViewSet,
        admin=SourceAdmin,
        enums={"SourceKindEnum": Source.Kind},
        position=120,
    )
)

"""The shared core: actors, sources and citations, instruments, legislation, events,
recommendations, and the base classes the other apps build on."""

from nkhr.models.actors import Actor, Alias, PositionHeld
from nkhr.models.base import (
    CitedRecord,
    KeyedRow,
    PublicRecord,
    RecordManager,
    TimeStampedModel,
)
from nkhr.models.changes import Change, ChangeKind
from nkhr.models.events import Event, EventParticipant
from nkhr.models.instruments import (
    Instrument,
    InstrumentKindManager,
    InstrumentKindMixin,
    InstrumentProvision,
)
from nkhr.models.legislation import (
    Chamber,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    Sponsorship,
)
from nkhr.models.merges import MergedRecord
from nkhr.models.pending import PendingChange
from nkhr.models.publication import Publication, RecordPermission
from nkhr.models.recommendations import Recommendation
from nkhr.models.sources import Citation, Source

__all__ = [
    "Actor",
    "Alias",
    "Chamber",
    "Change",
    "ChangeKind",
    "Citation",
    "CitedRecord",
    "Event",
    "EventParticipant",
    "Instrument",
    "InstrumentKindManager",
    "InstrumentKindMixin",
    "InstrumentProvision",
    "KeyedRow",
    "Legislation",
    "LegislationAlias",
    "LegislationRelation",
    "LegislationSection",
    "LegislativeAction",
    "MergedRecord",
    "PendingChange",
    "PositionHeld",
    "PublicRecord",
    "Publication",
    "Recommendation",
    "RecordManager",
    "RecordPermission",
    "Source",
    "Sponsorship",
    "TimeStampedModel",
]

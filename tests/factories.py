"""factory_boy factories for every record and row in nkhr, mechanisms, sanctions and grants.

Conventions:

* Public ids come from `factory.Sequence`, so factory-made records never collide and never
  depend on the id generator (pass `id=None` to exercise the generator instead).
* Every `CitedRecord` factory adds one citation after creation (`cited`), because a record
  without a citation is a defect. `cited=False` skips it; `cited__source=...`,
  `cited__section=...` and so on go to `CitationFactory`.
* Everything is deterministic: sequences, fixed dates, `factory.Iterator` over choices.
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grants.models import Award, FundingPriority, FundingProgramme
from mechanisms.models import (
    CONCERN_TARGETS,
    Concern,
    Mechanism,
    MechanismFunction,
    Report,
    Resolution,
    Treaty,
)
from nkhr.dates import DatePrecision
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    EventParticipant,
    Instrument,
    InstrumentProvision,
    Legislation,
    LegislationAlias,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    PositionHeld,
    Publication,
    Recommendation,
    Source,
    Sponsorship,
)
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime

# --- sources and citations -------------------------------------------------------------------


class SourceFactory(DjangoModelFactory):
    """A document with a title and nothing else known about it."""

    class Meta:
        model = Source

    id = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source document {n}")
    kind = Source.Kind.OTHER
    publication = Publication.PUBLISHED


class CitationFactory(DjangoModelFactory):
    """A citation of a fresh source; its record defaults to an (uncited) actor."""

    class Meta:
        model = Citation

    # `record` is the generic foreign key: it fills content_type and object_id.
    record = factory.SubFactory("tests.factories.ActorFactory", cited=False)
    source = factory.SubFactory(SourceFactory)


def cite_record(record, create, extracted, **kwargs):
    """Give a freshly created record its citation; `cited=False` leaves it uncited."""
    if not create or extracted is False:
        return
    CitationFactory(record=record, **kwargs)


class CitedRecordFactory(DjangoModelFactory):
    """Base of the factories of `CitedRecord` models: each made record cites a source."""

    class Meta:
        abstract = True
        # The hook creates a Citation row; the record itself needs no second save.
        skip_postgeneration_save = True

    # Published unless a test says otherwise: most tests read as the public does.
    publication = Publication.PUBLISHED
    cited = factory.PostGeneration(cite_record)


# --- actors ----------------------------------------------------------------------------------


class ActorFactory(CitedRecordFactory):
    """An actor of kind "other"; the subclasses below give the common kinds."""

    class Meta:
        model = Actor

    class Params:
        vacant = factory.Trait(status=Actor.Status.VACANT)

    id = factory.Sequence(lambda n: f"actor-{n}")
    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = Actor.Kind.OTHER


class PersonFactory(ActorFactory):
    """A natural person."""

    id = factory.Sequence(lambda n: f"person-{n}")
    name = factory.Sequence(lambda n: f"Person {n}")
    kind = Actor.Kind.PERSON


class OrganisationFactory(ActorFactory):
    """A non-governmental organisation; pass `kind=` for a ministry, a UN body and so on."""

    id = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Actor.Kind.NGO


class PositionFactory(ActorFactory):
    """An office that people hold (use the `vacant` trait for an unfilled one)."""

    id = factory.Sequence(lambda n: f"position-{n}")
    name = factory.Sequence(lambda n: f"Position {n}")
    kind = Actor.Kind.POSITION


class AliasFactory(DjangoModelFactory):
    """An English romanization variant of a person's name."""

    class Meta:
        model = Alias

    actor = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")
    kind = Alias.Kind.ROMANIZATION
    language = "en"


class PositionHeldFactory(CitedRecordFactory):
    """A person holding a position, with no dates known."""

    class Meta:
        model = PositionHeld

    id = factory.Sequence(lambda n: f"position-held-{n}")
    person = factory.SubFactory(PersonFactory)
    position = factory.SubFactory(PositionFactory)


# --- legislation -----------------------------------------------------------------------------


class LegislationFactory(CitedRecordFactory):
    """A bill introduced in the 117th US Congress."""

    class Meta:
        model = Legislation

    id = factory.Sequence(lambda n: f"legislation-{n}")
    jurisdiction = "US"
    session = "117th Congress"
    chamber = "lower"
    kind = Legislation.Kind.BILL
    bill_number = factory.Sequence(lambda n: f"H.R.{n + 1000}")
    title = factory.Sequence(lambda n: f"Act number {n}")
    status = Legislation.Status.INTRODUCED


class LegislationAliasFactory(DjangoModelFactory):
    """An English short title a source gives a bill."""

    class Meta:
        model = LegislationAlias

    legislation = factory.SubFactory(LegislationFactory)
    name = factory.Sequence(lambda n: f"Short Title Act number {n}")
    kind = LegislationAlias.Kind.AS_CITED
    language = "en"


class SponsorshipFactory(DjangoModelFactory):
    """A cosponsorship: a bill has many cosponsors but only one sponsor, so this default can
    be repeated on one bill; pass `role="sponsor"` for the primary sponsor."""

    class Meta:
        model = Sponsorship

    legislation = factory.SubFactory(LegislationFactory)
    actor = factory.SubFactory(PersonFactory)
    role = Sponsorship.Role.COSPONSOR


class LegislativeActionFactory(DjangoModelFactory):
    """A step in a bill's life, numbered in order."""

    class Meta:
        model = LegislativeAction

    legislation = factory.SubFactory(LegislationFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = LegislativeAction.Kind.INTRODUCED


class LegislationSectionFactory(DjangoModelFactory):
    """A numbered section of a bill."""

    class Meta:
        model = LegislationSection

    legislation = factory.SubFactory(LegislationFactory)
    label = factory.Sequence(lambda n: f"Section {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class LegislationRelationFactory(DjangoModelFactory):
    """Two bills that are companions in the two chambers."""

    class Meta:
        model = LegislationRelation

    from_legislation = factory.SubFactory(LegislationFactory)
    to_legislation = factory.SubFactory(LegislationFactory, chamber="upper")
    kind = LegislationRelation.Kind.COMPANION


# --- instruments and their proxies -----------------------------------------------------------


class InstrumentFactory(CitedRecordFactory):
    """A policy instrument; the proxies' factories below give the specialised kinds."""

    class Meta:
        model = Instrument

    id = factory.Sequence(lambda n: f"instrument-{n}")
    kind = Instrument.Kind.POLICY
    title = factory.Sequence(lambda n: f"Instrument {n}")


class ResolutionFactory(InstrumentFactory):
    """A General Assembly resolution."""

    class Meta:
        model = Resolution

    id = factory.Sequence(lambda n: f"resolution-{n}")
    kind = Instrument.Kind.RESOLUTION
    title = factory.Sequence(lambda n: f"Situation of human rights, resolution {n}")
    symbol = factory.Sequence(lambda n: f"A/RES/{n}/1")


class TreatyFactory(InstrumentFactory):
    """A human rights treaty."""

    class Meta:
        model = Treaty

    id = factory.Sequence(lambda n: f"treaty-{n}")
    kind = Instrument.Kind.TREATY
    title = factory.Sequence(lambda n: f"Covenant {n}")


class SanctionsRegimeFactory(InstrumentFactory):
    """A country-specific sanctions regime run by a government."""

    class Meta:
        model = SanctionsRegime

    id = factory.Sequence(lambda n: f"sanctions-regime-{n}")
    kind = Instrument.Kind.SANCTIONS_REGIME
    title = factory.Sequence(lambda n: f"Sanctions regime {n}")
    adopted_by = factory.SubFactory(OrganisationFactory, kind=Actor.Kind.GOVERNMENT)
    scope = Instrument.Scope.COUNTRY
    target_country = "KP"


class FundingProgrammeFactory(InstrumentFactory):
    """A funder's grant programme."""

    class Meta:
        model = FundingProgramme

    id = factory.Sequence(lambda n: f"funding-programme-{n}")
    kind = Instrument.Kind.FUNDING_PROGRAMME
    title = factory.Sequence(lambda n: f"Funding programme {n}")
    adopted_by = factory.SubFactory(OrganisationFactory, kind=Actor.Kind.AGENCY)


class InstrumentProvisionFactory(DjangoModelFactory):
    """An operative paragraph of an instrument."""

    class Meta:
        model = InstrumentProvision

    instrument = factory.SubFactory(ResolutionFactory)
    label = factory.Sequence(lambda n: f"paragraph {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


# --- events and recommendations --------------------------------------------------------------


class EventFactory(CitedRecordFactory):
    """A workshop on a known day."""

    class Meta:
        model = Event

    id = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Workshop {n}")
    kind = Event.Kind.WORKSHOP
    start = datetime.date(2021, 7, 19)
    start_precision = DatePrecision.DAY


class EventParticipantFactory(DjangoModelFactory):
    """An organisation taking part in an event."""

    class Meta:
        model = EventParticipant

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(OrganisationFactory)
    role = EventParticipant.Role.PARTICIPANT


class RecommendationFactory(CitedRecordFactory):
    """A recommendation by a person (an author) to nobody in particular."""

    class Meta:
        model = Recommendation

    id = factory.Sequence(lambda n: f"recommendation-{n}")
    title = factory.Sequence(lambda n: f"Recommendation {n}")
    text = factory.LazyAttribute(lambda o: f"{o.title}, as the source words it.")
    theme = Recommendation.Theme.OTHER
    recommended_by = factory.SubFactory(PersonFactory)


# --- mechanisms ------------------------------------------------------------------------------


class MechanismFactory(CitedRecordFactory):
    """A country-mandate special procedure."""

    class Meta:
        model = Mechanism

    id = factory.Sequence(lambda n: f"mechanism-{n}")
    name = factory.Sequence(lambda n: f"Special Rapporteur number {n}")
    kind = Mechanism.Kind.SPECIAL_PROCEDURE
    country = "KP"


class MechanismFunctionFactory(DjangoModelFactory):
    """A mandated function; successive ones cycle through the choices, so a handful made for
    one mechanism do not collide."""

    class Meta:
        model = MechanismFunction

    mechanism = factory.SubFactory(MechanismFactory)
    function = factory.Iterator(MechanismFunction.Function.values)


class ReportFactory(CitedRecordFactory):
    """A document of kind "other" (use the `state_party` trait for a treaty report)."""

    class Meta:
        model = Report

    class Params:
        state_party = factory.Trait(
            kind=Report.Kind.STATE_PARTY_REPORT,
            treaty=factory.SubFactory(TreatyFactory),
            reporting_cycle=2,
        )

    id = factory.Sequence(lambda n: f"report-{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    kind = Report.Kind.OTHER
    author = factory.SubFactory(OrganisationFactory, kind=Actor.Kind.UN_OFFICE)


class ConcernFactory(DjangoModelFactory):
    """That a report concerns an instrument; pass another link (`legislation=…`) to name a
    record of another kind instead (a concern names one record)."""

    class Meta:
        model = Concern

    report = factory.SubFactory(ReportFactory)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if not any(kwargs.get(name) is not None for name in CONCERN_TARGETS):
            kwargs["instrument"] = InstrumentFactory()
        return kwargs


# --- sanctions -------------------------------------------------------------------------------


class DesignationRoundFactory(CitedRecordFactory):
    """A round of designations by the regime's own authority."""

    class Meta:
        model = DesignationRound

    id = factory.Sequence(lambda n: f"designation-round-{n}")
    regime = factory.SubFactory(SanctionsRegimeFactory)
    authority = factory.SelfAttribute("regime.adopted_by")
    title = factory.Sequence(lambda n: f"Designation round {n}")


class DesignationFactory(CitedRecordFactory):
    """A person listed on a known day by the regime's own authority."""

    class Meta:
        model = Designation

    id = factory.Sequence(lambda n: f"designation-{n}")
    regime = factory.SubFactory(SanctionsRegimeFactory)
    authority = factory.SelfAttribute("regime.adopted_by")
    target = factory.SubFactory(PersonFactory)
    listed = datetime.date(2021, 3, 22)
    listed_precision = DatePrecision.DAY


class DesignationMeasureFactory(DjangoModelFactory):
    """A measure of a designation; successive ones cycle through the choices."""

    class Meta:
        model = DesignationMeasure

    designation = factory.SubFactory(DesignationFactory)
    measure = factory.Iterator(DesignationMeasure.Measure.values)


# --- grants ----------------------------------------------------------------------------------


class FundingPriorityFactory(CitedRecordFactory):
    """A numbered priority of a programme."""

    class Meta:
        model = FundingPriority

    id = factory.Sequence(lambda n: f"funding-priority-{n}")
    programme = factory.SubFactory(FundingProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Priority {n + 1}")


class AwardFactory(CitedRecordFactory):
    """A grant in US dollars to an NGO."""

    class Meta:
        model = Award

    id = factory.Sequence(lambda n: f"award-{n}")
    programme = factory.SubFactory(FundingProgrammeFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    amount = Decimal("250000.00")
    currency = "USD"

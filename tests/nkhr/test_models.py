"""The shared core's models, through the real database: constraints, public ids, derived
keys, natural keys, citations and timestamps."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nkhr.dates import PartialDate
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    CitedRecord,
    Event,
    EventParticipant,
    Instrument,
    InstrumentProvision,
    Legislation,
    LegislationRelation,
    LegislationSection,
    LegislativeAction,
    PositionHeld,
    Source,
    Sponsorship,
)
from nkhr.models.base import PUBLIC_ID_MAX_LENGTH
from nkhr.text import name_key
from tests import factories

pytestmark = pytest.mark.django_db

JUNE_15 = datetime.date(2015, 6, 15)
JUNE_1 = datetime.date(2015, 6, 1)


# --- every factory makes a valid, cited record ------------------------------------------------


@pytest.mark.parametrize(
    "factory",
    [
        factories.SourceFactory,
        factories.CitationFactory,
        factories.ActorFactory,
        factories.PersonFactory,
        factories.OrganisationFactory,
        factories.PositionFactory,
        factories.AliasFactory,
        factories.PositionHeldFactory,
        factories.LegislationFactory,
        factories.SponsorshipFactory,
        factories.LegislativeActionFactory,
        factories.LegislationSectionFactory,
        factories.LegislationRelationFactory,
        factories.InstrumentFactory,
        factories.InstrumentProvisionFactory,
        factories.EventFactory,
        factories.EventParticipantFactory,
        factories.RecommendationFactory,
    ],
)
def test_factory_makes_a_valid_record(factory):
    record = factory()
    record.full_clean()
    if isinstance(record, CitedRecord):
        assert record.citations.count() == 1


def test_cited_false_leaves_a_record_uncited():
    assert factories.ActorFactory(cited=False).citations.count() == 0


def test_citation_options_reach_the_citation():
    paper = factories.SourceFactory(kind=Source.Kind.PAPER)
    actor = factories.ActorFactory(cited__source=paper, cited__section="2.b.(1)")
    citation = actor.citations.get()
    assert (citation.source, citation.section) == (paper, "2.b.(1)")


# --- partial dates -----------------------------------------------------------------------------


def test_month_stored_on_a_day_other_than_the_first_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActorFactory(established=JUNE_15, established_precision="month")


def test_month_stored_on_a_day_other_than_the_first_is_refused_by_full_clean():
    actor = factories.ActorFactory.build(established=JUNE_15, established_precision="month")
    with pytest.raises(ValidationError, match="first day"):
        actor.full_clean()


def test_year_stored_on_a_day_other_than_1_january_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActorFactory(established=JUNE_1, established_precision="year")


def test_precision_without_a_date_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActorFactory(established=None, established_precision="year")
    actor = factories.ActorFactory.build(established=None, established_precision="year")
    with pytest.raises(ValidationError, match="needs a precision"):
        actor.full_clean()


def test_date_without_a_precision_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ActorFactory(established=JUNE_1, established_precision="")


@pytest.mark.parametrize(
    ("stored", "precision", "written"),
    [
        (datetime.date(2015, 6, 1), "month", "2015-06"),
        (datetime.date(2016, 1, 1), "year", "2016"),
        (datetime.date(2021, 7, 19), "day", "2021-07-19"),
    ],
)
def test_honest_partial_dates_are_stored_and_read_back_as_written(stored, precision, written):
    actor = factories.ActorFactory(established=stored, established_precision=precision)
    actor.full_clean()
    actor.refresh_from_db()
    assert actor.partial_date("established") == PartialDate.parse(written)
    assert str(actor.partial_date("established")) == written


def test_partial_date_of_an_unknown_date_is_none():
    assert factories.ActorFactory().partial_date("established") is None


# --- date order --------------------------------------------------------------------------------

DAY = "day"


@pytest.mark.parametrize(
    ("factory", "start", "end"),
    [
        (factories.ActorFactory, "established", "dissolved"),
        (factories.PositionHeldFactory, "start", "end"),
        (factories.InstrumentFactory, "adopted", "ended"),
        (factories.EventFactory, "start", "end"),
    ],
)
def test_end_before_start_is_refused(factory, start, end):
    later, earlier = datetime.date(2021, 7, 19), datetime.date(2021, 7, 18)
    dates = {start: later, f"{start}_precision": DAY, end: earlier, f"{end}_precision": DAY}
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**dates)
    # Same day is fine: a one-day event starts and ends on it.
    factory(**{**dates, end: later})


def test_end_before_start_is_refused_by_full_clean():
    event = factories.EventFactory()
    event.end, event.end_precision = event.start - datetime.timedelta(days=1), DAY
    with pytest.raises(ValidationError, match="end date comes before"):
        event.full_clean()


# --- uniqueness --------------------------------------------------------------------------------


def test_an_actor_has_an_alias_only_once_per_language():
    alias = factories.AliasFactory(name="Jong Kyong-thaek", language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AliasFactory(actor=alias.actor, name="Jong Kyong-thaek", language="en")
    duplicate = factories.AliasFactory.build(actor=alias.actor, name=alias.name, language="en")
    with pytest.raises(ValidationError, match="already has this alias"):
        duplicate.full_clean()
    # The same name in another language, or for another actor, is another alias.
    factories.AliasFactory(actor=alias.actor, name="Jong Kyong-thaek", language="fr")
    factories.AliasFactory(name="Jong Kyong-thaek", language="en")


def test_bill_numbers_collide_when_they_differ_only_in_punctuation_and_spacing():
    bill = {"jurisdiction": "US", "session": "114th Congress"}
    factories.LegislationFactory(**bill, bill_number="H.R. 757")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.LegislationFactory(**bill, bill_number="H.R.757")


def test_bill_number_collision_is_reported_by_full_clean_once_keys_are_derived():
    bill = {"jurisdiction": "US", "session": "114th Congress"}
    factories.LegislationFactory(**bill, bill_number="H.R. 757")
    duplicate = factories.LegislationFactory.build(**bill, bill_number="hr 757")
    # The key is derived on save; full_clean() alone sees an empty key (see the report).
    duplicate.refresh_derived()
    with pytest.raises(ValidationError, match="already exists in this jurisdiction"):
        duplicate.full_clean()


def test_a_bill_number_may_recur_in_another_session_or_jurisdiction():
    factories.LegislationFactory(jurisdiction="US", session="114th Congress", bill_number="S. 1")
    factories.LegislationFactory(jurisdiction="US", session="117th Congress", bill_number="S. 1")
    factories.LegislationFactory(jurisdiction="GB", session="114th Congress", bill_number="S. 1")
    assert Legislation.objects.filter(bill_number_key="s1").count() == 3


def test_legislation_without_a_bill_number_never_collides():
    for _ in range(2):
        factories.LegislationFactory(jurisdiction="KR", session="", bill_number="")
    assert Legislation.objects.filter(jurisdiction="KR").count() == 2


def test_a_record_cites_one_place_in_a_source_once():
    actor = factories.ActorFactory(cited=False)
    source = factories.SourceFactory()
    factories.CitationFactory(record=actor, source=source, section="2.b.(1)", footnote="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CitationFactory(record=actor, source=source, section="2.b.(1)", footnote="1")
    duplicate = factories.CitationFactory.build(
        record=actor, source=source, section="2.b.(1)", footnote="1"
    )
    with pytest.raises(ValidationError, match="already cites this place"):
        duplicate.full_clean()
    # Another footnote of the same section is another place.
    factories.CitationFactory(record=actor, source=source, section="2.b.(1)", footnote="2")


def test_citation_locator_reads_as_one_line():
    citation = factories.CitationFactory.build(section="2.b.(1)", footnote="1", page="")
    assert citation.locator == "section 2.b.(1), footnote 1"


def test_a_bill_has_one_primary_sponsor():
    sponsorship = factories.SponsorshipFactory(role=Sponsorship.Role.SPONSOR)
    bill = sponsorship.legislation
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SponsorshipFactory(legislation=bill, role=Sponsorship.Role.SPONSOR)
    second = factories.SponsorshipFactory.build(
        legislation=bill, actor=factories.PersonFactory(), role=Sponsorship.Role.SPONSOR
    )
    with pytest.raises(ValidationError, match="one primary sponsor"):
        second.full_clean()
    # Cosponsors are as many as there are.
    factories.SponsorshipFactory.create_batch(3, legislation=bill)
    assert bill.sponsorships.count() == 4


def test_an_actor_sponsors_a_bill_once():
    sponsorship = factories.SponsorshipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.SponsorshipFactory(
            legislation=sponsorship.legislation, actor=sponsorship.actor, role="sponsor"
        )


# --- actors: hierarchy, vacancy, positions held --------------------------------------------------


def test_the_database_refuses_an_actor_that_is_its_own_parent():
    actor = factories.OrganisationFactory()
    # Update bypasses save(), so this is the check constraint speaking.
    with pytest.raises(IntegrityError), transaction.atomic():
        Actor.objects.filter(pk=actor.pk).update(parent=actor.pk)


def test_saving_an_actor_as_its_own_parent_is_refused():
    actor = factories.OrganisationFactory()
    actor.parent = actor
    with pytest.raises(ValidationError):
        actor.save()


def test_a_longer_parent_cycle_is_refused_on_save_and_by_full_clean():
    ministry = factories.OrganisationFactory(kind=Actor.Kind.MINISTRY)
    bureau = factories.OrganisationFactory(kind=Actor.Kind.DEPARTMENT, parent=ministry)
    office = factories.OrganisationFactory(kind=Actor.Kind.DEPARTMENT, parent=bureau)
    ministry.parent = office
    with pytest.raises(ValidationError) as refused:
        ministry.full_clean()
    assert "parent" in refused.value.message_dict
    with pytest.raises(ValidationError):
        ministry.save()
    ministry.refresh_from_db()
    assert ministry.parent is None


def test_a_hierarchy_without_a_cycle_is_saved():
    ministry = factories.OrganisationFactory(kind=Actor.Kind.MINISTRY)
    bureau = factories.OrganisationFactory(kind=Actor.Kind.DEPARTMENT, parent=ministry)
    bureau.full_clean()
    assert list(ministry.children.all()) == [bureau]


def test_only_a_position_can_be_vacant():
    factories.PositionFactory(vacant=True).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(vacant=True)
    with pytest.raises(ValidationError, match="Only a position"):
        factories.OrganisationFactory.build(vacant=True).full_clean()


def test_position_held_needs_a_person_and_a_position():
    organisation = factories.OrganisationFactory()
    held = factories.PositionHeldFactory.build(
        person=organisation, position=factories.OrganisationFactory()
    )
    with pytest.raises(ValidationError) as refused:
        held.full_clean()
    assert set(refused.value.message_dict) >= {"person", "position"}


# --- instruments --------------------------------------------------------------------------------


def test_only_a_sanctions_regime_has_a_scope():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.InstrumentFactory(kind=Instrument.Kind.POLICY, scope=Instrument.Scope.GLOBAL)
    instrument = factories.InstrumentFactory.build(scope=Instrument.Scope.COUNTRY)
    with pytest.raises(ValidationError, match="Only a sanctions regime"):
        instrument.full_clean()
    factories.InstrumentFactory(
        kind=Instrument.Kind.SANCTIONS_REGIME, scope=Instrument.Scope.GLOBAL
    ).full_clean()


def test_an_instrument_is_not_its_own_legal_basis():
    instrument = factories.InstrumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Instrument.objects.filter(pk=instrument.pk).update(based_on=instrument.pk)


# --- public ids ---------------------------------------------------------------------------------


def test_public_id_is_made_from_the_name_and_made_unique():
    name = "Special Envoy for North Korean Human Rights Issues"
    ids = [factories.PositionFactory(id=None, name=name).pk for _ in range(3)]
    slug = "special-envoy-for-north-korean-human-rights-issues"
    assert ids == [slug, f"{slug}-2", f"{slug}-3"]


def test_public_id_of_a_long_name_fits_the_column():
    longest_name = ("Committee " * 30).strip()  # 299 of the 300 characters a name may have
    actor = factories.ActorFactory(id=None, name=longest_name)
    again = factories.ActorFactory(id=None, name=longest_name)
    assert len(actor.pk) <= PUBLIC_ID_MAX_LENGTH
    assert again.pk == f"{actor.pk}-2"


def test_public_id_is_made_from_the_title_where_a_model_has_no_name():
    source = factories.SourceFactory(id=None, title="The International Community's Approach")
    assert source.pk == "the-international-communitys-approach"


def test_a_hangul_only_name_gets_a_generated_id():
    actor = factories.ActorFactory(id=None, name="통일연구원")
    assert re.fullmatch(r"actor-[0-9a-f]{12}", actor.pk)
    assert factories.ActorFactory(id=None, name="통일연구원").pk != actor.pk


def test_public_id_survives_a_rename():
    actor = factories.OrganisationFactory(id=None, name="Ministry of Unification")
    actor.name = "Ministry of Unification (Republic of Korea)"
    actor.save()
    actor.refresh_from_db()
    assert actor.pk == "ministry-of-unification"
    assert Actor.objects.count() == 1


def test_a_given_public_id_is_kept():
    assert factories.ActorFactory(id="kinu", name="Korea Institute").pk == "kinu"


# --- derived keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "values", "key_field", "expected"),
    [
        (factories.ActorFactory, {"name": "Jŏng Kyŏng T'aek"}, "name_key", "jonkyonktaek"),
        (factories.AliasFactory, {"name": "Ri Yong-gil"}, "name_key", name_key("Ri Yong Gil")),
        (factories.SourceFactory, {"symbol": "A/RES/72/188"}, "symbol_key", "ares72188"),
        (factories.LegislationFactory, {"bill_number": "H. R. 757"}, "bill_number_key", "hr757"),
        (factories.InstrumentFactory, {"symbol": "A/HRC/RES/46/17"}, "symbol_key", "ahrcres4617"),
        (
            factories.InstrumentFactory,
            {"title": "North Korean Human Rights Act", "short_title": "NKHRA"},
            "title_key",
            name_key("NKHRA"),  # the short title, when there is one
        ),
        (
            factories.EventFactory,
            {"title": "Seoul Workshop"},
            "title_key",
            name_key("Seoul Workshop"),
        ),
    ],
)
def test_search_keys_are_derived_on_save(factory, values, key_field, expected):
    record = factory(**values)
    record.refresh_from_db()
    assert getattr(record, key_field) == expected


def test_search_keys_follow_a_changed_name():
    actor = factories.PersonFactory(name="Chong Gyong Thaek")
    actor.name = "Kim Jong Un"
    actor.save()
    actor.refresh_from_db()
    assert actor.name_key == name_key("Kim Jong Un")


def test_alias_script_is_detected_unless_given():
    assert factories.AliasFactory(name="정경택", language="ko").script == "Hang"
    assert factories.AliasFactory(name="Jong Kyong-thaek").script == "Latn"
    assert factories.AliasFactory(name="Chong", script="Zyyy").script == "Zyyy"


def test_a_raw_save_derives_keys_and_keeps_the_fixture_timestamps():
    stamped = datetime.datetime(2022, 6, 9, tzinfo=datetime.UTC)
    actor = Actor(
        id="jong-kyong-thaek",
        name="Jŏng Kyŏng T'aek",
        kind=Actor.Kind.PERSON,
        created=stamped,
        updated=stamped,
    )
    # What loaddata does: no save(), only pre_save/post_save with raw=True.
    actor.save_base(raw=True)
    alias = Alias(actor=actor, name="정경택", language="ko", created=stamped, updated=stamped)
    alias.save_base(raw=True)
    bill = factories.LegislationFactory.build(id="us-hr-757", bill_number="H.R. 757")
    bill.save_base(raw=True)

    actor = Actor.objects.get(pk="jong-kyong-thaek")
    assert actor.name_key == name_key("Chong Gyong Thaek")
    assert (actor.created, actor.updated) == (stamped, stamped)
    assert Alias.objects.get(pk=alias.pk).script == "Hang"
    assert Legislation.objects.get(pk="us-hr-757").bill_number_key == "hr757"


# --- natural keys -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Alias, factories.AliasFactory),
        (Sponsorship, factories.SponsorshipFactory),
        (LegislativeAction, factories.LegislativeActionFactory),
        (LegislationSection, factories.LegislationSectionFactory),
        (LegislationRelation, factories.LegislationRelationFactory),
        (InstrumentProvision, factories.InstrumentProvisionFactory),
        (EventParticipant, factories.EventParticipantFactory),
    ],
)
def test_natural_key_of_a_row_finds_the_same_row(model, factory):
    row = factory()
    factory()  # a neighbour the lookup must not find instead
    assert model.objects.get_by_natural_key(*row.natural_key()) == row


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Actor, factories.ActorFactory),
        (Source, factories.SourceFactory),
        (PositionHeld, factories.PositionHeldFactory),
        (Legislation, factories.LegislationFactory),
        (Instrument, factories.InstrumentFactory),
        (Event, factories.EventFactory),
    ],
)
def test_natural_key_of_a_record_is_its_public_id(model, factory):
    record = factory()
    assert record.natural_key() == (record.pk,)
    assert model.objects.get_by_natural_key(*record.natural_key()) == record


def test_natural_key_of_a_citation_finds_the_same_citation():
    actor = factories.ActorFactory(cited__section="2.b.(1)", cited__paragraph="3")
    factories.CitationFactory(record=actor, source=actor.citations.get().source, page="7")
    citation = actor.citations.get(section="2.b.(1)")
    key = citation.natural_key()
    assert key[:3] == ("nkhr", "actor", actor.pk)
    assert Citation.objects.get_by_natural_key(*key) == citation


# --- citations follow their record ------------------------------------------------------------


def test_deleting_a_record_deletes_its_citations():
    actor = factories.ActorFactory()
    kept = factories.ActorFactory()
    factories.CitationFactory(record=actor)
    assert Citation.objects.count() == 3
    actor.delete()
    assert list(Citation.objects.all()) == list(kept.citations.all())


def test_a_cited_source_cannot_be_deleted():
    source = factories.ActorFactory().citations.get().source
    with pytest.raises(IntegrityError), transaction.atomic():
        # PROTECT raises ProtectedError, a subclass of IntegrityError.
        source.delete()


# --- timestamps ---------------------------------------------------------------------------------


def test_updated_moves_on_save_and_created_does_not():
    actor = factories.ActorFactory()
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Actor.objects.filter(pk=actor.pk).update(created=long_ago, updated=long_ago)
    actor.refresh_from_db()
    actor.description = "Edited."
    actor.save()
    actor.refresh_from_db()
    assert actor.updated > long_ago + datetime.timedelta(days=29)
    assert actor.created == long_ago

"""Sanctions regimes (a proxy of `nkhr.Instrument`), designation rounds and designations."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nkhr.models import Instrument
from sanctions.models import Designation, DesignationMeasure, DesignationRound, SanctionsRegime
from tests import factories

pytestmark = pytest.mark.django_db

MARCH_22 = datetime.date(2021, 3, 22)


@pytest.mark.parametrize(
    "factory",
    [
        factories.SanctionsRegimeFactory,
        factories.DesignationRoundFactory,
        factories.DesignationFactory,
        factories.DesignationMeasureFactory,
    ],
)
def test_factory_makes_a_valid_record(factory):
    record = factory()
    record.full_clean()
    if not isinstance(record, DesignationMeasure):
        assert record.citations.count() == 1


def test_designation_factory_uses_the_regimes_authority():
    designation = factories.DesignationFactory()
    assert designation.authority == designation.regime.adopted_by


# --- the regime proxy --------------------------------------------------------------------------


def test_a_regime_sets_its_kind_on_save():
    regime = SanctionsRegime.objects.create(
        title="Global Human Rights Sanctions Regulations 2020", scope=Instrument.Scope.GLOBAL
    )
    assert regime.pk == "global-human-rights-sanctions-regulations-2020"
    assert Instrument.objects.get(pk=regime.pk).kind == Instrument.Kind.SANCTIONS_REGIME


def test_regime_manager_shows_only_regimes():
    regime = factories.SanctionsRegimeFactory()
    factories.ResolutionFactory()
    factories.FundingProgrammeFactory()
    assert list(SanctionsRegime.objects.all()) == [regime]
    assert Instrument.objects.count() == 3


@pytest.mark.parametrize("scope", [Instrument.Scope.COUNTRY, Instrument.Scope.GLOBAL, ""])
def test_a_regime_may_have_a_scope(scope):
    factories.SanctionsRegimeFactory(scope=scope).full_clean()


# --- designations ------------------------------------------------------------------------------


def test_a_target_is_listed_under_a_regime_once_per_listing_date():
    designation = factories.DesignationFactory(listed=MARCH_22)
    same_listing = {"regime": designation.regime, "target": designation.target, "listed": MARCH_22}
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DesignationFactory(**same_listing)
    duplicate = factories.DesignationFactory.build(**same_listing, authority=designation.authority)
    with pytest.raises(ValidationError, match="already listed under this regime"):
        duplicate.full_clean()


def test_a_target_may_be_listed_again_later_or_under_another_regime():
    designation = factories.DesignationFactory(listed=MARCH_22)
    factories.DesignationFactory(
        regime=designation.regime, target=designation.target, listed=datetime.date(2022, 3, 22)
    )
    factories.DesignationFactory(target=designation.target, listed=MARCH_22)
    assert designation.target.designations.count() == 3


def test_an_authority_cannot_designate_itself():
    regime = factories.SanctionsRegimeFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DesignationFactory(regime=regime, target=regime.adopted_by)


def test_delisting_before_listing_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DesignationFactory(
            listed=MARCH_22, delisted=datetime.date(2021, 3, 21), delisted_precision="day"
        )


def test_a_listing_known_to_the_month_is_stored_on_the_first():
    factories.DesignationFactory(listed=datetime.date(2021, 3, 1), listed_precision="month")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DesignationFactory(listed=MARCH_22, listed_precision="month")


def test_designation_public_id_is_made_from_regime_and_target():
    designation = factories.DesignationFactory(id=None)
    assert designation.pk == f"{designation.regime_id}-{designation.target_id}"
    again = factories.DesignationFactory(
        id=None,
        regime=designation.regime,
        target=designation.target,
        listed=datetime.date(2022, 3, 22),
    )
    assert again.pk == f"{designation.pk}-2"


def test_measures_follow_their_designation():
    designation = factories.DesignationFactory()
    first, second = factories.DesignationMeasureFactory.create_batch(2, designation=designation)
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationMeasure.objects.create(designation=designation, measure=first.measure)
    assert DesignationMeasure.objects.get_by_natural_key(*second.natural_key()) == second
    designation.delete()
    assert not DesignationMeasure.objects.exists()


# --- rounds ------------------------------------------------------------------------------------


def test_a_round_cannot_be_part_of_itself():
    designation_round = factories.DesignationRoundFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationRound.objects.filter(pk=designation_round.pk).update(parent=designation_round.pk)


def test_rounds_group_into_a_parent_round():
    group = factories.DesignationRoundFactory(reported_persons=14, reported_entities=3)
    occasion = factories.DesignationRoundFactory(regime=group.regime, parent=group)
    occasion.full_clean()
    designation = factories.DesignationFactory(regime=group.regime, round=occasion)
    assert list(group.occasions.all()) == [occasion]
    assert Designation.objects.get_by_natural_key(designation.pk) == designation

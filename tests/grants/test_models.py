"""Funding programmes (a proxy of `nkhr.Instrument`), their priorities and awards."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants.models import Award, FundingPriority, FundingProgramme
from nkhr.models import Citation, Instrument
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [factories.FundingProgrammeFactory, factories.FundingPriorityFactory, factories.AwardFactory],
)
def test_factory_makes_a_valid_cited_record(factory):
    record = factory()
    record.full_clean()
    assert record.citations.count() == 1


# --- the programme proxy -----------------------------------------------------------------------


def test_a_programme_sets_its_kind_on_save():
    programme = FundingProgramme.objects.create(title="North Korea Human Rights Program")
    assert Instrument.objects.get(pk=programme.pk).kind == Instrument.Kind.FUNDING_PROGRAMME


def test_programme_manager_shows_only_programmes():
    programme = factories.FundingProgrammeFactory()
    factories.SanctionsRegimeFactory()
    assert list(FundingProgramme.objects.all()) == [programme]


def test_a_programme_has_no_scope():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.FundingProgrammeFactory(scope=Instrument.Scope.COUNTRY)


# --- priorities --------------------------------------------------------------------------------


def test_a_programme_numbers_each_priority_once():
    priority = factories.FundingPriorityFactory(number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.FundingPriorityFactory(programme=priority.programme, number=1)
    duplicate = factories.FundingPriorityFactory.build(programme=priority.programme, number=1)
    with pytest.raises(ValidationError, match="already has a priority with this number"):
        duplicate.full_clean()
    # Another programme has its own first priority.
    factories.FundingPriorityFactory(number=1)


def test_priority_public_id_is_made_from_programme_and_number():
    programme = factories.FundingProgrammeFactory(id="drl-nkhr-2021")
    priority = factories.FundingPriorityFactory(id=None, programme=programme, number=3)
    assert priority.pk == "drl-nkhr-2021-priority-3"
    assert FundingPriority.objects.get_by_natural_key(priority.pk) == priority


def test_deleting_a_programme_deletes_its_priorities_and_their_citations():
    priority = factories.FundingPriorityFactory()
    programme = priority.programme
    programme.delete()
    assert not FundingPriority.objects.exists()
    assert not Citation.objects.filter(object_id__in=[priority.pk, programme.pk]).exists()


# --- awards ------------------------------------------------------------------------------------


def test_an_amount_needs_its_currency():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AwardFactory(amount=Decimal("100000.00"), currency="")
    award = factories.AwardFactory.build(
        amount=Decimal("100000.00"),
        currency="",
        programme=factories.FundingProgrammeFactory(),
        recipient=factories.OrganisationFactory(),
    )
    with pytest.raises(ValidationError, match="needs its currency"):
        award.full_clean()


def test_an_award_of_unknown_amount_needs_no_currency():
    factories.AwardFactory(amount=None, currency="").full_clean()


def test_an_amount_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AwardFactory(amount=Decimal("-1.00"))


def test_award_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.AwardFactory(
            period_start=datetime.date(2022, 1, 1),
            period_start_precision="year",
            period_end=datetime.date(2021, 12, 1),
            period_end_precision="month",
        )


def test_award_amount_is_stored_exactly():
    award = factories.AwardFactory(amount=Decimal("1234567.89"), currency="USD")
    assert Award.objects.get(pk=award.pk).amount == Decimal("1234567.89")

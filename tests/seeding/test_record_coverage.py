"""Every record type is seeded by `seeding.synthetic`, so a new one cannot be left out of
the benchmarks unnoticed: its test fails with the model's name until the seeder writes it,
or until it is listed in `NOT_SEEDED` with the reason."""

import pytest
from django.apps import apps

from grants.models import Award, FundingPriority
from mechanisms.models import Mechanism
from nkhr.models import Recommendation
from nkhr.models.base import PublicRecord
from seeding import synthetic

# Record types the seeder does not write yet, and why. Seeding one removes it from here
# (`test_not_seeded_lists_only_models_the_seeder_leaves_out` says so).
NOT_SEEDED = {
    Recommendation: "not yet timed by the benchmarks",
    Mechanism: "not yet timed by the benchmarks",
    FundingPriority: "not yet timed by the benchmarks",
    Award: "not yet timed by the benchmarks",
}


def record_models() -> list:
    """Every concrete record model (a proxy shares its concrete model's table and rows)."""
    # Broader than the registry's types: cited rows (awards, priorities) are records too.
    return [m for m in apps.get_models() if issubclass(m, PublicRecord) and not m._meta.proxy]


def synthetic_rows(model) -> bool:
    return model._base_manager.filter(pk__startswith=synthetic.PREFIX).exists()


def test_the_record_models_are_found():
    models = record_models()
    assert len(models) >= 10
    assert {Recommendation, Mechanism, Award} <= set(models)
    assert not any(m._meta.proxy or m._meta.abstract for m in models)


@pytest.mark.django_db
def test_every_record_model_is_seeded_and_removed():
    synthetic.seed(20)
    expected = [m for m in record_models() if m not in NOT_SEEDED]

    unseeded = [m._meta.label for m in expected if not synthetic_rows(m)]
    assert not unseeded, f"no synthetic rows of {unseeded}: seed them or list them in NOT_SEEDED"
    unremoved = [m._meta.label for m in expected if m not in synthetic.WRITTEN]
    assert not unremoved, f"synthetic.remove() leaves the rows of {unremoved}"
    seeded_now = [m._meta.label for m in NOT_SEEDED if synthetic_rows(m)]
    assert not seeded_now, f"{seeded_now} are seeded now: take them out of NOT_SEEDED"
    assert set(NOT_SEEDED) <= set(record_models())

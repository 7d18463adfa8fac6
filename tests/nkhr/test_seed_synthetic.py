"""`manage.py seed_synthetic`: deterministic, complete, published, searchable, replaceable."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Count

from mechanisms.models import Report
from nkhr import synthetic
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    Instrument,
    Legislation,
    PositionHeld,
    Publication,
    Source,
)
from nkhr.text import name_key
from sanctions.models import Designation, DesignationRound
from tests import factories

SCALE = 60
RECORD_MODELS = [
    Source,
    Actor,
    PositionHeld,
    Instrument,
    DesignationRound,
    Designation,
    Legislation,
    Report,
    Event,
]


def seed(scale=SCALE, seed=1, *extra) -> str:
    out = io.StringIO()
    call_command("seed_synthetic", "--scale", str(scale), "--seed", str(seed), *extra, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every synthetic row of every record model and of aliases, as plain values."""
    rows = {
        model._meta.label: list(
            model._base_manager.filter(pk__startswith=synthetic.PREFIX).order_by("pk").values()
        )
        for model in RECORD_MODELS
    }
    rows["aliases"] = list(
        Alias.objects.filter(actor_id__in=Actor.objects.filter(pk__startswith=synthetic.PREFIX))
        .order_by("actor_id", "name")
        .values("actor_id", "name", "name_key", "language", "script", "kind")
    )
    return rows


@pytest.mark.django_db
def test_writes_the_planned_counts_and_reports_its_rate():
    output = seed()

    plan = synthetic.Plan(SCALE)
    synthetic_actors = Actor.objects.filter(pk__startswith=synthetic.PREFIX)
    assert synthetic_actors.count() == SCALE
    assert synthetic_actors.filter(kind=Actor.Kind.PERSON).count() == plan.persons == 42
    assert Designation.objects.filter(pk__startswith=synthetic.PREFIX).count() == SCALE
    assert Legislation.objects.filter(pk__startswith=synthetic.PREFIX).count() == SCALE // 10
    assert Report.objects.filter(pk__startswith=synthetic.PREFIX).count() == SCALE // 5
    assert Event.objects.filter(pk__startswith=synthetic.PREFIX).count() == SCALE // 2
    assert Actor.objects.filter(pk="syn-person-000000").exists()
    assert "rows/s" in output


@pytest.mark.django_db
def test_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    seed(seed=7)
    first = snapshot()

    seed(SCALE, 7, "--replace")
    assert snapshot() == first

    seed(SCALE, 8, "--replace")
    assert snapshot()["nkhr.Actor"] != first["nkhr.Actor"]


@pytest.mark.django_db
def test_refuses_to_write_twice_without_replace_and_replace_leaves_other_records():
    paper_actor = factories.ActorFactory()
    seed()

    with pytest.raises(CommandError, match="--replace"):
        seed()

    seed(SCALE // 2, 1, "--replace")
    assert Designation.objects.filter(pk__startswith=synthetic.PREFIX).count() == SCALE // 2
    assert Actor.objects.filter(pk=paper_actor.pk).exists()


@pytest.mark.django_db
def test_every_record_is_published_and_cited_once():
    seed()

    for model in RECORD_MODELS:
        records = model._base_manager.filter(pk__startswith=synthetic.PREFIX)
        assert not records.exclude(publication=Publication.PUBLISHED).exists(), model
        if model is Source:
            continue
        content_type = ContentType.objects.get_for_model(model)
        cited = Citation.objects.filter(
            content_type=content_type, object_id__startswith=synthetic.PREFIX
        )
        assert cited.count() == records.count(), model


@pytest.mark.django_db
def test_actors_have_a_hangul_alias_and_a_romanization_that_folds_to_the_name():
    seed()

    actors = Actor.objects.filter(pk__startswith=synthetic.PREFIX).exclude(
        kind__in=[Actor.Kind.GOVERNMENT, Actor.Kind.POSITION]
    )
    counts = actors.annotate(n=Count("aliases")).values_list("n", flat=True)
    assert set(counts) <= {2, 3}
    hangul = Alias.objects.filter(actor__in=actors, script=Alias.Script.HANGUL)
    assert hangul.count() == actors.count()

    # McCune-Reischauer with its marks is the list spelling's own system, so it must fold to
    # the same key (Revised Romanization does too, except where nkhr.text folds "kg" apart).
    for person in actors.filter(kind=Actor.Kind.PERSON)[:20]:
        marked = person.aliases.filter(language="ko-Latn").order_by("-pk").first()
        assert name_key(marked.name) == person.name_key


@pytest.mark.django_db
def test_some_bodies_have_a_parent_and_bills_have_five_actions(client):
    seed(200)

    assert Actor.objects.filter(pk__startswith="syn-org-", parent__isnull=False).exists()
    bill = Legislation.objects.filter(pk__startswith=synthetic.PREFIX).first()
    assert bill.actions.count() == 5
    response = client.get(f"/api/v1/legislation/{bill.pk}/")
    assert response.status_code == 200
    assert len(response.json()["actions"]) == 5


@pytest.mark.django_db
def test_search_finds_a_person_by_a_romanization_the_data_does_not_store(client):
    seed()
    person = Actor.objects.get(pk="syn-person-000000")
    revised = person.aliases.filter(language="ko-Latn").order_by("pk").first().name
    spelling = revised.replace("-", " ")
    assert not Alias.objects.filter(name=spelling).exists()

    response = client.get("/api/v1/search/", {"q": spelling, "type": "actors"})

    assert response.status_code == 200
    assert person.pk in {hit["id"] for hit in response.json()["results"]}

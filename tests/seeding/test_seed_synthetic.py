"""`manage.py seed_synthetic`: deterministic, complete, published, searchable, replaceable."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count

from mechanisms.models import Report
from nkhr import documents
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    EventParticipant,
    Instrument,
    Legislation,
    LegislativeAction,
    PositionHeld,
    Publication,
    Source,
    Sponsorship,
)
from nkhr.text import name_key
from sanctions.models import Designation, DesignationMeasure, DesignationRound
from seeding import synthetic
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


@pytest.mark.django_db
def test_a_bulk_load_leaves_the_fts_tables_whole_and_searchable(client):
    # On SQLite the FTS5 triggers go during a bulk load and each table is rebuilt at the
    # end: the rows written are found, those already there still are, and what the table
    # holds is what its triggers would have written.
    paper_actor = factories.ActorFactory(name="Paper Person Before Seeding")
    if connection.vendor == "postgresql":
        # The rows just written have their deferred key checks pending, which would keep
        # the bulk load from dropping keys (as a seed in a transaction of its own never has).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    synthetic.seed(SCALE, 1, bulk_load=True)
    person = Actor.objects.get(pk="syn-person-000000")

    for term, expected in ((person.name, person.pk), (paper_actor.name, paper_actor.pk)):
        response = client.get("/api/v1/search/", {"q": term, "type": "actors"})
        assert expected in {hit["id"] for hit in response.json()["results"]}, term
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'"
            )
            for (fts,) in cursor.fetchall():
                # Compares the index with its content table; raises if they differ.
                cursor.execute(
                    f'INSERT INTO "{fts}"("{fts}", rank) VALUES (\'integrity-check\', 1)'
                )


@pytest.mark.django_db
def test_without_documents_for_measurement_the_rows_are_the_same_but_for_them():
    seed(SCALE, 3)
    with_documents = snapshot()
    seed(SCALE, 3, "--replace", "--no-documents")
    without = snapshot()

    for label, rows in without.items():
        for row, documented in zip(rows, with_documents[label], strict=True):
            assert row.get("search_names") is None and row.get("search_keys") is None
            assert {**documented, **dict.fromkeys(documents.DOCUMENT_FIELDS)} == {
                **row,
                **dict.fromkeys(documents.DOCUMENT_FIELDS),
            }


def rows_of(model) -> list[dict]:
    """The model's synthetic rows as stored, without auto-incremented ids (which a sequence
    gives on PostgreSQL even after rows are deleted)."""
    auto = model._meta.auto_field
    names = [f.attname for f in model._meta.concrete_fields if f is not auto]
    return sorted(
        (row for row in model._base_manager.values(*names) if is_synthetic(model, row)),
        key=repr,
    )


def is_synthetic(model, row: dict) -> bool:
    lookup = dict(synthetic.REMOVAL_ORDER)[model]
    value = row.get("id") if lookup == "pk" else row.get(f"{lookup}_id", row.get(lookup))
    return str(value).startswith(synthetic.PREFIX)


@pytest.mark.django_db
def test_two_seeds_write_the_same_rows_in_every_table():
    synthetic.seed(SCALE, 5)
    first = {model: rows_of(model) for model in synthetic.WRITTEN}
    synthetic.remove()
    synthetic.seed(SCALE, 5)

    for model in synthetic.WRITTEN:
        assert rows_of(model) == first[model], model
        assert first[model], model


@pytest.mark.django_db
def test_counts_follow_the_plan():
    progress = synthetic.seed(SCALE)

    plan = synthetic.Plan(SCALE)
    held = len(range(0, plan.persons, 10))  # every tenth person
    records = plan.scale + held + plan.regimes + plan.rounds
    records += plan.scale + plan.bills + plan.reports + plan.events
    expected = {
        Source: synthetic.SOURCES,
        Actor: plan.scale,
        PositionHeld: held,
        Instrument: plan.regimes,
        DesignationRound: plan.rounds,
        Designation: plan.scale,
        Legislation: plan.bills,
        LegislativeAction: 5 * plan.bills,
        Sponsorship: plan.bills,
        Report: plan.reports,
        Event: plan.events,
        EventParticipant: plan.events,
        Citation: records,
    }
    for model, count in expected.items():
        assert progress.counts[model._meta.label] == count, model
        assert len(rows_of(model)) == count, model
    named = plan.persons + plan.bodies
    assert 2 * named <= len(rows_of(Alias)) <= 3 * named
    # An asset freeze for every designation, a travel ban too for a person's.
    measures = DesignationMeasure.objects.filter(designation__pk__startswith=synthetic.PREFIX)
    assert measures.filter(measure=DesignationMeasure.Measure.ASSET_FREEZE).count() == SCALE
    assert measures.filter(measure=DesignationMeasure.Measure.TRAVEL_BAN).count() == (
        Designation.objects.filter(
            pk__startswith=synthetic.PREFIX, target__kind=Actor.Kind.PERSON
        ).count()
    )
    assert progress.rows == sum(progress.counts.values())


@pytest.mark.django_db
def test_derived_columns_are_what_refresh_derived_gives_and_rows_validate():
    synthetic.seed(SCALE)

    for model in synthetic.WRITTEN:
        fields = model._meta.concrete_fields
        objects = [
            obj
            for obj in model._base_manager.order_by("pk")
            if is_synthetic(model, {f.attname: getattr(obj, f.attname) for f in fields})
        ]
        assert objects, model
        for obj in objects:
            stored = {f.attname: getattr(obj, f.attname) for f in fields}
            obj.refresh_derived()
            assert {f.attname: getattr(obj, f.attname) for f in fields} == stored, obj.pk
        for obj in objects[:3]:
            obj.full_clean()


@pytest.mark.django_db
def test_values_with_tabs_line_breaks_and_backslashes_are_written_as_they_are():
    title = "tab\there, line\nbreak, back\\slash, \\N, carriage\rreturn"
    progress = synthetic.SeedProgress()
    progress.insert_rows(
        Source,
        ("id", "title", "kind", "published", "published_precision"),
        [("syn-source-odd", title, Source.Kind.NEWS, None, "")],
        synthetic.RECORD,
    )

    source = Source.objects.get(pk="syn-source-odd")
    assert source.title == title
    assert source.published is None
    assert source.publication == Publication.PUBLISHED
    assert source.publisher == ""
    assert progress.counts == {"nkhr.Source": 1}


def catalog() -> dict:
    """Indexes and constraints of the tables the seed writes, as defined (on SQLite, the
    triggers that keep their FTS5 tables in step too)."""
    tables = [model._meta.db_table for model in synthetic.WRITTEN]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
                f" AND tbl_name IN ({', '.join(['%s'] * len(tables))})",
                tables,
            )
            rows = cursor.fetchall()
            return {
                "indexes": {name: sql for kind, name, sql in rows if kind == "index"},
                "triggers": {name: sql for kind, name, sql in rows if kind == "trigger"},
            }
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = ANY(%s::regclass[])",
            [tables],
        )
        indexes = dict(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = ANY(%s::regclass[])",
            [tables],
        )
        return {"indexes": indexes, "constraints": dict(cursor.fetchall())}


@pytest.mark.django_db
def test_a_bulk_load_puts_back_every_index_and_key_and_writes_the_same_rows():
    before = catalog()
    synthetic.seed(SCALE, 4, bulk_load=True)
    bulk = {model: rows_of(model) for model in synthetic.WRITTEN}

    assert catalog() == before
    assert len(before["indexes"]) > len(synthetic.WRITTEN)
    if connection.vendor == "sqlite":
        assert len(before["triggers"]) > len(synthetic.WRITTEN)
    synthetic.remove()
    synthetic.seed(SCALE, 4, bulk_load=False)
    assert {model: rows_of(model) for model in synthetic.WRITTEN} == bulk


@pytest.mark.django_db
def test_a_failure_midway_leaves_no_synthetic_row_and_the_schema_whole(monkeypatch):
    before = catalog()

    def fail(seeder):
        raise RuntimeError("disk full")

    monkeypatch.setattr(synthetic.Seeder, "events", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        synthetic.seed(SCALE, bulk_load=True)

    assert not synthetic.synthetic_exists()
    assert not Designation.objects.filter(pk__startswith=synthetic.PREFIX).exists()
    assert catalog() == before


@pytest.mark.django_db
def test_remove_deletes_every_synthetic_row_and_nothing_else():
    paper_actor = factories.ActorFactory()
    progress = synthetic.seed(SCALE)

    assert synthetic.synthetic_scale() == SCALE
    assert synthetic.remove() == progress.rows
    assert not synthetic.synthetic_exists()
    for model in synthetic.WRITTEN:
        assert not rows_of(model), model
    assert Actor.objects.filter(pk=paper_actor.pk).exists()


def document_columns() -> dict:
    """Every synthetic documented row's three document columns, as the database holds
    them (JSON as its text)."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for model in documents.documented_models():
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(
                f"SELECT {pk}, CAST(search_names AS TEXT), search_keys, search_keys_hidden"
                f" FROM {table} WHERE {pk} LIKE %s ORDER BY {pk}",
                [f"{synthetic.PREFIX}%"],
            )
            rows[model._meta.label] = {row[0]: row[1:] for row in cursor.fetchall()}
    return rows


@pytest.mark.django_db
def test_seeded_documents_are_what_the_orm_builds():
    synthetic.seed(SCALE)
    seeded = document_columns()

    documents.rebuild_all()

    assert document_columns() == seeded
    for model in (Actor, Designation, Legislation, Report, Event, Instrument, Source):
        assert seeded[model._meta.label], model
        assert all(
            names is not None and keys for names, keys, _ in seeded[model._meta.label].values()
        )
    # A designation goes by its target's names.
    designation = Designation.objects.get(pk="syn-designation-000000")
    assert designation.target.search_keys in designation.search_keys

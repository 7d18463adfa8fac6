"""What makes a bulk import fast (nkhr/import_cache.py, nkhr/imports.py) without changing
what it finds: cells resolved once per import and forgotten when a row changes what they
name, the records a file updates loaded in batches, duplicates found without a query per
row, check constraints left to the database for rows without other errors, and a new
record's rows written in batches."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nkhr.history import Channel
from nkhr.models import Actor, Alias, Citation
from nkhr.resources import ActorResource
from tests import factories
from tests.import_base import row_errors, run_import, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def actor_row(paper, name, **values) -> dict:
    return {"name": name, "kind": "agency", "citation_source": paper.pk, **values}


def test_a_dry_run_costs_a_few_queries_per_row_whatever_the_file_names(editor, paper, settings):
    settings.IMPORT_PAGE_ROWS = 5  # the rows previewed are compared and written one by one
    factories.OrganisationFactory(id="parent-body", name="Parent Body")
    rows = [
        actor_row(
            paper,
            f"Body {number}",
            parent="Parent Body" if number % 2 else "parent-body",
            aliases=json.dumps([f"B{number}", {"name": f"기관 {number}", "language": "ko"}]),
        )
        for number in range(60)
    ]

    with CaptureQueriesContext(connection) as queries:
        result = run_import(ActorResource, rows, editor, dry_run=True)

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    # Per row: its savepoint (two statements), the record's insert and, on PostgreSQL, the
    # hierarchy lock; the parent, the free ids, aliases and citations go in batches or are
    # looked up once. It was about fifty.
    assert len(queries) / len(rows) < 5
    assert not Actor.objects.filter(name__startswith="Body").exists()


def test_a_row_may_name_a_record_or_alias_an_earlier_row_added(editor, paper):
    rows = [
        actor_row(paper, "Top Body", aliases="TB"),
        actor_row(paper, "Part by alias", parent="TB"),
        actor_row(paper, "Part by name", parent="Top Body"),
        actor_row(paper, "Part by id", parent="top-body"),
    ]

    result = run_import(ActorResource, rows, editor)

    assert not result.has_validation_errors(), row_errors(result)
    assert set(Actor.objects.filter(parent="top-body").values_list("name", flat=True)) == {
        "Part by alias",
        "Part by name",
        "Part by id",
    }


def test_an_unknown_name_is_known_once_a_row_adds_it(editor, paper):
    rows = [
        actor_row(paper, "Early part", parent="Later Body"),
        actor_row(paper, "Later Body"),
        actor_row(paper, "Late part", parent="Later Body"),
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    assert row_errors(result) == {1: {"parent": ["unknown actor 'Later Body'"]}}


def test_an_alias_added_by_a_row_makes_a_name_ambiguous_for_later_rows(editor, paper):
    first = factories.OrganisationFactory(id="first", name="First Body")
    factories.AliasFactory(actor=first, name="Shared", language="en")
    rows = [
        actor_row(paper, "Part one", parent="Shared"),
        actor_row(paper, "Second Body", id="second", aliases="Shared"),
        actor_row(paper, "Part two", parent="Shared"),
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    assert row_errors(result) == {3: {"parent": ["ambiguous: 'Shared' matches first, second"]}}


def test_renamed_records_are_found_by_their_new_name_within_the_file(editor, paper):
    factories.OrganisationFactory(id="renamed", name="Old Name")
    rows = [
        {"id": "renamed", "name": "New Name", "kind": "agency"},
        actor_row(paper, "Part", parent="New Name"),
        actor_row(paper, "Old Name"),  # free again: no longer a duplicate
    ]

    result = run_import(ActorResource, rows, editor)

    assert not result.has_validation_errors(), row_errors(result)
    assert Actor.objects.get(name="Part").parent_id == "renamed"
    assert Actor.objects.filter(name="Old Name").exclude(pk="renamed").exists()


def test_duplicates_are_found_among_existing_names_aliases_and_earlier_rows(editor, paper):
    existing = factories.OrganisationFactory(id="mou", name="Ministry of Unification")
    factories.AliasFactory(actor=existing, name="MOU", language="en")
    rows = [
        actor_row(paper, "Ministry of Unification"),
        actor_row(paper, "MOU"),
        actor_row(paper, "New Body", id="new-body"),
        actor_row(paper, "New Body"),
        # The record itself: an update.
        {"id": "mou", "name": "Ministry of Unification", "kind": "ministry"},
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    recorded = ["duplicate: already recorded as 'mou' (give that id to update it)"]
    assert row_errors(result) == {
        1: {"name": recorded},
        2: {"name": recorded},
        4: {"name": ["duplicate: same as row 3 ('new-body')"]},
    }


def test_a_check_constraint_the_database_enforces_is_the_rows_message(editor, paper):
    rows = [
        actor_row(paper, "Fine body"),
        actor_row(paper, "Vacant body", status="vacant"),  # only a position can be vacant
        actor_row(paper, "Fine body two"),
    ]

    for dry_run in (True, False):
        result = run_import(ActorResource, rows, editor, dry_run=dry_run)

        assert row_errors(result) == {2: {"__all__": ["Only a position can be vacant."]}}
        assert not result.has_errors()
        assert not Actor.objects.filter(name__startswith="Fine body").exists()


def test_a_row_with_other_errors_lists_its_check_constraints_too(editor, paper):
    rows = [actor_row(paper, "Vacant body", status="vacant", parent="Nobody Known")]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    assert row_errors(result) == {
        1: {
            "parent": ["unknown actor 'Nobody Known'"],
            "__all__": ["Only a position can be vacant."],
        }
    }


def test_new_records_rows_are_written_in_batches_with_their_versions(editor, paper):
    rows = [
        actor_row(paper, f"Body {number}", aliases=json.dumps([f"B{number}", f"C{number}"]))
        for number in range(30)
    ]

    result = run_import(ActorResource, rows, editor, file_name="bodies.csv")

    assert not result.has_validation_errors(), row_errors(result)
    assert Alias.objects.count() == 60 and Citation.objects.count() == 30
    versions = Alias.history.all()
    assert versions.count() == 60
    assert {(v.history_type, v.history_channel, v.history_user_id) for v in versions} == {
        ("+", Channel.IMPORT, editor.pk)
    }
    assert set(versions.values_list("history_change_reason", flat=True)) == {"import of bodies.csv"}
    assert Citation.history.filter(history_channel=Channel.IMPORT).count() == 30


def test_a_dry_run_keeps_the_first_rows_and_every_error(editor, paper, settings):
    settings.IMPORT_PAGE_ROWS = 3
    rows = [actor_row(paper, f"Body {number}") for number in range(10)]
    rows += [actor_row(paper, f"Bad {number}", established="2020-13") for number in range(5)]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    assert len(result.valid_rows()) == 3
    assert [row.diff is not None for row in result.valid_rows()] == [True, True, True]
    assert result.totals["new"] == 10
    assert sorted(row_errors(result)) == [11, 12, 13, 14, 15]

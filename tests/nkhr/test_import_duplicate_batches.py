"""Every import resource finds a row's duplicates without a query per row: the existing
records a file's rows might repeat (`duplicate_lookup()`) and those its unique constraints
would meet are read in batches before the first row (`nkhr.import_cache.DuplicateIndex`),
and kept up to date as the import writes, so that what it finds is what a query would."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mechanisms.models import Report
from mechanisms.resources import ReportResource
from nkhr.models import Event, Legislation
from nkhr.resources import EventResource, LegislationResource
from sanctions.models import Designation
from sanctions.resources import DesignationResource
from tests import factories
from tests.import_base import row_errors, run_import, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def reports(paper, count, start=0):
    author = factories.OrganisationFactory()
    return [
        {
            "id": f"report-{n}",
            "title": f"Report {n}",
            "kind": "other",
            "author": author.pk,
            "date": "2020",
            "symbol": f"A/HRC/{n}" if n % 2 else "",
            "citation_source": paper.pk,
        }
        for n in range(start, start + count)
    ]


def events(paper, count, start=0):
    return [
        {
            "id": f"event-{n}",
            "title": f"Event {n}",
            "kind": "other",
            "start": "2020-05",
            "citation_source": paper.pk,
        }
        for n in range(start, start + count)
    ]


def bills(paper, count, start=0):
    return [
        {
            "id": f"bill-{n}",
            "title": f"Bill {n}",
            "jurisdiction": "KR",
            "kind": "bill",
            "status": "introduced",
            "bill_number": str(2100000 + n) if n % 2 else "",
            "citation_source": paper.pk,
        }
        for n in range(start, start + count)
    ]


def designations(paper, count, start=0):
    regime = factories.SanctionsRegimeFactory()
    return [
        {
            "id": f"designation-of-{n}",
            "regime": regime.pk,
            "authority": regime.adopted_by_id,
            "target": factories.PersonFactory().pk,
            "listed": "2021-03-22" if n % 2 else "",
            "citation_source": paper.pk,
        }
        for n in range(start, start + count)
    ]


RESOURCES = [
    (ReportResource, Report, reports),
    (EventResource, Event, events),
    (LegislationResource, Legislation, bills),
    (DesignationResource, Designation, designations),
]


def reads_of_table(queries, model) -> list[str]:
    """The queries reading `model`'s table (the records the rows update, duplicates)."""
    table = re.escape(connection.ops.quote_name(model._meta.db_table))
    reading = re.compile(rf"^\s*SELECT\b.*\bFROM {table}", re.DOTALL)
    return [query["sql"] for query in queries.captured_queries if reading.search(query["sql"])]


@pytest.mark.parametrize("resource, model, rows_of", RESOURCES)
def test_a_dry_run_reads_the_table_as_often_for_twice_the_rows(
    editor, paper, settings, resource, model, rows_of
):
    settings.IMPORT_PAGE_ROWS = 0  # no field-by-field preview
    reads = []
    for count in (20, 40):
        rows = rows_of(paper, count, start=1000 * count)
        with CaptureQueriesContext(connection) as queries:
            result = run_import(resource, rows, editor, dry_run=True)
        assert not result.has_errors()
        assert not result.has_validation_errors(), row_errors(result)
        reads.append(reads_of_table(queries, model))
    assert len(reads[0]) == len(reads[1]), reads[1][-3:]
    assert len(reads[0]) <= 4  # the records by id, duplicates, a unique constraint


def all_messages(result) -> list[str]:
    return [m for row in row_errors(result).values() for field in row.values() for m in field]


def test_an_event_repeated_within_the_file_or_of_the_table_is_a_duplicate(editor, paper):
    factories.EventFactory(
        id="stored", title="Event 1", start=datetime.date(2020, 5, 1), start_precision="month"
    )
    rows = events(paper, 2)  # "Event 0" twice below, "Event 1" as stored
    rows.append({**rows[0], "id": "event-0-again"})

    result = run_import(EventResource, rows, editor, dry_run=True)

    assert row_errors(result) == {
        2: {"title": ["duplicate: already recorded as 'stored' (give that id to update it)"]},
        3: {"title": ["duplicate: same as row 1 ('event-0')"]},
    }


def test_unique_constraints_meet_stored_records_and_earlier_rows(editor, paper):
    regime = factories.SanctionsRegimeFactory()
    target = factories.PersonFactory()
    factories.DesignationFactory(id="stored", regime=regime, target=target)
    row = {
        "regime": regime.pk,
        "authority": regime.adopted_by_id,
        "target": target.pk,
        "listed": "2021-03-22",
        "citation_source": paper.pk,
    }
    result = run_import(DesignationResource, [{**row, "id": "again"}], editor, dry_run=True)
    assert len(all_messages(result)) == 1

    # A bill number is unique in its jurisdiction and session; blank ones are not.
    factories.LegislationFactory(
        id="stored-bill", jurisdiction="KR", session="", bill_number="2100001"
    )
    rows = bills(paper, 4)  # bill-1 and bill-3 are numbered, 2100001 and 2100003
    rows.append({**rows[3], "id": "bill-3-again", "title": "Another title"})

    result = run_import(LegislationResource, rows, editor, dry_run=True)

    assert sorted(row_errors(result)) == [2, 5], row_errors(result)
    assert all("bill with this number already exists" in m for m in all_messages(result))

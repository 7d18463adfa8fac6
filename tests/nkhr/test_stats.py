"""`/api/v1/stats/` and nkhr/stats.py: counts of published records for the public, of all
for the staff, cached and renewed when a record is saved or deleted."""

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache

from mechanisms.models import Report
from nkhr.dates import DatePrecision
from nkhr.models import Publication
from nkhr.stats import counts_by_type, date_field, stats_for
from sanctions.models import Designation
from tests.api_base import analyst_client
from tests.factories import DesignationFactory, OrganisationFactory, ReportFactory, TreatyFactory

URL = "/api/v1/stats/"


@pytest.fixture(autouse=True)
def fresh_cache():
    # The test database is emptied without signals between tests; the cache is not.
    cache.clear()
    yield
    cache.clear()


def authority_counts(data, prefix="designations"):
    return {
        (row["id"], row["year"]): row["count"]
        for row in data["links"]
        if row["type"] == prefix and row["field"] == "authority"
    }


def test_the_paper_counted_by_type_year_and_authority(client, paper):
    data = client.get(URL).json()
    counts = counts_by_type(data)
    assert counts["designation-rounds"] == 9
    assert counts["designations"] == Designation.objects.published().count()
    assert {"type", "name", "count"} <= set(data["types"][0])
    rounds = {
        row["year"]: row["count"] for row in data["years"] if row["type"] == "designation-rounds"
    }
    # The 2016-2018 total is undated; its six occasions are dated.
    assert rounds[2016] == 2 and rounds[2017] == 3 and rounds[2018] == 1
    assert any(row["type"] == "instruments" for row in data["kinds"])


def test_the_public_counts_published_records_only(client, db):
    authority = OrganisationFactory(id="treasury")
    DesignationFactory.create_batch(2, authority=authority, regime__adopted_by=authority)
    DesignationFactory(authority=authority, publication=Publication.DRAFT)
    hidden = OrganisationFactory(id="hidden-authority", publication=Publication.WITHDRAWN)
    DesignationFactory(authority=hidden, regime__adopted_by=authority)

    public = client.get(URL).json()
    assert counts_by_type(public)["designations"] == 3
    # The withdrawn authority is not named, nor counted as one.
    assert authority_counts(public) == {("treasury", 2021): 2}
    assert "hidden-authority" not in str(public)

    staff = analyst_client().get(URL).json()
    assert counts_by_type(staff)["designations"] == 4
    assert authority_counts(staff) == {("treasury", 2021): 3, ("hidden-authority", 2021): 1}


def test_a_publication_or_withdrawal_renews_the_counts(client, db):
    designation = DesignationFactory()
    assert counts_by_type(client.get(URL).json())["designations"] == 1
    designation.publication = Publication.WITHDRAWN
    designation.save()
    assert counts_by_type(client.get(URL).json())["designations"] == 0
    designation.publication = Publication.PUBLISHED
    designation.save()
    assert counts_by_type(client.get(URL).json())["designations"] == 1
    designation.delete()
    assert counts_by_type(client.get(URL).json())["designations"] == 0


def test_cached_between_changes(db, django_assert_num_queries):
    DesignationFactory()
    stats_for()
    with django_assert_num_queries(0):
        stats_for()


def queries_run(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_a_draft_edited_leaves_the_publics_counts_cached_not_the_staffs(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tests.factories import AliasFactory, PersonFactory

    analyst = get_user_model().objects.create_superuser("editor")
    draft = PersonFactory(publication=Publication.DRAFT)
    published = PersonFactory()
    stats_for(), stats_for(analyst)
    # Curators edit drafts all day: the public's aggregates stay as they are.
    draft.description = "Edited"
    draft.save()
    AliasFactory(actor=draft, name="Draft alias")
    assert queries_run(stats_for) == 0
    assert queries_run(lambda: stats_for(analyst)) > 0
    # The draft published: a change the public sees.
    draft.publication = Publication.PUBLISHED
    draft.save()
    assert counts_by_type(client.get(URL).json())["actors"] == 2
    # A row of a published record.
    AliasFactory(actor=published, name="Published alias")
    assert queries_run(stats_for) > 0
    # A change the feed does not follow (a fixture loaded raw) renews both.
    fixture = Path(__file__).parents[2] / "fixtures" / "sources.json"
    call_command("loaddata", str(fixture), verbosity=0)
    assert queries_run(stats_for) > 0
    assert queries_run(lambda: stats_for(analyst)) > 0


def test_state_party_reports_per_treaty(client, db):
    treaty = TreatyFactory(id="iccpr")
    ReportFactory.create_batch(
        2,
        treaty=treaty,
        kind=Report.Kind.STATE_PARTY_REPORT,
        date=datetime.date(2019, 1, 1),
        date_precision=DatePrecision.YEAR,
    )
    rows = [row for row in client.get(URL).json()["links"] if row["field"] == "treaty"]
    assert [(row["id"], row["year"], row["count"]) for row in rows] == [("iccpr", 2019, 2)]


def test_the_date_each_type_is_counted_by():
    assert date_field(Designation) == "listed"


def test_every_type_counted_per_year_as_the_table_counts(paper):
    """The years of a type with kinds are summed from its counts per kind: each must still
    be what counting the records of that year gives."""
    from django.db.models.functions import ExtractYear

    from nkhr.registry import record_types
    from nkhr.stats import compute

    years = compute(published_only=True)["years"]
    checked = 0
    for record_type in record_types():
        dated = date_field(record_type.model)
        if dated is None:
            continue
        records = record_type.model._default_manager.all().published()
        expected = {}
        for year in (
            records.filter(**{f"{dated}__isnull": False})
            .annotate(year=ExtractYear(dated))
            .values_list("year", flat=True)
        ):
            expected[year] = expected.get(year, 0) + 1
        found = {row["year"]: row["count"] for row in years if row["type"] == record_type.prefix}
        assert found == expected, record_type.prefix
        checked += bool(expected)
    assert checked >= 5

"""Dump lines built by PostgreSQL (nkhr/dumps_sql.py) are the export's bytes, record for
record: on the paper's records and on records with every optional field filled, text that
needs escaping, hidden links and rows, and round totals found at every depth."""

import datetime
import gzip
import io

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr import dumps, dumps_sql
from nkhr.models import Publication
from sanctions.models import Designation, DesignationMeasure
from tests.factories import (
    AliasFactory,
    CitationFactory,
    DesignationFactory,
    DesignationMeasureFactory,
    DesignationRoundFactory,
    EventFactory,
    InstrumentFactory,
    LegislationFactory,
    OrganisationFactory,
    PersonFactory,
    SanctionsRegimeFactory,
    SourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL builds lines"),
]

# Everything JSON escapes, and what it writes as it is.
AWKWARD = 'He said "no" \\ then\nleft\ttab \x01\x1f\x7f é 정경택 😀 \u2028 </script> =1+2'
DRAFT = Publication.DRAFT


def _built(resource: str) -> tuple[bytes, bytes] | None:
    """The database's JSON lines and CSV of a resource (None: left to Python)."""
    viewset = dict(dumps.resources())[resource]
    lines = dumps_sql.lines_for(resource, viewset, connection, "http://testserver")
    if lines is None:
        return None
    json_lines, csv = io.BytesIO(), io.BytesIO()
    with transaction.atomic():  # the CSV's cursor lives in a transaction
        lines.copy_to(json_lines, connection, lambda n: None)
        lines.csv_to(csv, connection, lambda n: None)
    return json_lines.getvalue(), csv.getvalue()


def _sql_lines(resource: str) -> bytes:
    return _built(resource)[0]


def _export(resource: str | None = None, client=None, sql: bool = False, **params) -> bytes:
    """The export's bytes; by default as the Python reader writes them (`sql`: as the
    public's export streams them, from the database's lines)."""
    query = {"resource": resource, **params} if resource else params
    with override_settings(DUMPS_SQL=sql):
        response = (client or APIClient()).get("/api/v1/export/", query)
        assert response.status_code == 200
        return b"".join(response.streaming_content)


def _assert_every_line_equal(built_resources=("designations",)):
    built = []
    for resource, _viewset in dumps.resources():
        found = _built(resource)
        if found is None:
            continue
        built.append(resource)
        json_lines, csv = found
        expected = _export(resource)
        for ours, theirs in zip(json_lines.splitlines(), expected.splitlines(), strict=True):
            assert ours == theirs, resource
        assert json_lines == expected, resource
        expected_csv = _export(resource, format="csv")
        for ours, theirs in zip(csv.split(b"\n"), expected_csv.split(b"\n"), strict=True):
            assert ours == theirs, resource
        assert csv == expected_csv, resource
    assert set(built_resources) <= set(built)
    return built


@pytest.fixture
def every_field(paper):
    """Designations (and what they link to) with every optional field filled, and with
    every kind of link the public may not follow."""
    top = DesignationRoundFactory(reported_persons=7, reported_entities=None)
    chain = [top]
    for _ in range(3):  # a round three levels below the one with totals: the deep path
        chain.append(DesignationRoundFactory(parent=chain[-1], regime=top.regime))
    regime = top.regime
    authority = regime.adopted_by
    target = PersonFactory(
        name=AWKWARD,
        country="KP",
        established=datetime.date(1984, 1, 1),
        established_precision="year",
        dissolved=datetime.date(2020, 6, 1),
        dissolved_precision="month",
        description=AWKWARD,
        url='https://example.org/a?b=c&d="e"',
        wikidata_id="Q56226",
        parent=OrganisationFactory(name="Parent organisation"),
    )
    AliasFactory(actor=target, name="Kim 'the' Alias")
    # Cells a spreadsheet would run, numbers it would not, and a quote already there.
    for name in ("=SUM(A1)", "@cmd", "-42", "+1.5e3", "'=quoted", "+٣", "\tTabbed", 'a,"b"'):
        PersonFactory(name=name, description=name)
    AliasFactory(actor=target, name="김 별칭", language="ko", script="Hang")
    full = DesignationFactory(
        id="every-field",
        regime=regime,
        authority=authority,
        target=target,
        round=chain[-1],
        listed=datetime.date(2016, 1, 1),
        listed_precision="year",
        delisted=datetime.date(2021, 3, 22),
        delisted_precision="day",
        basis=AWKWARD,
        reference='=HYPERLINK("x")',
        cited=False,
    )
    for _ in range(3):
        DesignationMeasureFactory(designation=full)
    CitationFactory(
        record=full,
        source=SourceFactory(title="A source", url="https://example.org/s"),
        section="2.b.(1)",
        footnote="14",
        paragraph="3",
        page="7",
        quote=AWKWARD,
        note="a note",
    )
    CitationFactory(record=full, source=SourceFactory(title="B source"), page="1")
    # A citation of a draft source: hidden from the public, in both.
    CitationFactory(record=full, source=SourceFactory(title="Draft source", publication=DRAFT))
    # Links to drafts: each shown as null (the target's kind too).
    DesignationFactory(
        id="links-to-drafts",
        regime=SanctionsRegimeFactory(publication=DRAFT),
        authority=OrganisationFactory(publication=DRAFT),
        target=PersonFactory(publication=DRAFT, name="Hidden Person"),
        round=DesignationRoundFactory(publication=DRAFT, reported_persons=3),
    )
    # Each depth of round totals, and none.
    for depth, round_ in enumerate(chain):
        DesignationFactory(id=f"round-depth-{depth}", round=round_, regime=regime)
    DesignationFactory(id="no-round", round=None, listed=None, listed_precision="")
    DesignationFactory(id="a-draft", publication=DRAFT)
    # A timestamp without microseconds (DRF leaves them out) beside ones with them.
    Designation.objects.filter(pk="no-round").update(
        created=datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    )
    assert DesignationMeasure.objects.filter(designation=full).count() == 3
    # An event's lists of links, one of them to a draft (left out), and a dated source.
    event = EventFactory(title=AWKWARD)
    instruments = [
        InstrumentFactory(title="B instrument"),
        InstrumentFactory(title="A instrument"),
        InstrumentFactory(title="Draft instrument", publication=DRAFT),
    ]
    event.instruments.set(instruments)
    event.legislation.set([LegislationFactory()])
    SourceFactory(title="Accessed source", accessed=datetime.date(2022, 5, 17))


def test_database_lines_equal_the_exports_on_the_papers_records(paper):
    _assert_every_line_equal()


def test_database_lines_equal_the_exports_with_every_field_filled(every_field):
    built = _assert_every_line_equal(("designations", "actors", "events", "sources"))
    assert b"Hidden Person" not in _sql_lines("designations")
    assert b'"id":"a-draft"' not in _sql_lines("designations")
    assert "designation-rounds" in built


@override_settings(DUMPS_SITE_URL="https://records.example.org/")
def test_a_build_on_postgresql_writes_the_database_lines(every_field):
    result = dumps.build(write=lambda line: None)
    dumped = gzip.decompress((result.path / dumps.JSON_LINES).read_bytes())
    assert b'"url":"https://records.example.org/api/v1/designations/every-field/"' in dumped


def test_a_resource_it_cannot_build_is_left_to_python(db):
    viewsets = dict(dumps.resources())
    # A proxy's list is a filtered one (sanctions regimes are instruments of one kind).
    assert (
        dumps_sql.lines_for("sanctions-regimes", viewsets["sanctions-regimes"], connection, "")
        is None
    )
    with override_settings(DUMPS_SQL=False):
        assert dumps_sql.lines_for("designations", viewsets["designations"], connection, "") is None


@pytest.mark.parametrize(
    "params",
    [
        {"resource": "designations"},
        {"resource": "designations", "format": "csv"},
        {"resource": "actors", "updated_since": "2000-01-01T00:00:00Z"},
        {},
    ],
)
def test_the_publics_export_streams_the_database_lines(every_field, params):
    with CaptureQueriesContext(connection) as queries:
        streamed = _export(sql=True, **params)
    assert any("DECLARE nkhr_lines_" in query["sql"] for query in queries.captured_queries)
    assert streamed == _export(**params)
    assert b"Hidden Person" not in streamed


def test_the_publics_export_since_a_time_holds_only_what_changed_since(every_field):
    Designation.objects.filter(pk="no-round").update(
        updated=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    )
    since = {"resource": "designations", "updated_since": "2029-12-31T23:00:00+00:00"}
    streamed = _export(sql=True, **since)
    assert [line[:22] for line in streamed.splitlines()] == [b'{"resource":"designati']
    assert b'"id":"no-round"' in streamed
    assert streamed == _export(**since)


def test_a_staff_export_is_read_by_python_with_the_drafts(every_field, staff_client):
    with CaptureQueriesContext(connection) as queries:
        streamed = _export("designations", client=staff_client, sql=True)
    assert not any("DECLARE nkhr_lines_" in query["sql"] for query in queries.captured_queries)
    assert b'"id":"a-draft"' in streamed

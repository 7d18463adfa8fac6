"""Smoke test of the paper's fixtures: they load, every record is cited, the counts match
docs/coverage.md, a second load changes nothing, loose spellings find the same actor, and
values that need a citation of their own (aliases, places and dates of events) have one."""

import re
from collections import defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Q
from rest_framework.test import APIClient

from mechanisms.models import Concern, Report
from nkhr.history import is_history_model
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    CitedRecord,
    Event,
    LegislationAlias,
    LegislativeAction,
)
from nkhr.text import name_key

COVERAGE = Path(settings.BASE_DIR) / "docs" / "coverage.md"
# A row of the counts table: "| actors | 54 |" (the header row has no number and is skipped).
TABLE_ROW = re.compile(r"^\|\s*(?P<kind>[^|]+?)\s*\|\s*(?P<count>\d+)\s*\|\s*$")


def documented_counts() -> dict[str, int]:
    """The "| kind | count |" table of docs/coverage.md, kind being a model's plural name."""
    counts = {}
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        match = TABLE_ROW.match(line)
        if match:
            counts[match["kind"]] = int(match["count"])
    return counts


def models_by_plural_name(kinds) -> dict:
    """Map each documented kind to the one model whose verbose_name_plural it is."""
    by_name = defaultdict(list)
    for model in apps.get_models():
        by_name[str(model._meta.verbose_name_plural)].append(model)
    for kind in kinds:
        assert len(by_name[kind]) == 1, f"{kind!r} must name exactly one model"
    return {kind: by_name[kind][0] for kind in kinds}


def full_dump() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out, verbosity=0)
    return out.getvalue()


def client_for_search() -> APIClient:
    """The public's client: what it finds, everyone finds."""
    return APIClient()


def test_there_are_fixtures():
    assert paper_fixtures()


@pytest.mark.django_db
def test_every_cited_record_has_a_citation(paper):
    cited_models = [
        model
        for model in apps.get_models()
        if issubclass(model, CitedRecord) and not model._meta.proxy
    ]
    assert cited_models
    for model in cited_models:
        content_type = ContentType.objects.get_for_model(model)
        cited_ids = set(
            Citation.objects.filter(content_type=content_type).values_list("object_id", flat=True)
        )
        uncited = set(model._default_manager.values_list("pk", flat=True)) - cited_ids
        assert not uncited, f"{model._meta.label} without a citation: {sorted(uncited)}"


@pytest.mark.django_db
def test_counts_match_the_coverage_table(paper):
    counts = documented_counts()
    assert counts, "docs/coverage.md has no '| kind | count |' table"
    models = models_by_plural_name(counts)
    actual = {kind: model._default_manager.count() for kind, model in models.items()}
    assert actual == counts
    # Every model of the project that the fixtures fill is in the table.
    project_apps = {"nkhr", "mechanisms", "sanctions", "grants"}
    filled = {
        str(model._meta.verbose_name_plural)
        for model in apps.get_models()
        if model._meta.app_label in project_apps
        and not is_history_model(model)
        and model._default_manager.exists()
    }
    assert filled <= set(counts)


@pytest.mark.django_db
def test_loading_twice_changes_nothing(paper):
    before = full_dump()
    call_command("loaddata", *paper_fixtures(), verbosity=0)
    assert full_dump() == before


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", ["Chong Gyong", "Jong Kyong Thaek", "Chong Gyong Thaek"])
def test_loose_spellings_find_the_minister_of_state_security(paper, spelling):
    key = name_key(spelling)
    found = set(
        Actor.objects.filter(Q(name_key__contains=key) | Q(aliases__name_key__contains=key))
        .values_list("pk", flat=True)
        .distinct()
    )
    assert found == {"jong-kyong-thaek"}


# --- values that need a citation of their own ------------------------------------------------


def event_citations(event) -> list:
    return list(event.citations.select_related("source"))


def supports_date(citation, date, precision) -> bool:
    """Whether `citation` gives the date: its quote or note names the year, or its source
    (a press release, a statement) was published on that very day."""
    text = f"{citation.quote} {citation.note}"
    published_then = (
        precision == "day"
        and citation.source.published == date
        and citation.source.published_precision == "day"
    )
    return str(date.year) in text or published_then


@pytest.mark.django_db
def test_every_alias_in_the_fixtures_says_where_it_is_written(paper):
    for model in (Alias, LegislationAlias):
        # A web page is cited whole; the paper, by the section the name stands in.
        uncited = model.objects.filter(Q(source__isnull=True) | Q(source__kind="paper", locator=""))
        assert not uncited.exists(), f"{model._meta.label}: {list(uncited.values_list('name'))}"


@pytest.mark.django_db
def test_every_place_of_an_event_is_in_one_of_its_citations(paper):
    for event in Event.objects.exclude(location=""):
        quotes = [f"{c.quote} {c.note}" for c in event_citations(event)]
        assert any(event.location in quote for quote in quotes), event.pk


@pytest.mark.django_db
def test_every_date_of_an_event_is_given_by_one_of_its_citations(paper):
    for event in Event.objects.filter(start__isnull=False):
        citations = event_citations(event)
        for name in ("start", "end"):
            date, precision = getattr(event, name), getattr(event, f"{name}_precision")
            if date is not None:
                assert any(supports_date(c, date, precision) for c in citations), (event.pk, name)


@pytest.mark.django_db
def test_the_corrections_hold(paper):
    visit = Event.objects.get(pk="un-sr-disabilities-visit-dprk-2017")
    assert (str(visit.partial_date("start")), str(visit.partial_date("end"))) == (
        "2017-05-03",
        "2017-05-08",
    )
    # The paper's dates stay quoted, as the paper writes them.
    assert visit.citations.filter(source="kinu-co22-19", quote__contains="May 2-9, 2017").exists()
    assert visit.mechanisms.get().pk == "un-special-rapporteur-rights-of-persons-with-disabilities"
    assent = LegislativeAction.objects.get(
        legislation="gb-sanctions-and-anti-money-laundering-act-2018", kind="signed"
    )
    assert assent.actor_id == "the-crown-united-kingdom"
    report = Report.objects.get(pk="us-country-report-2021-north-korea")
    assert "released in 2021" in report.title
    assert report.citations.filter(quote__contains="in 2021, the US State Department").exists()


@pytest.mark.django_db
def test_reports_concern_records_of_several_kinds(paper):
    def concerned(report_id):
        return {str(row.target.pk) for row in Concern.objects.filter(report=report_id)}

    assert concerned("us-country-reports-2020-republic-of-korea") == {
        "kr-development-of-inter-korean-relations-act-leaflet-amendment"
    }
    assert concerned("kcna-2020-07-11-answer-of-mfa-spokesperson") == {
        "uk-global-human-rights-sanctions-regime",
        "uk-global-human-rights-sanctions-regime-dprk-mss-bureau-7",
        "uk-global-human-rights-sanctions-regime-dprk-mps-correctional-bureau",
    }
    assert concerned("drl-nofo-2022-04-20") == {"drl-nofo-dprk-2022"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alias", "bill"),
    [
        ("North Korea Sanctions and Policy Enforcement Act", "us-114-hr-757"),
        (
            "act on the development of north-south relations",
            "kr-development-of-inter-korean-relations-act",
        ),
        ("Family Reunification Act", "us-117-hr-826"),
    ],
)
def test_a_law_is_found_by_the_name_the_paper_gives_it(paper, alias, bill):
    hits = client_for_search().get("/api/v1/legislation/", {"search": alias}).json()["results"]
    assert bill in {hit["id"] for hit in hits}

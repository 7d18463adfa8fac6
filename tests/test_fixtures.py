"""Smoke test of the paper's fixtures: they load, every record is cited, the counts match
docs/coverage.md, a second load changes nothing, and loose spellings find the same actor."""

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

from nkhr.history import is_history_model
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import Actor, Citation, CitedRecord
from nkhr.text import name_key

COVERAGE = Path(settings.BASE_DIR) / "docs" / "coverage.md"
# A row of the counts table: "| actors | 54 |" (the header row has no number and is skipped).
TABLE_ROW = re.compile(r"^\|\s*(?P<kind>[^|]+?)\s*\|\s*(?P<count>\d+)\s*\|\s*$")


@pytest.fixture
def paper():
    call_command("loaddata", *paper_fixtures(), verbosity=0)


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

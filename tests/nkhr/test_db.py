"""`nkhr.db`: the `in_list()` and `in_set()` conditions, a list of values without per-value
preparation."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nkhr.db import in_list, in_set
from nkhr.models import Actor, Alias, Citation
from tests import factories


@pytest.fixture
def people():
    return [factories.PersonFactory(name=f"Person {number}") for number in range(3)]


@pytest.mark.django_db
def test_in_list_matches_the_listed_primary_keys(people):
    wanted = [people[0].pk, people[2].pk, "no-such-actor"]
    assert set(Actor.objects.filter(in_list("pk", wanted))) == {people[0], people[2]}
    assert list(Actor.objects.filter(in_list("pk", []))) == []


@pytest.mark.django_db
def test_in_set_matches_as_in_list_does_and_takes_an_empty_list(people):
    wanted = [people[0].pk, people[2].pk, "no-such-actor"]
    ordered = Actor.objects.select_related("parent").order_by("name", "pk")
    assert list(ordered.filter(in_set("pk", wanted))) == [people[0], people[2]]
    assert list(ordered.filter(in_set("pk", []))) == []
    assert ordered.filter(in_set("pk", wanted)).count() == 2
    alias = factories.AliasFactory(actor=people[1], name="Another name")
    assert list(Alias.objects.filter(in_set("pk", [alias.pk]))) == [alias]


@pytest.mark.django_db
def test_in_list_follows_links_and_generic_ids(people):
    alias = factories.AliasFactory(actor=people[1], name="Another name")
    factories.AliasFactory(actor=people[0], name="Not this one")
    assert list(Alias.objects.filter(in_list("actor", [people[1].pk]))) == [alias]
    factories.CitationFactory(record=people[2])
    cited = Citation.objects.filter(in_list("object_id", [people[2].pk]))
    assert set(cited) == set(Citation.objects.filter(object_id=people[2].pk))
    assert cited.count() >= 1


@pytest.mark.django_db
def test_in_list_reads_a_long_list_in_one_query(people):
    many = [people[0].pk] + [f"unknown-{number}" for number in range(2000)]
    with CaptureQueriesContext(connection) as captured:
        assert list(Actor.objects.filter(in_list("pk", many))) == [people[0]]
    (query,) = captured.captured_queries
    assert query["sql"].count("unknown-") == 2000
    # PostgreSQL gets one array; SQLite a placeholder per value, so its planner can count.
    assert ("= ANY(" in query["sql"]) == (connection.vendor == "postgresql")


@pytest.mark.django_db
def test_in_list_keeps_quotes_and_non_ascii_intact():
    person = factories.PersonFactory(name="O'Brien 김")
    assert list(Actor.objects.filter(in_list("name", ["O'Brien 김", 'Say "no"']))) == [person]


@pytest.mark.django_db
def test_in_list_is_not_a_lookup_of_every_field():
    with pytest.raises(FieldError):
        list(Actor.objects.filter(pk__in_list=["anyone"]))

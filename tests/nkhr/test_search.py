"""Search at scale: the condition every search shares (`nkhr.search`) finds the same rows as
plain lookups, is answered from indexes (trigram indexes on PostgreSQL, FTS5 trigram tables
kept in step by triggers on SQLite), puts the closest names first, and the admin's
searched changelists neither count whole tables nor run a query per row."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection, models
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr.admin import base as base_admin
from nkhr.admin.base import BoundedCountPaginator
from nkhr.api import search as search_api
from nkhr.api.registry import brief
from nkhr.db import fts_table
from nkhr.filters import ACTOR_SEARCH
from nkhr.models import Actor, Alias
from nkhr.names import name_forms
from nkhr.search import _document_pattern, admin_search_condition, document_keys, key_condition
from nkhr.text import name_key
from sanctions.filters import DESIGNATION_SEARCH
from sanctions.models import Designation
from tests import factories
from tests.admin_base import admin_url, count_queries

ACTOR_KEYS = ACTOR_SEARCH.key_paths()
# A designation's own document holds its target's names and aliases.
TARGET_KEYS = DESIGNATION_SEARCH.key_paths()

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 is SQLite's")


@pytest.fixture
def people():
    """A few people with aliases in several spellings, each designated once."""
    rows = [
        ("Jong Kyong Thaek", ["Chong Gyong Thaek", "정경택"]),
        ("Kim Yong Chol", ["Kim Yeong-cheol", "김영철"]),
        ("Kim", ["Gim"]),
        ("Ri Su Yong", ["Li Su-yong"]),
        ("Korea Mining Development Trading Corporation", ["KOMID"]),
    ]
    found = []
    for name, aliases in rows:
        person = factories.PersonFactory(name=name)
        for alias in aliases:
            factories.AliasFactory(actor=person, name=alias)
        factories.DesignationFactory(target=person, reference=f"KPi.{len(found) + 1:03}")
        found.append(person)
    return found


TERMS = ["kim", "Chong Gyong", "jong kyong-thaek", "정경택", "komid", "su yong", "KPi.00", "zz"]


@pytest.mark.django_db
@pytest.mark.parametrize("term", TERMS)
def test_search_finds_what_plain_lookups_find(people, term):
    # The same rows as the OR of plain lookups on the documents' keys and the text the
    # union of indexed branches replaces, without repeats.
    condition = key_condition(Designation, term, TARGET_KEYS, ["reference"])
    found = list(Designation.objects.filter(condition).values_list("pk", flat=True))
    plain = models.Q(reference__icontains=term.strip())
    for key in document_keys(term):
        pattern = _document_pattern(key, term)
        plain |= models.Q(search_keys__contains=pattern)
        plain |= models.Q(search_keys_hidden__contains=pattern)
    expected = set(Designation.objects.filter(plain).values_list("pk", flat=True))
    assert len(found) == len(set(found))
    assert set(found) == expected
    # And designations are found by their target's names, not only by their reference.
    if term in ("Chong Gyong", "정경택", "komid"):
        assert expected


ADMIN_TERMS = ["Kim Yong", "kim", "Chong Kyong", "su  yong", '"Ri Su"', "KPi.00", "zz"]


@pytest.mark.django_db
@pytest.mark.parametrize("common_rows", [None, 1], ids=["ids-per-column", "tested-per-row"])
@pytest.mark.parametrize("term", ADMIN_TERMS)
def test_admin_search_finds_what_django_admin_search_finds_and_more_by_key(
    people, term, common_rows
):
    fields = ["name", "aliases__name", "id"]
    condition, tested_per_row = admin_search_condition(
        Actor, term, fields, ACTOR_KEYS, common_rows=common_rows
    )
    found = list(Actor.objects.filter(condition).values_list("pk", flat=True))
    assert len(found) == len(set(found))
    found = set(found)
    plain_admin = type("PlainActorAdmin", (admin.ModelAdmin,), {"search_fields": fields})
    django_way, _ = plain_admin(Actor, admin.site).get_search_results(
        None, Actor.objects.all(), term
    )
    by_key = key_condition(Actor, term, ACTOR_KEYS)
    expected = set(django_way.values_list("pk", flat=True))
    expected |= set(Actor.objects.filter(by_key).values_list("pk", flat=True))
    assert found == expected
    assert tested_per_row == (common_rows == 1 and bool(expected))


@pytest.mark.django_db
@pytest.mark.parametrize("term", ADMIN_TERMS)
def test_both_shapes_of_the_admin_search_find_the_same_rows_through_relations(people, term):
    # Designations are searched by their target's name and aliases: a to-one join, then a
    # to-many relation, tested per row by a subquery.
    model_admin = admin.site.get_model_admin(Designation)
    fields, keys = model_admin.search_fields, model_admin.key_search_fields
    found = {}
    for common_rows in (None, 1):
        condition, _ = admin_search_condition(Designation, term, fields, keys, common_rows)
        rows = list(Designation.objects.filter(condition).values_list("pk", flat=True))
        assert len(rows) == len(set(rows))
        found[common_rows] = set(rows)
    assert found[None] == found[1]


def search_sql(model, condition) -> str:
    with CaptureQueriesContext(connection) as captured:
        list(model.objects.filter(condition).values_list("pk", flat=True))
    return captured.captured_queries[-1]["sql"]


@pytest.mark.django_db
def test_the_condition_is_one_id_set_not_an_or_across_tables(people):
    sql = search_sql(Designation, key_condition(Designation, "kim", TARGET_KEYS, ["reference"]))
    # The document's keys and the reference: one id set, each from its own index.
    assert "search_keys" in sql and "reference" in sql
    # Nothing joined into the outer query, so no row is repeated and none needs DISTINCT.
    assert " JOIN " not in sql.split(" WHERE ")[0]


# --- PostgreSQL: the ORM's own SQL uses the trigram indexes ------------------------------------


def is_page_query(sql: str) -> bool:
    """The changelist's own query of designations (not a count, a filter's or a session's)."""
    return sql.startswith(
        ('SELECT "sanctions_designation"', 'SELECT DISTINCT "sanctions_designation"')
    )


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        # Statistics of these rows, not of whatever an earlier test left; and at test sizes a
        # scan is cheapest, so forbidding it shows which indexes can serve.
        cursor.execute("ANALYZE nkhr_actor, nkhr_alias, sanctions_designation")
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Nor a walk of the primary key testing each row (a table of a few rows).
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    return plan


def orm_sql(queryset) -> str:
    with CaptureQueriesContext(connection) as captured:
        list(queryset)
    return captured.captured_queries[-1]["sql"]


@postgres_only
@pytest.mark.django_db
def test_postgres_search_uses_the_trigram_indexes(people):
    condition = key_condition(Designation, "kim yong", TARGET_KEYS, ["reference"])
    plan = explain(orm_sql(Designation.objects.filter(condition).order_by("-listed", "id")[:25]))
    # The target's document (a designation goes by its target's names), and the reference.
    for index in ("nkhr_actor_search_keys_trgm", "sanctions_designation_reference_utrgm"):
        assert index in plan, plan


@postgres_only
@pytest.mark.django_db
def test_postgres_admin_search_uses_the_trigram_indexes(people, staff_client):
    with CaptureQueriesContext(connection) as captured:
        staff_client.get(admin_url(Designation, "changelist"), {"q": "Kim"})
    # The search is read once, for the page and its count (`nkhr.search.read_once`).
    searched = next(
        q["sql"]
        for q in captured.captured_queries
        if is_page_query(q["sql"]) and "search_keys" in q["sql"]
    )
    plan = explain(searched)
    # (At this size a column inside another index, as the designation's id, the alias's
    # name or the actor's name in its list-order index, may be read from that index instead.)
    # The target's names are read from its document (no alias is read), not from the
    # copy of them in the designation's.
    assert "sanctions_designation_search_keys_trgm" not in plan, plan
    for indexes in (
        ("nkhr_actor_search_keys_trgm", "actor_name_order"),
        ("sanctions_designation_reference_utrgm",),
    ):
        assert any(index in plan for index in indexes), plan


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Actor, Designation])
def test_a_changelist_search_runs_once_for_its_page_and_count(people, staff_client, model):
    key = name_forms("Jong Kyong Thaek")[0]
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(admin_url(model, "changelist"), {"q": "Jong Kyong Thaek"})
    assert response.status_code == 200
    assert "1 result" in response.content.decode()
    table = model._meta.db_table
    reads = [q["sql"] for q in captured.captured_queries if q["sql"].startswith(f'SELECT "{table}')]
    counts = [
        q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and table in q["sql"]
    ]
    # One read finds the ids; the page and the count look them up, not searching again.
    assert [sql for sql in reads if key in sql] != []
    page = [sql for sql in reads if "ORDER BY" in sql]
    assert page and counts
    assert all(key not in sql for sql in page + counts), page + counts


# --- SQLite: the FTS5 trigram tables are used and stay in step ---------------------------------


def fts_rowids(table: str, column: str, text: str) -> set:
    fts = fts_table(table, column)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [f'"{text}"'])
        return {row[0] for row in cursor.fetchall()}


def rowid_of(model, pk) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT rowid FROM "{model._meta.db_table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


@sqlite_only
@pytest.mark.django_db
def test_sqlite_search_reads_the_fts_tables(people):
    sql = search_sql(Designation, key_condition(Designation, "kim yong", TARGET_KEYS))
    # Through its target's document (a designation has no names of its own), narrowed by
    # the actors' FTS5 table; neither aliases nor the designations' own documents are read.
    assert fts_table("nkhr_actor", "search_keys") in sql
    assert fts_table("sanctions_designation", "search_keys") not in sql
    assert "nkhr_alias" not in sql
    assert "MATCH" in sql


@sqlite_only
@pytest.mark.django_db
def test_sqlite_capped_candidates_stop_reading_the_fts_table_at_the_cap():
    # A common term's FTS5 matches are read only up to the cap, not all of them first.
    kims = [factories.PersonFactory(name=f"Kim Chol {number}") for number in range(6)]
    exact = factories.PersonFactory(name="Kim")
    condition = key_condition(Actor, "kim", ACTOR_KEYS, candidates=2)
    sql = search_sql(Actor, condition)
    fts_reads = re.findall(r'MATCH \'"kim"\'( LIMIT \d+)?\)', sql)
    assert fts_reads and set(fts_reads) == {" LIMIT 2"}
    found = set(Actor.objects.filter(condition))
    # At most two candidates from each document column's table, and the exact name always.
    assert exact in found
    assert 1 < len(found - {exact}) <= 4
    assert found - {exact} <= set(kims)


@sqlite_only
@pytest.mark.django_db
def test_sqlite_fts_follows_inserts_updates_and_deletes():
    person = factories.PersonFactory(name="Pak Pong Ju")
    alias = factories.AliasFactory(actor=person, name="Bak Bong-ju")
    person_row, alias_row = rowid_of(Actor, person.pk), rowid_of(Alias, alias.pk)
    assert fts_rowids("nkhr_actor", "name_key", "pakpon") == {person_row}
    assert fts_rowids("nkhr_alias", "name", "bong-ju") == {alias_row}

    person.name = "Choe Ryong Hae"
    person.save()
    alias.name = "Choe Ryong-hae"
    alias.save()
    assert fts_rowids("nkhr_actor", "name_key", "pakpon") == set()
    assert fts_rowids("nkhr_actor", "name_key", name_key("ryong hae")) == {person_row}
    assert fts_rowids("nkhr_alias", "name", "bong-ju") == set()
    assert fts_rowids("nkhr_alias", "name", "ryong-hae") == {alias_row}
    # The document's keys: the words romanized and folded (nkhr.names.name_forms).
    renamed, former = name_forms("Choe Ryong Hae")[0], name_forms("Pak Pong Ju")[0]
    assert fts_rowids("nkhr_actor", "search_keys", renamed) == {person_row}
    assert fts_rowids("nkhr_actor", "search_keys", former) == set()
    found = Actor.objects.filter(key_condition(Actor, "choe ryong", ACTOR_KEYS))
    assert list(found) == [person]

    alias.delete()
    assert fts_rowids("nkhr_alias", "name", "ryong-hae") == set()
    person.delete()
    assert fts_rowids("nkhr_actor", "name_key", name_key("ryong hae")) == set()
    assert not Actor.objects.filter(key_condition(Actor, "choe ryong", ACTOR_KEYS)).exists()


@sqlite_only
@pytest.mark.django_db
def test_sqlite_short_terms_are_the_starts_of_names():
    # Under three characters a trigram table matches nothing: two letters are looked for
    # at the start of a name (`|ok`), one letter as a whole name (`|o|`).
    person = factories.PersonFactory(name="Oh Kuk Ryol")  # "okuk…"
    one = factories.PersonFactory(name="O")
    assert list(Actor.objects.filter(key_condition(Actor, "ok", ACTOR_KEYS))) == [person]
    assert list(Actor.objects.filter(key_condition(Actor, "o", ACTOR_KEYS))) == [one]


# --- the cross-resource search puts the closest names first ------------------------------------


@pytest.mark.django_db
def test_search_keeps_the_exact_name_among_many_containing_it():
    # More names containing "kim" that sort before it than a kind gives hits.
    for number in range(30):
        factories.OrganisationFactory(name=f"Akim Trading {number:02}")
    exact = factories.PersonFactory(name="Kim")
    prefix = factories.PersonFactory(name="Kimchaek Shipping")
    data = APIClient().get("/api/v1/search/", {"q": "Kim", "type": "actors"}).json()
    ids = [hit["id"] for hit in data["results"]]
    assert ids[:2] == [exact.pk, prefix.pk]


@pytest.mark.django_db
def test_search_reads_a_few_candidates_per_column_and_every_exact_name(monkeypatch):
    # Far more names contain "kim" than a search reads: the exact one is still found first.
    monkeypatch.setattr(search_api, "CANDIDATES", 3)
    others = [factories.OrganisationFactory(name=f"Akim Trading {n:02}") for n in range(12)]
    exact = factories.PersonFactory(name="Kim")
    data = APIClient().get("/api/v1/search/", {"q": "Kim", "type": "actors"}).json()
    ids = [hit["id"] for hit in data["results"]]
    assert ids[0] == exact.pk
    assert 1 < len(ids) < len(others) + 1
    assert set(ids[1:]) <= {other.pk for other in others}


def _search_statements(**params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get("/api/v1/search/", params)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_search_reads_documents_not_the_tables_of_names(people):
    # Designations are found by their own documents, which hold their target's names: no
    # search reads the aliases' table or joins the actors.
    statements = _search_statements(q="Kim Yong Chol")
    assert not [sql for sql in statements if '"nkhr_alias"' in sql]


@pytest.mark.django_db
def test_search_statements_do_not_grow_with_the_hits(people):
    few = len(_search_statements(q="Jong Kyong Thaek"))
    for number in range(15):
        person = factories.PersonFactory(name=f"Jong Kyong Thaek {number}")
        factories.AliasFactory(actor=person, name=f"Chong Gyong Thaek {number}")
        factories.DesignationFactory(target=person)
    many = _search_statements(q="Jong Kyong Thaek")
    assert len(many) == few


@pytest.mark.django_db
def test_search_finds_a_designation_by_reference_when_no_actor_matches():
    designation = factories.DesignationFactory(reference="KPi.066")
    hits = APIClient().get("/api/v1/search/", {"q": "KPi.066"}).json()["results"]
    assert [(hit["resource"], hit["id"]) for hit in hits] == [("designations", designation.pk)]


@pytest.mark.django_db
def test_search_hits_name_and_link_records_as_their_brief_form(people):
    hits = APIClient().get("/api/v1/search/", {"q": "Kim Yong Chol"}).json()["results"]
    assert {hit["resource"] for hit in hits} == {"actors", "designations"}
    for hit in hits:
        model = Actor if hit["resource"] == "actors" else Designation
        record = model.objects.get(pk=hit["id"])
        assert {key: hit[key] for key in ("id", "url", "name", "kind")} == brief(
            record, RequestFactory().get("/")
        )


# --- the admin's searched changelists -----------------------------------------------------------


@pytest.mark.django_db
def test_searched_changelist_has_no_distinct_and_no_unbounded_count(people, staff_client):
    with CaptureQueriesContext(connection) as captured:
        response = staff_client.get(admin_url(Designation, "changelist"), {"q": "Kim"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
    sqls = [query["sql"] for query in captured.captured_queries]
    page = [sql for sql in sqls if is_page_query(sql)]
    assert page
    assert "DISTINCT" not in page[0]
    counts = [sql for sql in sqls if "COUNT(" in sql]
    assert counts
    assert all("LIMIT" in sql for sql in counts), counts


@pytest.mark.django_db
def test_changelist_count_stops_at_the_limit(staff_client, monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 3)
    person = factories.PersonFactory(name="Kim Chol")
    for _ in range(5):
        factories.DesignationFactory(target=person)
    response = staff_client.get(admin_url(Designation, "changelist"), {"q": "kim"})
    changelist = response.context["cl"]
    assert changelist.result_count == 3
    assert changelist.paginator.count_capped
    assert changelist.full_result_count is None
    assert "3+ designations" in response.content.decode()  # a lower bound, said so


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Designation, Actor])
def test_searched_changelist_queries_do_not_grow_with_page_size(staff_client, monkeypatch, model):
    model_admin = admin.site.get_model_admin(model)
    for number in range(12):
        person = factories.PersonFactory(name=f"Kim Song {number}")
        factories.AliasFactory(actor=person, name=f"Gim Seong {number}")
        factories.DesignationFactory(target=person)
    url = admin_url(model, "changelist") + "?q=kim+song"
    staff_client.get(url)  # content types and session, outside the count
    monkeypatch.setattr(model_admin, "list_per_page", 2)
    small = count_queries(staff_client, url)
    monkeypatch.setattr(model_admin, "list_per_page", 20)
    assert count_queries(staff_client, url) == small


# --- a common term: rows tested in the listing's order, pages read without a count -----------


@pytest.fixture
def many_kims(staff_client):
    """Five designations of people named Kim, listed on different days."""
    for day in range(1, 6):
        person = factories.PersonFactory(name=f"Kim Chol {day}")
        factories.AliasFactory(actor=person, name=f"Gim Cheol {day}")
        factories.DesignationFactory(
            target=person, listed=datetime.date(2020, 1, day), listed_precision="day"
        )
    factories.DesignationFactory(target=factories.PersonFactory(name="Ri Su Yong"))


@pytest.mark.django_db
def test_a_common_term_is_read_a_page_at_a_time_without_a_count(
    many_kims, staff_client, monkeypatch
):
    model_admin = admin.site.get_model_admin(Designation)
    monkeypatch.setattr(model_admin, "common_search_rows", 2)
    monkeypatch.setattr(model_admin, "list_per_page", 2)
    url = admin_url(Designation, "changelist")

    pages = []
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url, {"q": "kim", "p": number})
        assert response.status_code == 200
        changelist = response.context["cl"]
        sqls = [query["sql"] for query in captured.captured_queries]
        assert not [sql for sql in sqls if "COUNT(" in sql]
        page = [sql for sql in sqls if is_page_query(sql)]
        assert len(page) == 1 and "UNION" not in page[0]
        assert changelist.paginator.count_capped == (number < 3)
        assert changelist.can_show_all == (number == 3)  # the last page knows the total
        pages.append([designation.target.name for designation in changelist.result_list])
    # The listing's order (latest listed first), each row once, nothing but the matches.
    assert pages == [["Kim Chol 5", "Kim Chol 4"], ["Kim Chol 3", "Kim Chol 2"], ["Kim Chol 1"]]
    first = staff_client.get(url, {"q": "kim"}).content.decode()
    assert "3+ designations" in first and "3+ results" in first
    # Selecting "all" acts on every match: the counter does not claim there are three.
    assert "Select all 3+ designations" in first and "All 3+ selected" in first


@pytest.mark.django_db
def test_a_rare_term_is_counted_exactly(many_kims, staff_client, monkeypatch):
    monkeypatch.setattr(admin.site.get_model_admin(Designation), "common_search_rows", 2)
    response = staff_client.get(admin_url(Designation, "changelist"), {"q": "Ri Su"})
    changelist = response.context["cl"]
    assert changelist.result_count == 1 and not changelist.paginator.count_capped
    assert "1 designation" in response.content.decode()


@pytest.mark.django_db
def test_show_all_still_pages_a_common_term(many_kims, staff_client, monkeypatch):
    model_admin = admin.site.get_model_admin(Designation)
    monkeypatch.setattr(model_admin, "common_search_rows", 2)
    monkeypatch.setattr(model_admin, "list_per_page", 2)
    response = staff_client.get(admin_url(Designation, "changelist"), {"q": "kim", "all": ""})
    assert len(response.context["cl"].result_list) == 2


AUTOCOMPLETE = {"app_label": "sanctions", "model_name": "designation", "field_name": "target"}


def autocomplete_names(client, term: str) -> list[str]:
    response = client.get("/admin/autocomplete/", {**AUTOCOMPLETE, "term": term})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_autocomplete_offers_the_closest_names_first(staff_client):
    for name in ["Pak Kim", "Kimberly Cho", "Kim", "Ahn Kimun"]:
        factories.PersonFactory(name=name)
    names = autocomplete_names(staff_client, "kim")
    assert names[:2] == ["Kim", "Kimberly Cho"]  # the exact name, then one starting with it
    assert set(names[2:]) == {"Ahn Kimun", "Pak Kim"}  # then the rest, in the list's order
    assert names[2:] == sorted(names[2:])


@pytest.mark.django_db
def test_autocomplete_of_a_common_term_reads_a_few_candidates_and_every_exact_name(
    many_kims, staff_client, monkeypatch
):
    actor_admin = admin.site.get_model_admin(Actor)
    monkeypatch.setattr(actor_admin, "common_search_rows", 2)
    monkeypatch.setattr(base_admin, "AUTOCOMPLETE_CANDIDATES", 2)
    for number in range(20):
        factories.PersonFactory(name=f"Kim Yong {number}")
    factories.PersonFactory(name="Kim")
    names = autocomplete_names(staff_client, "kim")
    assert names[0] == "Kim"
    # Each searched column gave two candidates at most, not all 26 people named Kim.
    columns = len(actor_admin.search_fields) + len(actor_admin.key_search_fields)
    assert 1 < len(names) <= 2 * columns + 1 < 26
    assert all("Kim" in name for name in names)


@pytest.mark.django_db
def test_autocomplete_pages_without_counting_and_says_when_there_is_more(staff_client):
    for number in range(25):
        factories.PersonFactory(name=f"Ri Chol {number:02}")
    with CaptureQueriesContext(connection) as captured:
        first = staff_client.get("/admin/autocomplete/", {**AUTOCOMPLETE, "term": "ri chol"})
    assert not any("COUNT(" in item["sql"].upper() for item in captured.captured_queries)
    assert len(first.json()["results"]) == 20 and first.json()["pagination"] == {"more": True}
    second = staff_client.get(
        "/admin/autocomplete/", {**AUTOCOMPLETE, "term": "ri chol", "page": 2}
    ).json()
    assert len(second["results"]) == 5 and second["pagination"] == {"more": False}
    shown = [row["text"] for row in first.json()["results"] + second["results"]]
    assert sorted(shown) == [f"Ri Chol {number:02}" for number in range(25)]


@pytest.mark.django_db
def test_autocomplete_of_any_term_reads_a_few_candidates_and_every_exact_name(
    staff_client, monkeypatch
):
    # Not only a common term: a full name's every-word match is capped as well, and the
    # name itself is still offered first.
    monkeypatch.setattr(base_admin, "AUTOCOMPLETE_CANDIDATES", 2)
    for number in range(6):
        factories.PersonFactory(name=f"Kim Ryong Su Il {number}")
    factories.PersonFactory(name="Kim Ryong Su")
    names = autocomplete_names(staff_client, "Kim Ryong Su")
    assert names[0] == "Kim Ryong Su"
    assert len(names) < 7


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_serial_plans_hold_within_the_block_and_are_reset_after():
    from django.db import transaction

    from nkhr.db import serial_plans

    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = workers()
    with serial_plans():  # autocommit, as the API's reads
        assert workers() == "0"
    assert workers() == before
    with transaction.atomic(), serial_plans():
        assert workers() == "0"
    # `SET LOCAL` ended with the transaction.
    assert workers() == before


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(("query", "join_order_kept"), [({}, True), ({"search": "Ri Su"}, False)])
def test_a_list_searched_by_ids_lets_postgres_start_from_the_ids(people, query, join_order_kept):
    # The page's join order is kept as written (the listed table first) except under
    # `pk IN (ids)`, where that order walks every designation to meet a few ids (1.8 s at
    # a million designations, against 0.1 s starting from the ids).
    with CaptureQueriesContext(connection) as captured:
        response = APIClient().get("/api/v1/designations/", query)
    assert response.status_code == 200 and response.json()["results"]
    sqls = [item["sql"] for item in captured.captured_queries]
    assert any("join_collapse_limit" in sql for sql in sqls) == join_order_kept


@pytest.mark.django_db
def test_words_apart_with_a_short_word_are_found_and_read_at_most_the_budget(monkeypatch):
    from nkhr import search

    # "Yu Kum Ho": "yu" and "ho" are too short for a trigram, so only "kum" is looked up
    # in the index (GIN or FTS5); the rows it gives are rechecked for the others.
    apart = {factories.PersonFactory(name=f"Yu Il Kum Ho {n}").pk for n in range(3)}
    for n in range(6):
        factories.PersonFactory(name=f"Pak Kum Sun {n}")
    query = search.document_query(Actor)
    sql, params = query._part(["yu", "kum", "ho"], every=True, cap=50)
    assert set(query.fetch(sql, params)) == apart

    # Nine rows hold "kum": at most the budget of them is read to be rechecked.
    monkeypatch.setattr(search, "RECHECKED", 4)
    sql, params = query._part(["yu", "kum", "ho"], every=True, cap=50)
    assert set(query.fetch(sql, params)) <= apart
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0][0]["Plan"]
        assert _rows_read(plan, Actor._meta.db_table) <= 4


def _rows_read(plan: dict, table: str) -> int:
    """Rows the plan's scans of `table` read: those they gave and those they rejected."""
    read = 0
    if plan.get("Relation Name") == table:
        read += plan["Actual Rows"] + sum(
            plan.get(removed, 0)
            for removed in ("Rows Removed by Filter", "Rows Removed by Index Recheck")
        )
    return read + sum(_rows_read(child, table) for child in plan.get("Plans", []))


def test_the_readme_states_the_limits_of_what_is_scored():
    from pathlib import Path

    from nkhr import screening, search

    readme = " ".join(Path(__file__).resolve().parents[2].joinpath("README.md").read_text().split())
    assert f"at most {search_api.CANDIDATES} of those holding it in part" in readme
    assert f"({screening.CANDIDATES} per name for `/match/`)" in readme
    assert f"among at most {search.RECHECKED:,} records holding the longer words" in readme

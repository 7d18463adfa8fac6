"""Admin pages of the core records: the generic contract, then search by any spelling,
inlines, public ids, partial dates and what points at an actor."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from nkhr.dates import DatePrecision
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import Actor, Alias, Citation, Legislation, PositionHeld
from sanctions.models import Designation
from tests import factories
from tests.admin_base import (
    AdminPagesContract,
    admin_url,
    change_url,
    changelist_pks,
    count_queries,
    model_admins,
    parametrize_model_admins,
    post_data_from,
)

pytest_generate_tests = parametrize_model_admins


class TestNkhrAdminPages(AdminPagesContract):
    """Every core admin page renders, searches and lists rows in constant queries."""

    app_label = "nkhr"


@pytest.fixture
def jong_kyong_thaek():
    person = factories.PersonFactory(id="jong-kyong-thaek", name="Jong Kyong Thaek")
    factories.AliasFactory(actor=person, name="Chong Gyong Thaek", language="en")
    factories.AliasFactory(actor=person, name="정경택", language="ko", kind=Alias.Kind.NATIVE)
    return person


# --- search ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term",
    [
        "Chong Gyong",  # an alias's words
        "Chong Kyong",  # no stored spelling: only the romanization key matches
        "jong kyong-thaek",  # the name, with other spacing and punctuation
        "정경택",  # the Hangul alias
        "정 경택",  # the Hangul alias, spaced differently
    ],
)
def test_actor_search_finds_any_spelling_of_the_name(staff_client, jong_kyong_thaek, term):
    factories.PersonFactory(name="Kim Yong Chol")
    assert changelist_pks(staff_client, Actor, term) == [jong_kyong_thaek.pk]


@pytest.mark.django_db
def test_actor_matching_by_several_aliases_is_listed_once(staff_client, jong_kyong_thaek):
    factories.AliasFactory(actor=jong_kyong_thaek, name="Chong Kyong-thaek", language="")
    assert changelist_pks(staff_client, Actor, "Chong") == [jong_kyong_thaek.pk]


@pytest.mark.django_db
def test_search_keeps_the_changelist_filters(staff_client, jong_kyong_thaek):
    response = staff_client.get(
        admin_url(Actor, "changelist"), {"q": "Chong Gyong", "kind__exact": "ngo"}
    )
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_position_held_search_finds_the_person_by_alias(staff_client, jong_kyong_thaek):
    held = factories.PositionHeldFactory(person=jong_kyong_thaek)
    factories.PositionHeldFactory()
    assert changelist_pks(staff_client, PositionHeld, "Chong Kyong") == [held.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["hr 757", "H.R. 757", "HR757"])
def test_bill_number_search_ignores_spelling(staff_client, term):
    bill = factories.LegislationFactory(bill_number="H.R.757", title="North Korea Sanctions")
    factories.LegislationFactory(bill_number="S.1311", title="Another act")
    assert changelist_pks(staff_client, Legislation, term) == [bill.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["North-South Relations", "north south relations"])
def test_legislation_search_finds_a_bill_by_an_alias(staff_client, term):
    bill = factories.LegislationFactory(title="Development of Inter-Korean Relations Act")
    factories.LegislationAliasFactory(
        legislation=bill, name="Act on the Development of North-South Relations"
    )
    factories.LegislationFactory(title="Another act")
    assert changelist_pks(staff_client, Legislation, term) == [bill.pk]


@pytest.mark.django_db
def test_autocomplete_finds_actors_by_romanization(staff_client, jong_kyong_thaek):
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "Chong Kyong",
            "app_label": "sanctions",
            "model_name": "designation",
            "field_name": "target",
        },
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [jong_kyong_thaek.pk]


# --- change pages ----------------------------------------------------------------------------


def add_actor_rows(actor, count: int):
    """`count` more of every kind of row that an actor's change page shows."""
    for _ in range(count):
        factories.AliasFactory(actor=actor, source=factories.SourceFactory())
        factories.PositionHeldFactory(person=actor)
        factories.CitationFactory(record=actor)
        factories.DesignationFactory(target=actor)
        factories.ReportFactory(author=actor)
        factories.SponsorshipFactory(actor=actor)
        factories.EventParticipantFactory(actor=actor)


@pytest.mark.django_db
def test_actor_change_page_queries_do_not_grow_with_its_rows(staff_client):
    person = factories.PersonFactory(parent=factories.OrganisationFactory())
    url = change_url(person)
    add_actor_rows(person, 2)
    staff_client.get(url)
    with_two = count_queries(staff_client, url)
    add_actor_rows(person, 20)
    assert count_queries(staff_client, url) == with_two


def add_legislation_rows(bill, count: int):
    """`count` more of every kind of row that a bill's change page shows."""
    for _ in range(count):
        factories.SponsorshipFactory(legislation=bill)
        factories.LegislativeActionFactory(
            legislation=bill,
            actor=factories.OrganisationFactory(kind=Actor.Kind.COMMITTEE),
            source=factories.SourceFactory(),
        )
        factories.LegislationSectionFactory(legislation=bill)
        factories.LegislationRelationFactory(from_legislation=bill)
        factories.LegislationRelationFactory(to_legislation=bill)
        factories.CitationFactory(record=bill)


@pytest.mark.django_db
def test_legislation_change_page_queries_do_not_grow_with_its_rows(staff_client):
    bill = factories.LegislationFactory(legislature=factories.OrganisationFactory())
    url = change_url(bill)
    add_legislation_rows(bill, 2)
    staff_client.get(url)
    with_two = count_queries(staff_client, url)
    add_legislation_rows(bill, 20)
    assert count_queries(staff_client, url) == with_two


@pytest.mark.django_db
def test_actor_page_shows_what_points_at_it_with_a_view_all_link(staff_client):
    person = factories.PersonFactory()
    designations = factories.DesignationFactory.create_batch(12, target=person)
    report = factories.ReportFactory(author=person)
    programme = factories.FundingProgrammeFactory(adopted_by=person)
    response = staff_client.get(change_url(person))
    page = response.content.decode()
    assert change_url(report) in page
    # An instrument is linked on the page of its kind, not the generic instrument page.
    assert change_url(programme) in page
    assert change_url(programme).startswith("/admin/grants/fundingprogramme/")
    shown = [d for d in designations if change_url(d) in page]
    assert len(shown) == 10
    view_all = f"/admin/sanctions/designation/?target__id__exact={person.pk}"
    assert view_all in page
    listed = staff_client.get(view_all).context["cl"].result_list
    assert {d.pk for d in listed} == {d.pk for d in designations}


@pytest.mark.django_db
def test_public_id_is_read_only_once_the_record_exists(staff_client):
    actor = factories.ActorFactory()
    response = staff_client.get(change_url(actor))
    assert "id" not in response.context["adminform"].form.fields
    add_page = staff_client.get(admin_url(Actor, "add"))
    assert add_page.context["adminform"].form.fields["id"].required is False


@pytest.mark.django_db
def test_adding_an_actor_makes_its_id_and_saves_its_inline_rows(staff_client):
    source = factories.SourceFactory()
    data = post_data_from(staff_client.get(admin_url(Actor, "add")))
    aliases = "aliases"
    citations = "nkhr-citation-content_type-object_id"
    data.update(
        {
            "id": "",
            "name": "Ri Song Chol",
            "kind": Actor.Kind.PERSON,
            "status": Actor.Status.ACTIVE,
            f"{aliases}-TOTAL_FORMS": "1",
            f"{aliases}-0-name": "리성철",
            f"{aliases}-0-kind": Alias.Kind.NATIVE,
            f"{aliases}-0-language": "ko",
            f"{citations}-TOTAL_FORMS": "1",
            f"{citations}-0-source": source.pk,
            f"{citations}-0-section": "2.b",
        }
    )
    response = staff_client.post(admin_url(Actor, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    actor = Actor.objects.get(name="Ri Song Chol")
    assert actor.pk == "ri-song-chol"
    assert [alias.name for alias in actor.aliases.all()] == ["리성철"]
    assert [(c.source_id, c.section) for c in actor.citations.all()] == [(source.pk, "2.b")]


@pytest.mark.django_db
def test_invalid_partial_date_is_a_form_error_and_writes_nothing(staff_client):
    data = post_data_from(staff_client.get(admin_url(Actor, "add")))
    data.update(
        {
            "name": "Invented Day",
            "kind": Actor.Kind.PERSON,
            "status": Actor.Status.ACTIVE,
            "established": "2015-06-15",
            "established_precision": DatePrecision.MONTH,
        }
    )
    response = staff_client.post(admin_url(Actor, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Actor.objects.filter(name="Invented Day").exists()


@pytest.mark.django_db
def test_partial_dates_are_listed_as_written(staff_client):
    factories.PersonFactory(
        name="Born in June", established=datetime.date(2015, 6, 1), established_precision="month"
    )
    response = staff_client.get(admin_url(Actor, "changelist"))
    page = response.content.decode()
    assert "2015-06" in page
    assert "June 1, 2015" not in page


@pytest.mark.django_db
def test_citation_changelist_links_each_record(staff_client):
    citation = factories.CitationFactory()
    response = staff_client.get(admin_url(Citation, "changelist"))
    assert change_url(citation.record) in response.content.decode()


@pytest.mark.django_db
def test_citation_form_offers_only_models_that_cite(staff_client):
    response = staff_client.get(admin_url(Citation, "add"))
    offered = response.context["adminform"].form.fields["content_type"].queryset
    assert ContentType.objects.get_for_model(Actor) in offered
    assert ContentType.objects.get(app_label="auth", model="user") not in offered


def test_site_is_titled():
    assert str(admin.site.site_header) == "NKHR Records"
    assert str(admin.site.site_title) == "NKHR Records"


@pytest.mark.django_db
def test_every_changelist_and_change_page_renders_with_the_paper_data(staff_client):
    fixtures = paper_fixtures()
    if not fixtures:
        pytest.skip("the paper's fixtures are not written yet")
    call_command("loaddata", *fixtures, verbosity=0)
    for model, _ in model_admins():
        if model._meta.app_label not in {"nkhr", "mechanisms", "sanctions", "grants"}:
            continue
        url = admin_url(model, "changelist")
        assert staff_client.get(url).status_code == 200, url
        row = model._default_manager.first()
        if row is not None:
            assert staff_client.get(change_url(row)).status_code == 200, change_url(row)


@pytest.mark.django_db
def test_position_added_on_the_person_page_gets_a_public_id(staff_client):
    person = factories.PersonFactory(id="kim-yong-chol")
    position = factories.PositionFactory(id="director-rgb")
    page = staff_client.get(change_url(person))
    data = post_data_from(page)
    data.update(
        {
            "positions_held-TOTAL_FORMS": "1",
            "positions_held-0-position": position.pk,
            "positions_held-0-start": "2009-02-01",
            "positions_held-0-start_precision": DatePrecision.MONTH,
        }
    )
    response = staff_client.post(change_url(person), data)
    assert response.status_code == 302
    held = PositionHeld.objects.get(person=person)
    assert (held.pk, str(held.partial_date("start"))) == ("kim-yong-chol-director-rgb", "2009-02")


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Thaek Jong Kyong", "JONG, Kyong-thaek", "Jong Kyung Taek"])
def test_admin_search_and_autocomplete_find_a_name_however_written(
    staff_client, jong_kyong_thaek, term
):
    # Surname last, a comma, another spelling: the search document's keys (nkhr/documents.py).
    designation = factories.DesignationFactory(target=jong_kyong_thaek)
    assert changelist_pks(staff_client, Actor, term) == [jong_kyong_thaek.pk]
    assert changelist_pks(staff_client, Designation, term) == [designation.pk]
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": term,
            "app_label": "sanctions",
            "model_name": "designation",
            "field_name": "target",
        },
    )
    assert [item["id"] for item in response.json()["results"]] == [jong_kyong_thaek.pk]

"""What the admin shows first: the index grouped as curators work, rows inside records off
it, sources told apart by their labels, the designations' first columns, and the project's
stylesheet on every page. (How the pages fit the screen: tests/browser/test_layout.py.)"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import result_headers
from django.urls import reverse

from nkhr.admin.index import row_models
from nkhr.models import Alias, Citation, EventParticipant, InstrumentProvision, PositionHeld
from nkhr.models import Source as SourceModel
from tests import factories

pytestmark = pytest.mark.django_db


def index_apps(client) -> list[dict]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.context["app_list"]


def test_index_lists_record_apps_first_and_logins_last(admin_client):
    labels = [app["app_label"] for app in index_apps(admin_client)]
    assert labels[:4] == ["nkhr", "mechanisms", "sanctions", "grants"]
    assert labels[-1] == "auth"


def test_index_lists_what_curators_open_first(staff_client):
    models = {
        app["app_label"]: [entry["object_name"] for entry in app["models"]]
        for app in index_apps(staff_client)
    }
    assert models["nkhr"][:3] == ["Actor", "Legislation", "Event"]
    assert models["sanctions"][0] == "Designation"
    assert models["mechanisms"][:2] == ["Resolution", "Treaty"]


def test_rows_inside_records_are_reached_through_their_records(staff_client):
    rows = {Alias, Citation, PositionHeld, EventParticipant, InstrumentProvision}
    assert rows <= row_models(admin.site)
    on_index = {entry["model"] for app in index_apps(staff_client) for entry in app["models"]}
    assert not rows & on_index
    # Still registered: their lists and change links work, and their app's page lists them.
    app_page = staff_client.get(reverse("admin:app_list", args=["nkhr"]))
    listed = [entry["model"] for entry in app_page.context["app_list"][0]["models"]]
    assert Alias in listed
    assert listed.index(Alias) > listed.index(SourceModel)
    assert staff_client.get(reverse("admin:nkhr_alias_changelist")).status_code == 200


def test_the_sidebar_lists_what_the_index_lists(staff_client):
    response = staff_client.get(reverse("admin:nkhr_actor_changelist"))
    sidebar = {
        entry["model"] for app in response.context["available_apps"] for entry in app["models"]
    }
    assert Alias not in sidebar
    assert SourceModel in sidebar


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        (
            {
                "title": "Situation of human rights in the Democratic People's Republic of Korea",
                "symbol": "A/RES/72/188",
                "published": datetime.date(2017, 12, 19),
                "published_precision": "day",
            },
            "A/RES/72/188: Situation of human rights in the Democratic… (2017)",
        ),
        (
            {"title": "Commission of Inquiry on the DPRK (about)", "kind": "web_page"},
            "Commission of Inquiry on the DPRK (about) (web page)",
        ),
        (
            {"title": "Council Regulation (EU) 2020/1998", "symbol": "Regulation (EU) 2020/1998"},
            "Council Regulation (EU) 2020/1998 (other)",
        ),
    ],
)
def test_a_source_is_labelled_by_symbol_short_title_and_year_or_kind(fields, label):
    assert str(factories.SourceFactory(**fields)) == label


def test_sources_sharing_a_title_are_told_apart():
    title = "Situation of human rights in the Democratic People's Republic of Korea"
    a = factories.SourceFactory(title=title, symbol="A/RES/72/188")
    b = factories.SourceFactory(title=title, symbol="A/HRC/RES/34/24")
    assert str(a) != str(b)


def test_designations_list_target_authority_regime_listing_date_and_publication_first(
    staff_client,
):
    factories.DesignationFactory()
    response = staff_client.get(reverse("admin:sanctions_designation_changelist"))
    headers = result_headers(response.context["cl"])
    columns = [str(header["text"]).lower() for header in headers][1:6]
    assert columns == ["target", "designating authority", "regime", "listing date", "publication"]


def test_every_admin_page_has_the_project_stylesheet(staff_client):
    for url in (reverse("admin:index"), reverse("admin:nkhr_actor_add")):
        assert "nkhr/admin.css" in staff_client.get(url).content.decode()

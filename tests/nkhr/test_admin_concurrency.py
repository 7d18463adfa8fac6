"""Two curators on one change page, or a curator and an API client: a save based on an older
version than the record's is refused, with the curator's input kept, never silently undoing
the other's change. (Every admin page is checked in `AdminPagesContract` too.)"""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from nkhr.models import Actor
from tests.admin_base import change_url, post_data_from
from tests.factories import AliasFactory, PersonFactory
from tests.html_forms import admin_form_post
from tests.live import LiveClient, run_together

STALE = "changed by someone else"


@pytest.mark.django_db
def test_a_change_page_carries_the_version_the_api_gives_as_etag(staff_client):
    person = PersonFactory()
    AliasFactory(actor=person)
    page = post_data_from(staff_client.get(change_url(person)))
    api = staff_client.get(f"/api/v1/actors/{person.pk}/")
    assert page["edit_version"] == api["ETag"]


@pytest.mark.django_db
def test_a_stale_page_is_refused_with_the_curators_input_kept(staff_client):
    person = PersonFactory(name="Ri Pyong Chol", description="")
    url = change_url(person)
    data = post_data_from(staff_client.get(url))
    data["name"] = "Ri Pyong-chol"

    # Meanwhile an API client changes the record.
    api = f"/api/v1/actors/{person.pk}/"
    etag = staff_client.get(api)["ETag"]
    changed = staff_client.patch(
        api, {"description": "Marshal"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.content

    stale = staff_client.post(url, data)
    assert stale.status_code == 200
    assert STALE in stale.content.decode()
    kept = post_data_from(stale)
    assert kept["name"] == "Ri Pyong-chol"
    person.refresh_from_db()
    assert (person.name, person.description) == ("Ri Pyong Chol", "Marshal")

    # Saved again from the refused page: the curator chose to write over it.
    assert staff_client.post(url, kept).status_code == 302
    person.refresh_from_db()
    assert person.name == "Ri Pyong-chol"


@pytest.mark.django_db
def test_an_inline_row_changed_meanwhile_makes_the_page_stale(staff_client):
    person = PersonFactory()
    alias = AliasFactory(actor=person, name="Ri Pyong-chol")
    url = change_url(person)
    data = post_data_from(staff_client.get(url))
    alias.name = "Ri Pyongchol"
    alias.save()
    assert STALE in staff_client.post(url, data).content.decode()


@pytest.mark.django_db
def test_a_save_that_changes_nothing_leaves_the_other_page_current(client, staff_client):
    person = PersonFactory(name="Kim Yo Jong")
    url = change_url(person)
    first = post_data_from(staff_client.get(url))
    other = User.objects.create_user("other", password="unused", is_staff=True)
    other.user_permissions.set(Permission.objects.all())
    client.force_login(other)
    # The other curator presses Save without changing anything: nothing is written.
    assert client.post(url, post_data_from(client.get(url))).status_code == 302

    first["name"] = "Kim Yo-jong"
    assert staff_client.post(url, first).status_code == 302
    assert Actor.objects.get(pk=person.pk).name == "Kim Yo-jong"


def test_two_curators_saving_one_page_at_once_lose_nothing(live_server, transactional_db):
    for name in ("first", "second"):
        user = User.objects.create_user(name, password="a long passphrase", is_staff=True)
        user.user_permissions.set(Permission.objects.all())
    person = PersonFactory(name="Choe Ryong Hae", description="")
    url = reverse("admin:nkhr_actor_change", args=[person.pk])
    curators = [LiveClient(live_server.url), LiveClient(live_server.url)]
    for curator, name in zip(curators, ("first", "second"), strict=True):
        curator.log_in(name, "a long passphrase")

    for round_number in range(5):
        pages = [post_data_from_live(curator.get(url)) for curator in curators]
        for i, page in enumerate(pages):
            page["description"] = f"round {round_number} by curator {i}"

        results = run_together(2, lambda i, pages=pages: curators[i].post_form(url, pages[i]))

        statuses = sorted(response.status for response in results)
        assert statuses == [200, 302], [r.text()[:2000] for r in results]
        refused = next(response for response in results if response.status == 200)
        assert STALE in refused.text()
        saved = next(i for i, response in enumerate(results) if response.status == 302)
        description = f"round {round_number} by curator {saved}"
        assert Actor.objects.get(pk=person.pk).description == description


def post_data_from_live(response) -> dict:
    """`post_data_from` for a page read over HTTP."""
    assert response.status == 200, response.text()[:2000]
    data = admin_form_post(response.text())
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}

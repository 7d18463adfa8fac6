"""Merging duplicates (`nkhr.merging`): record B merged into record A of the same type moves
every reference to B onto A, B's names become A's aliases, B's citations join A's; B's id
answers 301 and stays reserved; history says so, and a revert gives back what was there."""

import json

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from nkhr.merging import (
    foreign_keys_to,
    generic_relations,
    links_to,
    merge_records,
    own_links,
    record_merged,
    revert_merge,
)
from nkhr.models import Actor, Alias, Citation, MergedRecord, PositionHeld, Publication
from nkhr.registry import record_types
from sanctions.models import Designation
from tests import factories
from tests.api_base import add_every_row, database_counts
from tests.html_forms import admin_form_post, as_post_data, submitted_fields
from tests.test_registry import factory_for

API = "/api/v1"
TYPES = record_types()


def user_in(role: str, name: str | None = None) -> User:
    user = User.objects.create_user(username=name or role.lower(), password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def token_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def staff_reader() -> APIClient:
    """Reads everything, drafts included, as analysts do."""
    return token_client(user_in("Analyst", "reader"))


def representation(client, prefix: str, pk) -> dict | None:
    """The API's representation of a record, without its timestamps (a merge and its revert
    stamp what they touch), or None when it does not answer 200."""
    response = client.get(f"{API}/{prefix}/{pk}/")
    if response.status_code != 200:
        return None
    data = response.json()
    return _without_timestamps(data)


def _without_timestamps(value):
    if isinstance(value, dict):
        return {
            key: _without_timestamps(item)
            for key, item in value.items()
            if key not in ("updated", "created")
        }
    if isinstance(value, list):
        # Rows tied on their order's columns (two "companion" relations of one bill) come
        # in whatever order the database reads them, which moving them back may change.
        items = [_without_timestamps(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return value


def pointing_at(record) -> list[tuple[str, object]]:
    """(label, pk) of every row and record that points at `record`, by foreign key, link or
    generic relation."""
    model = type(record)._meta.concrete_model
    found = []
    for fk in foreign_keys_to(model):
        for pk in fk.model._base_manager.filter(**{fk.attname: record.pk}).values_list(
            "pk", flat=True
        ):
            found.append((fk.model._meta.label, pk))
    for m2m in links_to(model):
        for pk in m2m.model._base_manager.filter(**{m2m.name: record.pk}).values_list(
            "pk", flat=True
        ):
            found.append((m2m.model._meta.label, pk))
    for relation in generic_relations(model):
        rows = relation.related_model._base_manager.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(record.pk)
        )
        found += [
            (relation.related_model._meta.label, pk) for pk in rows.values_list("pk", flat=True)
        ]
    return sorted(found, key=str)


def record_prefix(model) -> str | None:
    from nkhr.registry import record_type_for

    registered = record_type_for(model)
    return registered.prefix if registered else None


def snapshot(client, records) -> dict:
    """The API representations of `records` (instances or (label, pk) pairs of records)."""
    from django.apps import apps

    shown = {}
    for item in records:
        model, pk = (
            (apps.get_model(item[0]), item[1]) if isinstance(item, tuple) else (type(item), item.pk)
        )
        prefix = record_prefix(model)
        if prefix is not None:
            shown[(prefix, pk)] = representation(client, prefix, pk)
    return shown


def assert_same(after: dict, before: dict) -> None:
    """`after == before`, naming the records and fields that differ."""
    differing = {
        key: {
            name: (before[key].get(name), (after[key] or {}).get(name))
            for name in set(before[key] or {}) | set(after[key] or {})
            if (before[key] or {}).get(name) != (after[key] or {}).get(name)
        }
        if before[key] and after.get(key)
        else (before[key], after.get(key))
        for key in before
        if after.get(key) != before[key]
    }
    assert not differing and set(after) == set(before), differing


def etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


# --- two actors holding positions, designated, sponsoring ------------------------------------


@pytest.mark.django_db
def test_merging_two_people_moves_positions_designations_and_sponsorships():
    editor = user_in("Editor")
    reader = staff_reader()
    survivor = factories.PersonFactory(name="Jong Kyong Thaek")
    duplicate = factories.PersonFactory(name="Chong Kyong-taek")
    factories.AliasFactory(actor=survivor, name="정경택", language="ko")
    factories.AliasFactory(actor=duplicate, name="정경택", language="ko")  # A has it: dropped
    factories.AliasFactory(actor=duplicate, name="Jong Gyong Thaek", language="en")
    position = factories.PositionHeldFactory(person=duplicate)
    designation = factories.DesignationFactory(target=duplicate)
    sponsorship = factories.SponsorshipFactory(actor=duplicate)
    # Both sponsor one bill: the duplicate's sponsorship goes, A's stays.
    shared_bill = factories.SponsorshipFactory(actor=survivor).legislation
    twin = factories.SponsorshipFactory(actor=duplicate, legislation=shared_bill)
    pointing = pointing_at(duplicate)
    before = snapshot(reader, [survivor, duplicate, *pointing])
    assert before[("designations", designation.pk)]["target"]["id"] == duplicate.pk
    heard = []
    record_merged.connect(lambda **kwargs: heard.append(kwargs), weak=False, dispatch_uid="t")
    try:
        merge = merge_records(survivor, duplicate, editor, "Same person, two romanizations.")
    finally:
        record_merged.disconnect(dispatch_uid="t")

    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert pointing_at(duplicate) == []
    position.refresh_from_db()
    designation.refresh_from_db()
    sponsorship.refresh_from_db()
    assert (position.person_id, designation.target_id, sponsorship.actor_id) == (survivor.pk,) * 3
    assert not type(twin).objects.filter(pk=twin.pk).exists()
    assert shared_bill.sponsorships.get().actor_id == survivor.pk
    names = sorted(Alias.objects.filter(actor=survivor).values_list("name", flat=True))
    assert names == ["Chong Kyong-taek", "Jong Gyong Thaek", "정경택"]
    assert Citation.objects.filter(object_id=survivor.pk).count() == 2
    # The record of it, the signal the change feed listens to, A's history.
    assert (merge.merged_id, merge.survivor_id, merge.merged_by) == (
        duplicate.pk,
        survivor.pk,
        editor,
    )
    assert heard and heard[0]["merged_id"] == duplicate.pk
    assert heard[0]["survivor"].pk == survivor.pk and heard[0]["user"] == editor
    reasons = list(
        Actor.history.filter(id=survivor.pk).values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == (
        f"Merged {duplicate.pk} (Chong Kyong-taek) into this record: "
        "Same person, two romanizations."
    )
    # B's history stays readable, ending in its merge.
    last = Actor.history.filter(id=duplicate.pk).first()
    assert (last.history_type, last.history_change_reason) == ("-", f"Merged into {survivor.pk}")
    # The API shows A with what was B's; the designation's search document goes by A.
    shown = reader.get(f"{API}/actors/{survivor.pk}/").json()
    assert {alias["name"] for alias in shown["aliases"]} >= {"Chong Kyong-taek", "Jong Gyong Thaek"}
    found = reader.get(f"{API}/designations/", {"search": "Jong Kyong Thaek"}).json()
    assert designation.pk in [row["id"] for row in found["results"]]

    revert_merge(merge, editor)
    assert_same(snapshot(reader, [survivor, duplicate, *pointing]), before)
    assert pointing_at(duplicate) == pointing
    assert not Alias.objects.filter(actor=survivor, name="Chong Kyong-taek").exists()
    merge.refresh_from_db()
    assert merge.reverted_by == editor and not merge.standing
    assert Actor.history.filter(id=survivor.pk).first().history_change_reason == (
        f"Reverted the merge of {duplicate.pk} into this record"
    )


@pytest.mark.django_db
def test_merging_people_of_the_paper(paper):
    """Ri Yong Gil holds a position and is designated, Mazie Hirono sponsors a bill: both
    merged into Kim Jong Un (designated by the US), then reverted, in reverse order. Jong
    Kyong Thaek is designated by the EU on the same day as Ri Yong Gil: a merge of the two
    would list one person twice, and is refused."""
    editor = user_in("Editor")
    reader = staff_reader()
    survivor = Actor.objects.get(pk="kim-jong-un")
    designated = Actor.objects.get(pk="ri-yong-gil")
    sponsor = Actor.objects.get(pk="mazie-hirono")
    assert designated.positions_held.exists() and Designation.objects.filter(target=designated)
    assert sponsor.sponsorships.exists()
    with pytest.raises(ValidationError, match="merge those two first"):
        merge_records(Actor.objects.get(pk="jong-kyong-thaek"), designated, editor)
    pointing = pointing_at(designated) + pointing_at(sponsor)
    before = snapshot(reader, [survivor, designated, sponsor, *pointing])

    merges = [merge_records(survivor, other, editor) for other in (designated, sponsor)]
    assert pointing_at(designated) == pointing_at(sponsor) == []
    assert PositionHeld.objects.filter(person=survivor).count() >= 1
    assert Designation.objects.filter(target=survivor).count() == 2
    assert survivor.sponsorships.count() == 1
    for other in (designated, sponsor):
        assert reader.get(f"{API}/actors/{other.pk}/").status_code == 301
        found = APIClient().get(f"{API}/actors/", {"search": other.name}).json()["results"]
        assert survivor.pk in [row["id"] for row in found]

    for merge in reversed(merges):
        revert_merge(merge, editor)
    assert_same(snapshot(reader, [survivor, designated, sponsor, *pointing]), before)
    found = APIClient().get(f"{API}/actors/", {"search": "Ri Yong Gil"}).json()["results"]
    assert [row["id"] for row in found][:1] == ["ri-yong-gil"]
    assert survivor.pk not in [row["id"] for row in found]


# --- every registered type -------------------------------------------------------------------


def fill_links(record) -> None:
    """Give `record` a link in every many-to-many field that links to its type, and links
    of its own in each of its own fields."""
    model = type(record)._meta.concrete_model
    for m2m in links_to(model):
        owner_factory = factory_for_model(m2m.model)
        if owner_factory is not None:
            getattr(owner_factory(), m2m.name).add(record)
    for m2m in own_links(model):
        target_factory = factory_for_model(m2m.related_model)
        if target_factory is not None:
            getattr(record, m2m.name).add(target_factory())


def factory_for_model(model):
    import inspect

    from factory.django import DjangoModelFactory

    for _, member in inspect.getmembers(factories, inspect.isclass):
        if (
            issubclass(member, DjangoModelFactory)
            and not member._meta.abstract
            and member._meta.model is model
        ):
            return member
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("record_type", TYPES, ids=[t.prefix for t in TYPES])
def test_every_type_merges_with_every_relation_filled_and_reverts(record_type):
    editor = user_in("Editor")
    reader = staff_reader()
    make = factory_for(record_type)
    survivor, duplicate = make(), make()
    add_every_row(duplicate)
    fill_links(duplicate)
    pointing = pointing_at(duplicate)
    assert pointing, f"{record_type.prefix}: nothing points at the duplicate"
    before = snapshot(reader, [survivor, duplicate, *pointing])
    counts = record_counts()

    merge = merge_records(survivor, duplicate, editor)
    model = record_type.model._meta.concrete_model
    assert not model._base_manager.filter(pk=duplicate.pk).exists()
    assert pointing_at(duplicate) == []
    moved = pointing_at(survivor)
    dropped = [m for m in merge.moves if m["kind"] == "dropped"]
    assert len(moved) >= len(pointing) - len(dropped)
    response = reader.get(f"{API}/{record_type.prefix}/{duplicate.pk}/")
    assert response.status_code == 301
    assert response["Location"].endswith(f"/{record_type.prefix}/{survivor.pk}/")

    revert_merge(merge, editor)
    assert_same(snapshot(reader, [survivor, duplicate, *pointing]), before)
    assert pointing_at(duplicate) == pointing
    # Rows as before (history grew by the merge and its revert; the merge is kept).
    assert record_counts() == {**counts, "nkhr.MergedRecord": 1}


def record_counts() -> dict:
    return {
        label: count
        for label, count in database_counts().items()
        if ".Historical" not in label and (count or label == "nkhr.MergedRecord")
    }


# --- the API ---------------------------------------------------------------------------------


def merge_url(record) -> str:
    return f"{API}/actors/{record.pk}/merge/"


@pytest.mark.django_db
def test_the_api_merges_with_if_match_and_the_merged_id_moves_permanently():
    editor = user_in("Editor")
    client = token_client(editor)
    survivor = factories.PersonFactory(name="Kim Jong Un")
    duplicate = factories.PersonFactory(name="Kim Jong-eun")
    url = f"{API}/actors/{survivor.pk}/"
    response = client.post(
        merge_url(survivor),
        {"duplicate": duplicate.pk, "comment": "one man"},
        format="json",
        HTTP_IF_MATCH=etag(client, url),
    )
    assert response.status_code == 200, response.content
    assert "Kim Jong-eun" in [alias["name"] for alias in response.json()["aliases"]]
    assert response["ETag"] == etag(client, url)
    public = APIClient()
    for path in ("", "history/"):
        moved = public.get(f"{API}/actors/{duplicate.pk}/{path}?format=json")
        assert moved.status_code == 301
        assert moved["Location"] == f"http://testserver{url}{path}?format=json"
    assert public.get(f"{API}/actors/", {"search": "Kim Jong-eun"}).json()["results"][0]["id"] == (
        survivor.pk
    )
    # The id stays reserved: a create with it is refused, naming `id`.
    created = client.post(
        f"{API}/actors/", {"id": duplicate.pk, "name": "Another", "kind": "person"}, format="json"
    )
    assert created.status_code == 400
    assert "reserved" in created.json()["id"][0]
    # Merged already: said so.
    again = client.post(
        merge_url(survivor), {"duplicate": duplicate.pk}, format="json", HTTP_IF_MATCH="*"
    )
    assert again.status_code == 400
    assert "merged into" in again.json()["duplicate"][0]


@pytest.mark.django_db
def test_a_merged_id_answers_in_the_same_queries_however_many_merges_there_are(
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = user_in("Editor")
    survivor = factories.PersonFactory()
    duplicate = factories.PersonFactory()
    merge_records(survivor, duplicate, editor)
    client = APIClient()
    url = f"{API}/actors/{duplicate.pk}/"
    client.get(url)  # content types cached outside the count
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 301
    for _ in range(5):
        merge_records(survivor, factories.PersonFactory(), editor)
    with django_assert_num_queries(len(one)):
        assert client.get(url).status_code == 301


@pytest.mark.django_db
def test_the_public_is_not_sent_to_a_draft():
    editor = user_in("Editor")
    survivor = factories.PersonFactory(publication=Publication.DRAFT)
    duplicate = factories.PersonFactory()
    merge_records(survivor, duplicate, editor)
    assert APIClient().get(f"{API}/actors/{duplicate.pk}/").status_code == 404
    assert staff_reader().get(f"{API}/actors/{duplicate.pk}/").status_code == 301


def refused(client, survivor, body, **headers):
    """A merge request, and that it wrote nothing."""
    counts = database_counts()
    versions = Actor.history.count()
    response = client.post(merge_url(survivor), body, format="json", **headers)
    assert database_counts() == counts
    assert Actor.history.count() == versions
    return response


@pytest.mark.django_db
def test_refused_merges_say_why_and_write_nothing():
    editor = user_in("Editor")
    client = token_client(editor)
    survivor = factories.PersonFactory()
    duplicate = factories.PersonFactory()
    instrument = factories.InstrumentFactory()
    url = f"{API}/actors/{survivor.pk}/"

    response = refused(client, survivor, {"duplicate": instrument.pk}, HTTP_IF_MATCH="*")
    assert response.status_code == 400 and "duplicate" in response.json()
    response = refused(client, survivor, {"duplicate": survivor.pk}, HTTP_IF_MATCH="*")
    assert response.status_code == 400
    assert response.json()["duplicate"] == ["A record cannot be merged into itself."]
    body = {"duplicate": duplicate.pk}
    assert refused(client, survivor, body).status_code == 428
    stale = etag(client, url)
    survivor.description = "changed meanwhile"
    survivor.save()
    response = refused(client, survivor, body, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    # Without the right: an analyst; a curator while a record is published.
    analyst = token_client(user_in("Analyst"))
    response = refused(analyst, survivor, body, HTTP_IF_MATCH="*")
    assert response.status_code == 403 and "may not" in response.json()["detail"]
    curator = token_client(user_in("Curator"))
    response = refused(curator, survivor, body, HTTP_IF_MATCH="*")
    assert response.status_code == 403 and "editors" in response.json()["detail"]
    assert refused(APIClient(), survivor, body, HTTP_IF_MATCH="*").status_code == 401
    # The service refuses records of two types as well (the route finds no such actor).
    with pytest.raises(ValidationError) as different:
        merge_records(survivor, instrument, editor)
    assert "only records of one type merge" in str(different.value)
    # Different kinds of actor: what points at a person may not point at a ministry.
    ministry = factories.OrganisationFactory(kind=Actor.Kind.MINISTRY)
    response = refused(client, survivor, {"duplicate": ministry.pk}, HTTP_IF_MATCH="*")
    assert response.status_code == 400 and "kind" in response.json()["duplicate"][0]


@pytest.mark.django_db
def test_a_curator_merges_drafts():
    curator = user_in("Curator")
    survivor = factories.PersonFactory(publication=Publication.DRAFT)
    duplicate = factories.PersonFactory(publication=Publication.DRAFT)
    client = token_client(curator)
    response = client.post(
        merge_url(survivor), {"duplicate": duplicate.pk}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200, response.content
    assert MergedRecord.objects.standing().get().merged_by == curator


@pytest.mark.django_db
def test_a_record_that_would_duplicate_one_of_the_survivors_is_refused():
    editor = user_in("Editor")
    survivor = factories.PersonFactory()
    duplicate = factories.PersonFactory()
    listing = factories.DesignationFactory(target=survivor)
    factories.DesignationFactory(
        target=duplicate, regime=listing.regime, authority=listing.authority, listed=listing.listed
    )
    response = refused(
        token_client(editor), survivor, {"duplicate": duplicate.pk}, HTTP_IF_MATCH="*"
    )
    assert response.status_code == 400
    assert "merge those two first" in response.json()["duplicate"][0]


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_merges_two_selected_records_and_reverts(client):
    editor = user_in("Editor")
    client.force_login(editor)
    survivor = factories.PersonFactory(name="Jong Kyong Thaek")
    duplicate = factories.PersonFactory(name="Chong Kyong-taek")
    factories.DesignationFactory(target=duplicate)
    changelist = "/admin/nkhr/actor/"
    one = client.post(
        changelist, {"action": "merge_two_records", "_selected_action": [survivor.pk]}
    )
    assert "Select exactly two records to merge." in client.get(changelist).content.decode()
    assert one.status_code == 302
    page = client.post(
        changelist,
        {"action": "merge_two_records", "_selected_action": [survivor.pk, duplicate.pk]},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chong Kyong-taek" in html and "Designations (target): 1" in html
    fields = [
        (name, value) for name, value in submitted_fields(html, "merge-form") if name != "survivor"
    ]
    fields.append(("survivor", survivor.pk))
    done = client.post(changelist, as_post_data(fields))
    assert done.status_code == 302 and done["Location"].endswith(f"/actor/{survivor.pk}/change/")
    assert Designation.objects.get().target_id == survivor.pk
    # B's change page leads to A's.
    moved = client.get(f"/admin/nkhr/actor/{duplicate.pk}/change/")
    assert moved.status_code == 302 and moved["Location"].endswith(f"/actor/{survivor.pk}/change/")
    # An admin add with B's id is refused, naming it.
    add = client.get("/admin/nkhr/actor/add/")
    data = admin_form_post(add.content.decode())
    data.update({"id": [duplicate.pk], "name": ["Another"], "kind": ["person"]})
    refused_add = client.post("/admin/nkhr/actor/add/", data)
    assert refused_add.status_code == 200
    assert "stays reserved" in str(refused_add.context["adminform"].form.errors["id"])
    # B's history stays readable, ending in the merge.
    history = client.get(f"/admin/nkhr/actor/{duplicate.pk}/history/")
    assert history.status_code == 200
    assert f"Merged into {survivor.pk}" in history.content.decode()
    # Not restored as a deleted record: its rows live on in the survivor.
    restore = client.post(
        "/admin/deleted-records/restore/", {"model": "nkhr.actor", "id": duplicate.pk}, follow=True
    )
    assert "revert the merge" in restore.content.decode()
    # Merged records, with the Revert button.
    page = client.get("/admin/merged-records/")
    assert page.status_code == 200 and duplicate.pk in page.content.decode()
    merge = MergedRecord.objects.get()
    form = submitted_fields(page.content.decode(), f"revert-merge-{merge.pk}")
    reverted = client.post("/admin/merged-records/revert/", as_post_data(form))
    assert reverted.status_code == 302
    assert reverted["Location"].endswith(f"/actor/{duplicate.pk}/change/")
    assert Designation.objects.get().target_id == duplicate.pk
    assert Actor.objects.filter(pk=duplicate.pk).exists()
    assert "Revert" not in client.get("/admin/merged-records/").content.decode().split("<tbody>")[1]


# --- imports ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_does_not_create_a_record_with_a_merged_id():
    from nkhr.resources import ActorResource
    from tests.import_base import row_errors, run_import

    editor = user_in("Editor")
    source = factories.SourceFactory()
    survivor = factories.PersonFactory(name="Kim Jong Un")
    duplicate = factories.PersonFactory(name="Kim Chong-un", id="kim-jong-eun")
    merge_records(survivor, duplicate, editor)
    row = {"name": "Another", "kind": "person", "citation_source": source.pk}
    given = run_import(ActorResource, [{**row, "id": duplicate.pk}], editor, dry_run=True)
    assert "stays reserved" in str(row_errors(given))
    # An id made from the name skips it.
    made = run_import(ActorResource, [{**row, "name": "Kim Jong-eun"}], editor)
    assert not made.has_validation_errors(), row_errors(made)
    assert Actor.objects.filter(name="Kim Jong-eun").get().pk == "kim-jong-eun-2"

"""Change history: every change is recorded with its user and channel, the admin shows it as
field-level diffs, and a curator can revert a record to an earlier version."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from nkhr.admin.history import row_versions
from nkhr.history import is_tracked, recording_channel
from nkhr.models import Actor, Alias, Event, Instrument, Publication
from nkhr.services import restore_deleted
from tests.admin_base import (
    admin_url,
    change_url,
    count_queries,
    factory_for,
    model_admins,
    post_data_from,
)
from tests.api_base import if_match
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    EventFactory,
    LegislationFactory,
    PersonFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db


def member_of(group: str, username: str | None = None) -> User:
    user = User.objects.create_user(username=username or group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def admin_client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_url(obj) -> str:
    return admin_url(type(obj), "history", obj.pk)


def version_url(obj, version) -> str:
    return admin_url(type(obj), "simple_history", obj.pk, version.history_id)


def form_data(response) -> dict:
    """What a browser submits from a version page (read from its HTML, as for change pages)."""
    return post_data_from(response)


def newest(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id")


# --- what is recorded ------------------------------------------------------------------------


def test_orm_changes_are_recorded_with_the_channel_they_came_through():
    person = PersonFactory(name="Ri Yong Gil")
    person.name = "Ri Yong-gil"
    with recording_channel("import"):
        person.save()

    latest, first = newest(person)[:2]
    assert (latest.history_type, latest.history_channel, latest.history_user) == (
        "~",
        "import",
        None,
    )
    assert (first.history_type, first.history_channel) == ("+", "command")
    assert "name" in latest.diff_against(first).changed_fields


def test_admin_changes_are_recorded_with_the_user_and_the_admin_channel():
    # A draft: a curator's change to a published record waits for an editor (nkhr.pending).
    person = PersonFactory(name="Kim Yo Jong", publication=Publication.DRAFT)
    curator = member_of("Curator")
    client = admin_client_for(curator)
    data = post_data_from(client.get(change_url(person)))
    data["name"] = "Kim Yo-jong"

    response = client.post(change_url(person), data)

    assert response.status_code == 302
    latest = newest(person).first()
    assert (latest.history_user, latest.history_channel, latest.name) == (
        curator,
        "admin",
        "Kim Yo-jong",
    )


def test_inline_rows_edited_in_the_admin_are_recorded_as_their_own_history():
    person = PersonFactory(name="Choe Ryong Hae", publication=Publication.DRAFT)
    client = admin_client_for(member_of("Curator"))
    data = post_data_from(client.get(change_url(person)))
    data.update(
        {
            "aliases-TOTAL_FORMS": "1",
            "aliases-0-name": "최룡해",
            "aliases-0-kind": "native",
            "aliases-0-language": "ko",
            "aliases-0-script": "Hang",
        }
    )

    response = client.post(change_url(person), data)

    assert response.status_code == 302, response.context["errors"]
    alias = Alias.objects.get(actor=person)
    version = Alias.history.get(id=alias.pk)
    assert (version.history_type, version.history_channel, version.history_user.username) == (
        "+",
        "admin",
        "curator",
    )


def test_api_changes_are_recorded_with_the_user_and_the_api_channel():
    person = PersonFactory(name="Pak Pong Ju")
    editor = member_of("Editor")
    client = APIClient()
    client.force_authenticate(editor)

    url = f"/api/v1/actors/{person.pk}/"
    response = client.patch(url, {"description": "Premier"}, format="json", **if_match(client, url))

    assert response.status_code == 200, response.content
    latest = newest(person).first()
    assert (latest.history_user, latest.history_channel, latest.description) == (
        editor,
        "api",
        "Premier",
    )


# --- the history page ------------------------------------------------------------------------


def test_history_page_shows_each_change_as_field_old_and_new_with_who_and_channel():
    person = PersonFactory(name="Jong Kyong Thaek", status=Actor.Status.ACTIVE)
    person.name = "Jong Kyong-thaek"
    person.status = Actor.Status.DECEASED
    person._change_reason = "Spelling from the UN list"
    with recording_channel("import"):
        person.save()
    client = admin_client_for(member_of("Curator"))

    response = client.get(history_url(person))

    assert response.status_code == 200
    page = response.content.decode()
    changes = response.context["page_obj"].object_list[0].history_delta_changes
    assert {"field": "Name", "old": "Jong Kyong Thaek", "new": "Jong Kyong-thaek"} in changes
    # Choices read as labels, not stored codes; timestamps are not listed as changes.
    status = next(change for change in changes if change["field"] == "Status")
    assert (status["old"], status["new"]) == (
        str(Actor.Status.ACTIVE.label),
        str(Actor.Status.DECEASED.label),
    )
    assert not any(change["field"] in ("Created", "Updated") for change in changes)
    assert "Spelling from the UN list" in page
    assert "bulk import" in page  # the channel, as displayed
    assert "Jong Kyong Thaek&nbsp;&rarr;&nbsp;Jong Kyong-thaek" in page


def test_versions_are_numbered_per_record_from_one():
    person = PersonFactory(name="Ri Yong Gil")
    PersonFactory(name="Someone else").save()  # versions of others do not count
    AliasFactory(actor=person, name="Ri Yong-gil")
    for name in ("Ri Yong-gil", "Ri Yonggil"):
        person.name = name
        person.save()
    client = admin_client_for(member_of("Editor"))

    page = client.get(history_url(person))

    numbers = [version.version_number for version in page.context["page_obj"]]
    assert numbers == [3, 2, 1]
    text = page.content.decode()
    assert "version 3" in text and "version 1" in text
    # Its alias and its citation, each at its first version.
    assert [entry["version"].version_number for entry in page.context["row_versions"]] == [1, 1]
    api = APIClient().get(f"/api/v1/actors/{person.pk}/history/").json()
    assert [entry["number"] for entry in api] == [3, 2, 1]


def test_long_text_changes_are_shown_in_full_as_a_word_diff():
    before = (
        "The Commission of Inquiry found that systematic, widespread and gross human rights "
        "violations have been and are being committed by the DPRK, its institutions and officials."
    )
    after = before.replace("widespread and gross", "widespread, gross")
    person = PersonFactory(description=before)
    person.description = after
    person.save()
    person.name = "A name of more than eighty characters is shown in full, never cut in the middle"
    person.save()
    client = admin_client_for(member_of("Editor"))

    text = client.get(history_url(person)).content.decode()

    assert "<del>widespread and</del><ins>widespread,</ins> gross" in text
    assert "officials." in text  # the end of the text, not cut off
    assert "never cut in the middle" in text


def test_history_page_also_lists_changes_to_aliases_and_citations():
    person = PersonFactory()
    alias = AliasFactory(actor=person, name="Kim Jong Un")
    alias.name = "Kim Jong-un"
    alias.save()
    citation = person.citations.get()
    citation.page = "12"
    citation.save()
    client = admin_client_for(member_of("Curator"))

    response = client.get(history_url(person))

    entries = response.context["row_versions"]
    kinds = {str(entry["kind"]) for entry in entries}
    assert kinds == {str(Alias._meta.verbose_name), "citation"}
    alias_change = next(
        entry for entry in entries if entry["changes"] and entry["kind"] == Alias._meta.verbose_name
    )
    assert {"field": "Name", "old": "Kim Jong Un", "new": "Kim Jong-un"} in alias_change["changes"]
    assert "Kim Jong-un" in response.content.decode()


def make_versions(person, count: int) -> None:
    for number in range(count):
        person.description = f"Version {number}"
        person.save()
        alias = AliasFactory(actor=person)
        alias.name = f"{alias.name} (changed)"
        alias.save()


def test_history_page_queries_do_not_grow_with_the_number_of_versions():
    few, many = DesignationFactory(), DesignationFactory()
    for designation in (few, many):
        AliasFactory(actor=designation.target)
    make_versions(few.target, 1)
    make_versions(many.target, 11)
    client = admin_client_for(member_of("Curator"))
    client.get(history_url(few.target))  # warm caches (content types, session)

    assert Actor.history.filter(id=few.target.pk).count() == 2
    assert Actor.history.filter(id=many.target.pk).count() == 12
    with_two = count_queries(client, history_url(few.target))
    assert count_queries(client, history_url(many.target)) == with_two
    # A record whose text names other records (a designation: its target and regime).
    few.reference, many.reference = "first", "first"
    for designation in (few, many):
        designation.save()
    for number in range(10):
        many.reference = f"reference {number}"
        many.save()
    assert count_queries(client, history_url(many)) == count_queries(client, history_url(few))


def test_row_versions_cost_one_query_per_kind_of_row(django_assert_max_num_queries):
    person = PersonFactory()
    make_versions(person, 5)
    # Content type of the citations' lookup, then one query per kind of dependent row.
    with django_assert_max_num_queries(1 + len(Actor._meta.related_objects) + 1):
        entries = row_versions(Actor, person.pk)
        [str(entry["label"]) for entry in entries]
    assert len(entries) >= 10


def change_a_value(obj) -> None:
    """Change a text column of `obj` (or, lacking one, a choice), so that its next save is
    a new version."""
    fields = [
        field
        for field in obj._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not (field.primary_key or field.unique)
    ]
    text = next((field for field in fields if not field.choices), None)
    if text is not None:
        value = getattr(obj, text.attname) or ""
        setattr(obj, text.attname, f"{value} (changed)"[-(text.max_length or 1000) :])
        return
    field = next(field for field in fields if field.choices)
    current = getattr(obj, field.attname)
    setattr(obj, field.attname, next(v for v, _ in field.flatchoices if v and v != current))


TRACKED_ADMINS = [
    pytest.param(model_admin, id=model._meta.label)
    for model, model_admin in model_admins()
    if is_tracked(model)
]


@pytest.mark.parametrize("model_admin", TRACKED_ADMINS)
def test_every_history_page_and_version_page_renders(model_admin):
    obj = factory_for(model_admin.model)()
    change_a_value(obj)
    obj.save()
    client = admin_client_for(member_of("Editor"))

    response = client.get(history_url(obj))

    assert response.status_code == 200
    versions = response.context["page_obj"].object_list
    assert len(versions) >= 2
    assert client.get(version_url(obj, versions[-1])).status_code == 200


# --- revert ----------------------------------------------------------------------------------


def test_revert_through_the_admin_restores_the_old_values_as_a_new_version():
    person = PersonFactory(
        name="Ri Son Gwon", description="Chairman", publication=Publication.DRAFT
    )
    first = newest(person).first()
    person.name = "Ri Son-gwon"
    person.description = "Minister of Foreign Affairs"
    person.save()
    curator = member_of("Curator")
    client = admin_client_for(curator)
    page = client.get(version_url(person, first))
    assert page.status_code == 200
    assert b"Revert" in page.content

    response = client.post(version_url(person, first), {**form_data(page), "_save": "Revert"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.description) == ("Ri Son Gwon", "Chairman")
    latest = newest(person).first()
    # Numbered among the record's own versions, as its history page shows them.
    assert latest.history_change_reason == "Reverted to version 1"
    assert (latest.history_user, latest.history_channel) == (curator, "admin")
    assert newest(person).count() == 3


def test_revert_brings_back_the_links_of_the_version():
    event = EventFactory(publication=Publication.DRAFT)
    first, second = ResolutionFactory(), ResolutionFactory()
    event.instruments.add(first)
    linked_to_first = newest(event).first()
    event.instruments.set([second])
    client = admin_client_for(member_of("Curator"))

    page = client.get(version_url(event, linked_to_first))
    response = client.post(version_url(event, linked_to_first), form_data(page))

    assert response.status_code == 302
    assert list(event.instruments.values_list("pk", flat=True)) == [first.pk]


def test_restore_brings_back_the_links_of_a_deleted_record():
    event = EventFactory()
    instrument, bill = ResolutionFactory(), LegislationFactory()
    event.instruments.add(instrument)
    event.legislation.add(bill)
    public_id = event.pk
    event.delete()

    restored = restore_deleted(Event, public_id, member_of("Editor"))

    assert list(restored.instruments.values_list("pk", flat=True)) == [instrument.pk]
    assert list(restored.legislation.values_list("pk", flat=True)) == [bill.pk]


def test_revert_leaves_the_publication_state_to_the_workflow():
    person = PersonFactory(name="Old name", publication=Publication.DRAFT)
    first = newest(person).first()
    person.name = "New name"
    person.publication = Publication.PUBLISHED
    person.save()
    # An editor: a curator's revert of a published record would wait for one.
    client = admin_client_for(member_of("Editor"))
    page = client.get(version_url(person, first))

    client.post(version_url(person, first), {**form_data(page), "_save": "Revert"})

    person.refresh_from_db()
    assert (person.name, person.publication) == ("Old name", Publication.PUBLISHED)


def test_revert_of_a_proxy_record_goes_through_its_own_page():
    resolution = ResolutionFactory(title="Situation of human rights in the DPRK")
    first = Instrument.history.filter(id=resolution.pk).get()
    resolution.title = "Wrong title"
    resolution.save()
    client = admin_client_for(member_of("Editor"))
    assert client.get(history_url(resolution)).status_code == 200
    page = client.get(version_url(resolution, first))

    client.post(version_url(resolution, first), {**form_data(page), "_save": "Revert"})

    resolution.refresh_from_db()
    assert resolution.title == "Situation of human rights in the DPRK"


def test_revert_needs_the_change_permission():
    person = PersonFactory(name="Kept")
    first = newest(person).first()
    person.name = "Changed"
    person.save()
    client = admin_client_for(member_of("Analyst"))
    page = client.get(version_url(person, first))
    assert page.status_code == 200
    assert page.context["revert_disabled"]

    response = client.post(version_url(person, first), {"name": "Kept", "kind": "person"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name == "Changed"

"""Search documents (nkhr/documents.py): built from the record type's spec, kept current in
the same transaction as the change that makes them stale, and never giving the public a
name it may not see."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr import documents
from nkhr.matching import Kind
from nkhr.models import Actor, Publication
from nkhr.names import name_forms
from sanctions.models import Designation
from tests import factories

pytestmark = pytest.mark.django_db


def stored(record):
    return type(record)._base_manager.values(*documents.DOCUMENT_FIELDS).get(pk=record.pk)


def names(record, kind=None):
    return [entry[0] for entry in stored(record)["search_names"] if kind in (None, entry[2])]


def test_a_record_is_found_by_its_name_aliases_and_abbreviations():
    body = factories.OrganisationFactory(name="Commission of Inquiry on Human Rights")
    factories.AliasFactory(actor=body, name="조사위원회", language="ko")
    document = stored(body)
    assert names(body, Kind.NAME) == ["Commission of Inquiry on Human Rights"]
    assert names(body, Kind.ALIAS) == ["조사위원회"]
    assert "coi" in names(body, Kind.ABBREVIATION)
    # Every name's words romanized, folded and run together (nkhr.names.name_forms).
    assert f"|{name_forms('Commission of Inquiry on Human Rights')[0]}|" in document["search_keys"]
    assert "|coi|" in document["search_keys"]
    alias = next(entry for entry in document["search_names"] if entry[2] == Kind.ALIAS)
    assert alias[3:5] == ["ko", "Hang"]


def test_aliases_added_changed_and_removed_reach_the_record_and_what_links_to_it():
    person = factories.PersonFactory(name="Jong Kyong Thaek")
    designation = factories.DesignationFactory(target=person)
    alias = factories.AliasFactory(actor=person, name="Chong Kyong-thaek")
    assert "Chong Kyong-thaek" in names(person)
    assert "Chong Kyong-thaek" in names(designation, Kind.LINK)
    alias.name = "정경택"
    alias.save()
    assert "정경택" in names(designation) and "Chong Kyong-thaek" not in names(designation)
    alias.delete()
    assert names(person) == ["Jong Kyong Thaek"]
    assert names(designation, Kind.LINK) == ["Jong Kyong Thaek"]


def test_a_target_renamed_or_changed_renames_its_designations():
    person = factories.PersonFactory(name="Ri Yong Gil")
    other = factories.PersonFactory(name="Kim Su Gil")
    designation = factories.DesignationFactory(target=person)
    person.name = "Ri Yong-gil"
    person.save()
    assert names(designation, Kind.LINK) == ["Ri Yong-gil"]
    designation.target = other
    designation.save()
    assert names(designation, Kind.LINK) == ["Kim Su Gil"]


def test_a_draft_targets_names_stay_out_of_the_public_document():
    person = factories.PersonFactory(name="Pak Hidden Name", publication=Publication.DRAFT)
    designation = factories.DesignationFactory(target=person)
    document, key = stored(designation), name_forms("Pak Hidden Name")[0]
    assert key not in document["search_keys"]
    assert f"|{key}|" in document["search_keys_hidden"]
    public = APIClient().get("/api/v1/search/", {"q": "Pak Hidden Name"}).json()
    assert [hit["id"] for hit in public["results"]] == []
    listed = APIClient().get("/api/v1/designations/", {"search": "Pak Hidden Name"}).json()
    assert listed["count"] == 0
    person.publication = Publication.PUBLISHED
    person.save()
    assert f"|{key}|" in stored(designation)["search_keys"]
    public = APIClient().get("/api/v1/search/", {"q": "Pak Hidden Name"}).json()
    assert {hit["resource"] for hit in public["results"]} == {"actors", "designations"}


def test_rebuilding_gives_what_the_signals_kept():
    person = factories.PersonFactory(name="Kim Yong Chol")
    factories.AliasFactory(actor=person, name="김영철")
    designation = factories.DesignationFactory(target=person)
    before = [stored(person), stored(designation)]
    Actor.objects.filter(pk=person.pk).update(search_names=None, search_keys="")
    Designation.objects.filter(pk=designation.pk).update(search_names=None, search_keys="")
    call_command("rebuild_search_documents", verbosity=0)
    assert [stored(person), stored(designation)] == before


def test_the_document_is_neither_history_nor_api():
    person = factories.PersonFactory(name="Kim Yong Chol")
    history_fields = {field.name for field in Actor.history.model._meta.fields}
    assert not history_fields & set(documents.DOCUMENT_FIELDS)
    body = APIClient().get(f"/api/v1/actors/{person.pk}/").json()
    assert not set(body) & set(documents.DOCUMENT_FIELDS)


def test_a_save_that_changes_nothing_writes_no_version():
    person = factories.PersonFactory(name="Kim Yong Chol")
    versions = person.history.count()
    Actor.objects.get(pk=person.pk).save()
    assert person.history.count() == versions


def test_a_save_changing_no_documented_field_rebuilds_nothing_and_a_rename_does():
    person = factories.PersonFactory(name="Kim Ryong Su")
    designation = factories.DesignationFactory(target=person)
    person = Actor.objects.get(pk=person.pk)

    person.description = "Edited."
    with CaptureQueriesContext(connection) as edited:
        person.save()
    person.name = "Kim Ryong-su"
    with CaptureQueriesContext(connection) as renamed:
        person.save()

    # Only the rename reads (and rewrites) the documents of the records taking its names.
    def read_designations(captured):
        return any("sanctions_designation" in query["sql"] for query in captured)

    assert not read_designations(edited.captured_queries)
    assert read_designations(renamed.captured_queries)
    names = [entry[0] for entry in Designation.objects.get(pk=designation.pk).search_names]
    assert "Kim Ryong-su" in names and "Kim Ryong Su" not in names


def person_with_designations(count: int) -> Actor:
    """A person with aliases, a position and `count` designations, as loaded to be edited."""
    person = factories.PersonFactory(name="Kim Ryong Su")
    factories.AliasFactory(actor=person, name="김룡수", language="ko")
    factories.AliasFactory(actor=person, name="Kim Ryong-su")
    factories.PositionHeldFactory(person=person)
    for _ in range(count):
        factories.DesignationFactory(target=person)
    return Actor.objects.get(pk=person.pk)


def edit_and_rename(person) -> tuple[int, int]:
    """The statements of an edit and of a rename of `person`."""
    person.description = "Edited."
    with CaptureQueriesContext(connection) as edited:
        person.save()
    person.name = f"{person.name} Sun"
    with CaptureQueriesContext(connection) as renamed:
        person.save()
    return len(edited.captured_queries), len(renamed.captured_queries)


@pytest.mark.parametrize("count", [1, 4])
def test_an_edit_and_a_rename_cost_a_constant_number_of_queries(count):
    # What documents add to a save, against the same save without them (other receivers,
    # as the change feed's, are on both sides): an edit nothing; a rename its aliases (the
    # rest of its document is in hand), the stored documents of every record taking its
    # names in one query, and its designations' rewritten in one statement.
    documents.disconnect_saves()
    try:
        without = edit_and_rename(person_with_designations(count))
    finally:
        documents.connect()
    person = person_with_designations(count)
    edited, renamed = edit_and_rename(person)

    assert edited - without[0] == 0
    assert renamed - without[1] == 3
    for designation in Designation.objects.filter(target=person):
        assert designation.search_names == [
            *[entry for entry in designation.search_names if entry[1] != "target"],
            *[[name, "target", Kind.LINK if kind != Kind.ABBREVIATION else kind, *rest]
              for name, _field, kind, *rest in stored(person)["search_names"]],
        ]  # fmt: skip
    assert person.name in names(person)


def test_a_rename_writes_what_a_rebuild_gives():
    person = person_with_designations(3)
    report = factories.ReportFactory(author=person)
    person.name = "Kim Ryong Sun"
    person.publication = Publication.DRAFT
    person.save()
    dependents = [*Designation.objects.filter(target=person), report]
    kept = [stored(person), *map(stored, dependents)]

    documents.rebuild_all()

    assert [stored(person), *map(stored, dependents)] == kept
    assert "Kim Ryong Sun" in names(dependents[0]) and not stored(dependents[0])["search_keys"]

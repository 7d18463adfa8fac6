"""Bulk import and export of actors, legislation and events (nkhr/imports.py, nkhr/resources.py):
every error shown at once by row and field, all rows or none, matching of related records by
id, name or alias, history with channel `import`, CSV/JSON/XLSX, the admin's import page, and
export → import round trips."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from nkhr.dates import DatePrecision
from nkhr.history import Channel
from nkhr.management.commands.bootstrap import paper_fixtures
from nkhr.models import (
    Actor,
    Alias,
    Citation,
    Event,
    Legislation,
    LegislationRelation,
    LegislativeAction,
    Publication,
    Sponsorship,
)
from nkhr.resources import ActorResource, EventResource, LegislationResource
from tests import factories
from tests.admin_base import model_admins
from tests.api_base import database_rows
from tests.import_base import (
    FORMATS,
    dataset,
    export_through_admin,
    round_trip,
    row_errors,
    run_import,
    user_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def curator(django_user_model):
    return user_in_role(django_user_model, "Curator")


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def actor_row(paper, **values) -> dict:
    row = {"name": "Ministry of Unification", "kind": "ministry", "citation_source": paper.pk}
    row.update(values)
    return row


# --- every error at once, nothing written ----------------------------------------------------


def test_dry_run_reports_every_error_by_row_and_field_and_writes_nothing(editor, paper):
    rows = [
        actor_row(paper, id="ministry-of-unification", established="1969-03"),
        actor_row(paper, name="Korea Hana Foundation", kind="foundation", established="2021-13"),
        actor_row(paper, name="Bureau X", kind="department", parent="No Such Ministry"),
        actor_row(paper, name="Uncited Body", kind="agency", citation_source=""),
        actor_row(paper, name="Odd Kind", kind="galaxy", aliases='[{"name": "OK", "kind": "x"}]'),
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    errors = row_errors(result)
    assert set(errors) == {2, 3, 4, 5}
    assert errors[2] == {"established": ["2021-13 is not a real date."]}
    assert errors[3] == {"parent": ["unknown actor 'No Such Ministry'"]}
    assert errors[4] == {"citations": ["missing citation: give citation_source or citations"]}
    assert set(errors[5]) == {"kind", "aliases"}
    assert errors[5]["aliases"] == ["item 1: kind: Value 'x' is not a valid choice."]
    assert not Actor.objects.exists()
    assert not Citation.objects.exists()
    assert not Actor.history.exists()


def test_a_dry_run_of_a_good_file_writes_nothing(editor, paper):
    result = run_import(ActorResource, [actor_row(paper)], editor, dry_run=True)

    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new"]
    assert not Actor.objects.exists()
    assert not Actor.history.exists()


def test_confirmed_import_writes_every_row_with_its_aliases_and_citations(editor, paper):
    aliases = [
        {"name": "통일부", "kind": "native", "language": "ko"},
        {"name": "MOU", "kind": "abbreviation", "language": "en", "source": paper.pk},
    ]
    rows = [
        actor_row(
            paper,
            id="ministry-of-unification",
            country="KR",
            established="1969-03",
            aliases=json.dumps(aliases, ensure_ascii=False),
            citation_section="2.b.(1)",
            citation_footnote="4",
            citation_quote="the Ministry of Unification",
        ),
        actor_row(paper, name="Korea Hana Foundation", kind="foundation", aliases="Hana; 하나재단"),
    ]

    result = run_import(ActorResource, rows, editor)

    assert not result.has_errors() and not result.has_validation_errors()
    ministry = Actor.objects.get(pk="ministry-of-unification")
    assert str(ministry.partial_date("established")) == "1969-03"
    assert (ministry.established, ministry.established_precision) == (
        datetime.date(1969, 3, 1),
        DatePrecision.MONTH,
    )
    assert ministry.publication == Publication.DRAFT
    assert {
        (a.name, a.kind, a.language, a.script, a.source_id) for a in ministry.aliases.all()
    } == {
        ("통일부", "native", "ko", "Hang", None),
        ("MOU", "abbreviation", "en", "Latn", paper.pk),
    }
    citation = ministry.citations.get()
    assert (citation.source_id, citation.section, citation.footnote, citation.quote) == (
        paper.pk,
        "2.b.(1)",
        "4",
        "the Ministry of Unification",
    )
    hana = Actor.objects.get(name="Korea Hana Foundation")
    assert hana.pk == "korea-hana-foundation"
    assert sorted(hana.aliases.values_list("name", flat=True)) == ["Hana", "하나재단"]


def test_one_bad_row_among_good_ones_writes_none_of_them(editor, paper):
    rows = [
        actor_row(paper, name="Body one", kind="agency"),
        actor_row(paper, name="Body two", kind="agency", dissolved="1999-02-30"),
        actor_row(paper, name="Body three", kind="agency"),
    ]

    result = run_import(ActorResource, rows, editor)

    assert set(row_errors(result)) == {2}
    assert not Actor.objects.exists()
    assert not Alias.objects.exists() and not Citation.objects.exists()
    assert not Actor.history.exists()


def test_a_row_failing_in_the_database_rolls_back_every_row(editor, paper, monkeypatch):
    # An error only the database sees (here a save that fails) aborts the whole import too.
    def failing_save(self, *args, **kwargs):
        if self.name == "Body two":
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    original_save = Actor.save
    monkeypatch.setattr(Actor, "save", failing_save)
    rows = [
        actor_row(paper, name="Body one", kind="agency"),
        actor_row(paper, name="Body two", kind="agency"),
    ]

    result = run_import(ActorResource, rows, editor)

    assert result.has_errors()
    assert not Actor.objects.exists() and not Citation.objects.exists()


# --- related records: by id, name or alias, never guessed -----------------------------------


def test_related_records_are_matched_by_id_name_or_alias(editor, paper):
    congress = factories.OrganisationFactory(
        id="us-congress", name="United States Congress", kind=Actor.Kind.LEGISLATURE
    )
    factories.AliasFactory(actor=congress, name="U.S. Congress", language="en")
    committee = factories.OrganisationFactory(
        id="hfac", name="House Foreign Affairs Committee", kind=Actor.Kind.COMMITTEE
    )
    sponsor = factories.PersonFactory(id="ed-royce", name="Ed Royce")
    factories.AliasFactory(actor=sponsor, name="Edward Royce", language="en")
    actions = [
        {"date": "2015-01-13", "kind": "introduced"},
        {"date": "2015-01", "kind": "referred", "actor": "House Foreign Affairs Committee"},
    ]
    row = {
        "jurisdiction": "US",
        "legislature": "U.S. Congress",  # an alias
        "session": "114th Congress",
        "bill_number": "H.R.757",
        "title": "North Korea Sanctions and Policy Enhancement Act of 2016",
        "status": "enacted",
        "sponsors": json.dumps(
            ["Edward Royce", {"actor": "hfac", "role": "cosponsor"}]  # a bare name: a sponsor
        ),
        "actions": json.dumps(actions),
        "aliases": json.dumps(
            ["NKSPEA", {"name": "Policy Enforcement Act", "kind": "as_cited", "source": paper.pk}]
        ),
        "citation_source": "KINU Online Series CO22-19",  # a source by its title
    }

    result = run_import(LegislationResource, [row], editor)

    assert not result.has_validation_errors(), row_errors(result)
    bill = Legislation.objects.get()
    assert bill.pk == "us-114th-congress-hr757"
    assert bill.legislature == congress
    assert {(s.actor_id, s.role) for s in bill.sponsorships.all()} == {
        ("ed-royce", "sponsor"),
        ("hfac", "cosponsor"),
    }
    assert [
        (a.order, a.kind, a.actor_id, str(a.partial_date("date"))) for a in bill.actions.all()
    ] == [
        (1, "introduced", None, "2015-01-13"),
        (2, "referred", committee.pk, "2015-01"),
    ]
    assert bill.citations.get().source == paper
    assert sorted(bill.aliases.values_list("name", "kind", "source")) == [
        ("NKSPEA", "other", None),
        ("Policy Enforcement Act", "as_cited", paper.pk),
    ]
    assert Actor.objects.count() == 3  # nothing created on the way


def test_unknown_and_ambiguous_related_records_are_field_errors(editor, paper):
    one = factories.PersonFactory(id="kim-one", name="Kim Chol")
    two = factories.PersonFactory(id="kim-two", name="Kim Chol (2)")
    factories.AliasFactory(actor=one, name="Kim C.", language="en")
    factories.AliasFactory(actor=two, name="Kim C.", language="en")
    rows = [
        {
            "title": "A workshop",
            "kind": "workshop",
            "start": "2021-07-19",
            "participants": json.dumps(["Kim C.", "Nobody Known"]),
            "instruments": "no-such-resolution",
            "citation_source": paper.pk,
        }
    ]

    result = run_import(EventResource, rows, editor, dry_run=True)

    assert row_errors(result) == {
        1: {
            "participants": [
                "item 1: actor: ambiguous: 'Kim C.' matches kim-one, kim-two",
                "item 2: actor: unknown actor 'Nobody Known'",
            ],
            "instruments": ["unknown instrument 'no-such-resolution'"],
        }
    }
    assert Actor.objects.count() == 2 and not Event.objects.exists()


def test_an_id_wins_over_a_name_that_is_another_records(editor, paper):
    first = factories.OrganisationFactory(id="alpha", name="beta")
    second = factories.OrganisationFactory(id="beta", name="Beta Body")

    result = run_import(ActorResource, [actor_row(paper, name="Part", parent="beta")], editor)

    assert not result.has_validation_errors()
    assert Actor.objects.get(name="Part").parent == second != first


# --- duplicates ------------------------------------------------------------------------------


def test_duplicates_within_the_file_are_errors(editor, paper):
    rows = [
        actor_row(paper, id="mou", name="Ministry of Unification"),
        actor_row(paper, id="mou", name="Ministry of Unification (again)"),
        actor_row(paper, name="Ministry of Unification"),
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    assert row_errors(result) == {
        2: {"id": ["duplicate: id 'mou' is also in row 1"]},
        3: {"name": ["duplicate: same as row 1 ('mou')"]},
    }


def test_duplicates_of_records_in_the_database_are_errors(editor, paper):
    ministry = factories.OrganisationFactory(id="mou", name="Ministry of Unification")
    factories.AliasFactory(actor=ministry, name="MOU", language="en")
    factories.LegislationFactory(jurisdiction="US", session="114th Congress", bill_number="H.R.757")
    rows = [actor_row(paper, name="Ministry of Unification"), actor_row(paper, name="MOU")]
    bill = {
        "jurisdiction": "US",
        "session": "114th Congress",
        "bill_number": "H.R. 757",  # spelled differently, the same number
        "title": "Another title",
        "status": "introduced",
        "citation_source": paper.pk,
    }

    actors = run_import(ActorResource, rows, editor, dry_run=True)
    bills = run_import(LegislationResource, [bill], editor, dry_run=True)

    duplicate = ["duplicate: already recorded as 'mou' (give that id to update it)"]
    assert row_errors(actors) == {1: {"name": duplicate}, 2: {"name": duplicate}}
    assert row_errors(bills) == {
        1: {"__all__": ["A bill with this number already exists in this jurisdiction and session."]}
    }


# --- updates, publication, history -----------------------------------------------------------


def test_a_row_with_an_existing_id_updates_the_record_and_replaces_its_rows(editor, paper):
    ministry = factories.OrganisationFactory(id="mou", name="Ministry of Unification")
    kept = factories.AliasFactory(actor=ministry, name="MOU", language="en", kind="abbreviation")
    factories.AliasFactory(actor=ministry, name="Old name", language="en")
    aliases = [{"name": "MOU", "language": "en", "kind": "abbreviation"}, "통일부"]
    row = actor_row(paper, id="mou", description="Updated.", aliases=json.dumps(aliases))
    row.pop("citation_source")  # its existing citation stays

    result = run_import(ActorResource, [row], editor)

    assert not result.has_validation_errors(), row_errors(result)
    assert [r.import_type for r in result.rows] == ["update"]
    ministry.refresh_from_db()
    assert ministry.description == "Updated."
    assert ministry.publication == Publication.PUBLISHED  # blank publication: unchanged
    assert sorted(ministry.aliases.values_list("name", flat=True)) == ["MOU", "통일부"]
    assert ministry.aliases.get(name="MOU").pk == kept.pk  # unchanged rows are kept
    assert ministry.citations.count() == 1


def test_a_curator_cannot_publish_by_import(curator, paper):
    rows = [
        actor_row(paper, name="Draft body", kind="agency"),
        actor_row(paper, name="Published body", kind="agency", publication="published"),
        actor_row(paper, name="Submitted body", kind="agency", publication="in_review"),
    ]

    result = run_import(ActorResource, rows, curator, dry_run=True)

    assert list(row_errors(result)) == [2]
    assert list(row_errors(result)[2]) == ["publication"]
    assert "You may not publish records" in row_errors(result)[2]["publication"][0]


def test_an_editor_may_publish_by_import_and_records_are_drafts_otherwise(editor, paper):
    rows = [
        actor_row(paper, name="Draft body", kind="agency"),
        actor_row(paper, name="Published body", kind="agency", publication="published"),
    ]

    result = run_import(ActorResource, rows, editor)

    assert not result.has_validation_errors()
    assert dict(Actor.objects.values_list("name", "publication")) == {
        "Draft body": Publication.DRAFT,
        "Published body": Publication.PUBLISHED,
    }


def test_existing_records_move_only_along_the_workflow(curator, paper):
    factories.OrganisationFactory(id="published-body", name="Published body")
    factories.OrganisationFactory(id="draft-body", name="Draft body", publication="draft")
    rows = [
        {"id": "published-body", "publication": "draft"},
        {"id": "draft-body", "publication": "in_review"},
    ]

    result = run_import(ActorResource, rows, curator)

    assert row_errors(result) == {
        1: {"publication": ["A record that is published cannot be made draft."]}
    }
    assert Actor.objects.get(pk="draft-body").publication == Publication.DRAFT  # all or none


def test_a_user_without_change_permission_cannot_update_by_import(django_user_model, paper):
    factories.OrganisationFactory(id="mou", name="Ministry of Unification")
    adder = django_user_model.objects.create_user(username="adder", is_staff=True)
    adder.user_permissions.add(*_permissions("nkhr.add_actor"))
    adder = django_user_model.objects.get(pk=adder.pk)

    result = run_import(ActorResource, [actor_row(paper, id="mou")], adder, dry_run=True)

    assert row_errors(result) == {1: {"id": ["You may not change existing records (id 'mou')."]}}


def _permissions(*names):
    from django.contrib.auth.models import Permission

    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in (name.split(".") for name in names)
    ]


def test_imported_records_and_rows_are_recorded_in_history_as_import(editor, paper):
    aliases = json.dumps([{"name": "MOU", "language": "en"}])
    rows = [actor_row(paper, id="mou", aliases=aliases)]

    run_import(ActorResource, rows, editor, file_name="actors.csv")

    version = Actor.history.get(id="mou")
    assert version.history_channel == Channel.IMPORT
    assert version.history_user == editor
    assert version.history_type == "+"
    assert version.history_change_reason == "import of actors.csv"
    assert Alias.history.get().history_channel == Channel.IMPORT
    assert Citation.history.get().history_channel == Channel.IMPORT


# --- columns: bad lists, unknown columns, relations ahead in the file ------------------------


def test_a_malformed_list_and_an_unknown_key_are_errors_of_their_column(editor, paper):
    rows = [
        actor_row(paper, name="One", aliases='[{"name": "A"'),
        actor_row(paper, name="Two", aliases='[{"nmae": "A"}]'),
    ]

    result = run_import(ActorResource, rows, editor, dry_run=True)

    errors = row_errors(result)
    assert errors[1]["aliases"][0].startswith("Not a valid JSON list")
    assert errors[2]["aliases"] == [
        "item 1: unknown key 'nmae'",
        "item 1: name: This field cannot be blank.",
    ]


def test_an_unknown_column_is_reported_before_any_row(editor, paper):
    result = run_import(ActorResource, [actor_row(paper, nmae="typo")], editor, dry_run=True)

    assert result.has_errors()
    assert "Unknown columns: nmae" in str(result.base_errors[0].error)
    assert not Actor.objects.exists()


def test_bills_may_name_each_other_as_related(editor, paper):
    def bill(number, companion):
        return {
            "id": f"bill-{number.lower()}",
            "jurisdiction": "US",
            "session": "117th Congress",
            "bill_number": number,
            "title": f"Bill {number}",
            "status": "introduced",
            "relations": json.dumps([{"to_legislation": companion, "kind": "companion"}]),
            "citation_source": paper.pk,
        }

    result = run_import(
        LegislationResource, [bill("S1", "bill-hr1"), bill("HR1", "bill-s1")], editor
    )

    assert not result.has_validation_errors() and not result.has_errors(), row_errors(result)
    assert set(LegislationRelation.objects.values_list("from_legislation", "to_legislation")) == {
        ("bill-s1", "bill-hr1"),
        ("bill-hr1", "bill-s1"),
    }


def test_two_primary_sponsors_are_an_error(editor, paper):
    factories.PersonFactory(id="a", name="A")
    factories.PersonFactory(id="b", name="B")
    row = {
        "jurisdiction": "US",
        "title": "Bill",
        "status": "introduced",
        "sponsors": json.dumps(
            [{"actor": "a", "role": "sponsor"}, {"actor": "b", "role": "sponsor"}]
        ),
        "citation_source": paper.pk,
    }

    result = run_import(LegislationResource, [row], editor, dry_run=True)

    assert row_errors(result) == {1: {"sponsors": ["A bill has one primary sponsor."]}}
    assert not Sponsorship.objects.exists()


# --- file formats ----------------------------------------------------------------------------


def test_csv_json_and_xlsx_files_import(editor, paper):
    rows = [
        actor_row(paper, name=f"Body {n}", kind="agency", established="2015-06") for n in range(3)
    ]
    files = {}
    for name, file_class in FORMATS.items():
        files[name] = file_class().export_data(dataset([rows[list(FORMATS).index(name)]]))
    # A hand-written JSON file may give lists as JSON lists rather than text.
    files["json"] = json.dumps(
        [{**rows[2], "aliases": [{"name": "B2", "language": "en"}]}], ensure_ascii=False
    )

    for name, file_class in FORMATS.items():
        imported = file_class().create_dataset(files[name])
        result = run_import(ActorResource, imported, editor)
        assert not result.has_validation_errors() and not result.has_errors(), name

    assert sorted(Actor.objects.values_list("name", "established_precision")) == [
        ("Body 0", "month"),
        ("Body 1", "month"),
        ("Body 2", "month"),
    ]
    assert Alias.objects.get().name == "B2"


# --- the admin's import page -----------------------------------------------------------------


def upload(client, model, content: str, name="actors.csv", file_format=0):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
    file = SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")
    return client.post(url, {"import_file": file, "format": file_format, "resource": "0"})


def test_the_admin_import_page_shows_every_error_then_imports_the_fixed_file(
    client, django_user_model, paper
):
    client.force_login(user_in_role(django_user_model, "Editor"))
    bad = (
        "name,kind,established,parent,citation_source\n"
        f"Ministry of Unification,ministry,1969-03,,{paper.pk}\n"
        f"Korea Hana Foundation,foundation,2021-13,No Such Ministry,{paper.pk}\n"
        "Uncited,agency,,,\n"
    )

    response = upload(client, Actor, bad)

    assert response.status_code == 200
    result = response.context["result"]
    assert row_errors(result) == {
        2: {
            "established": ["2021-13 is not a real date."],
            "parent": ["unknown actor 'No Such Ministry'"],
        },
        3: {"citations": ["missing citation: give citation_source or citations"]},
    }
    assert "confirm_form" not in response.context
    page = response.content.decode()
    # Every error is listed at once, row by row and field by field, not only on hover.
    assert "2 rows have errors; nothing was written" in page
    assert "Row 2, established: 2021-13 is not a real date." in page
    assert "Row 2, parent: unknown actor &#x27;No Such Ministry&#x27;" in page
    assert "Row 3, citations: missing citation" in page
    assert not Actor.objects.exists()

    fixed = bad.replace("2021-13,No Such Ministry", "2021-10,Ministry of Unification").replace(
        "Uncited,agency,,,", f"Uncited,agency,,,{paper.pk}"
    )
    response = upload(client, Actor, fixed)
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    assert not Actor.objects.exists()  # the dry run wrote nothing
    confirm = response.context["confirm_form"]
    process_url = reverse("admin:nkhr_actor_process_import")
    response = client.post(process_url, {name: confirm.initial[name] for name in confirm.fields})

    assert response.status_code == 302
    assert Actor.objects.count() == 3
    assert Actor.objects.get(name="Korea Hana Foundation").parent.name == "Ministry of Unification"
    assert set(Actor.history.values_list("history_channel", flat=True)) == {Channel.IMPORT}


def test_a_confirmed_admin_import_that_fails_after_all_writes_nothing(
    client, django_user_model, paper
):
    client.force_login(user_in_role(django_user_model, "Editor"))
    content = f"name,kind,citation_source\nMinistry of Unification,ministry,{paper.pk}\n"
    response = upload(client, Actor, content)
    confirm = response.context["confirm_form"]
    # Someone records the same actor between the dry run and the confirmation.
    factories.OrganisationFactory(id="mou", name="Ministry of Unification")

    response = client.post(
        reverse("admin:nkhr_actor_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert response.status_code == 200
    assert row_errors(response.context["result"]) == {
        1: {"name": ["duplicate: already recorded as 'mou' (give that id to update it)"]}
    }
    assert list(Actor.objects.values_list("pk", flat=True)) == ["mou"]


def test_the_import_page_needs_the_add_permission(client, django_user_model):
    client.force_login(user_in_role(django_user_model, "Analyst"))

    response = client.get(reverse("admin:nkhr_actor_import"))

    assert response.status_code == 403


# --- export → import round trips -------------------------------------------------------------


def test_actors_round_trip_through_an_admin_export(client, editor, paper):
    ministry = factories.OrganisationFactory(
        id="mou",
        name="Ministry of Unification",
        kind=Actor.Kind.MINISTRY,
        country="KR",
        established=datetime.date(1969, 3, 1),
        established_precision=DatePrecision.MONTH,
        description='Line one,\nline two; with "quotes".',
        url="https://www.unikorea.go.kr",
        wikidata_id="Q482859",
        cited__source=paper,
        cited__section="2.b.(1)",
        cited__quote="통일부",
    )
    factories.CitationFactory(record=ministry, source=paper, footnote="4", note="a note")
    factories.AliasFactory(actor=ministry, name="통일부", language="ko", kind="native")
    factories.AliasFactory(actor=ministry, name="MOU", language="en", source=paper, locator="p. 3")
    bureau = factories.OrganisationFactory(
        id="bureau", name="Zeta bureau", kind=Actor.Kind.DEPARTMENT, publication=Publication.DRAFT
    )
    # A part that sorts before its parent by name: the export must put the parent first.
    factories.OrganisationFactory(id="aaa-office", name="AAA office", parent=bureau)
    bureau.parent = ministry
    bureau.save()
    factories.PersonFactory(
        id="late",
        name="Jong Kyong Thaek",
        status=Actor.Status.DECEASED,
        dissolved=datetime.date(2020, 1, 1),
        dissolved_precision=DatePrecision.YEAR,
    )
    client.force_login(editor)
    exported = export_through_admin(client, Actor, "csv")

    before, after, result = round_trip(
        ActorResource, Actor, editor, "csv", rows=["aliases"], export=exported
    )

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert len(before) == 4
    assert after == before


def test_legislation_round_trips_through_xlsx(editor, paper):
    congress = factories.OrganisationFactory(id="congress", kind=Actor.Kind.LEGISLATURE)
    committee = factories.OrganisationFactory(id="committee", kind=Actor.Kind.COMMITTEE)
    bill = factories.LegislationFactory(
        id="hr757",
        legislature=congress,
        bill_number="H.R.757",
        law_number="Public Law 114-122",
        short_title="NKSPEA",
        status=Legislation.Status.ENACTED,
        introduced=datetime.date(2015, 1, 1),
        introduced_precision=DatePrecision.MONTH,
        enacted=datetime.date(2016, 2, 18),
        enacted_precision=DatePrecision.DAY,
        summary="Sanctions; human rights.",
        url="https://www.congress.gov/bill/114th-congress/house-bill/757",
        cited__source=paper,
    )
    other = factories.LegislationFactory(id="s1", chamber="upper", cited__source=paper)
    factories.SponsorshipFactory(legislation=bill, role="sponsor", party="R")
    factories.SponsorshipFactory(
        legislation=bill, date=datetime.date(2015, 2, 1), date_precision=DatePrecision.MONTH
    )
    factories.LegislativeActionFactory(
        legislation=bill, order=1, date=datetime.date(2015, 1, 13), date_precision=DatePrecision.DAY
    )
    factories.LegislativeActionFactory(
        legislation=bill,
        order=2,
        kind="referred",
        actor=committee,
        chamber="lower",
        description="Referred",
        source=paper,
        locator="p. 2",
    )
    factories.LegislationSectionFactory(
        legislation=bill, label="Sec. 104", heading="Designation", text="…"
    )
    factories.LegislationRelationFactory(from_legislation=bill, to_legislation=other)
    factories.LegislationRelationFactory(
        from_legislation=other, to_legislation=bill, kind="related"
    )

    before, after, result = round_trip(
        LegislationResource,
        Legislation,
        editor,
        "xlsx",
        rows=["sponsorships", "actions", "sections", "relations_out"],
    )

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert len(before) == 2 and before["hr757"]["actions"]
    assert after == before
    assert LegislativeAction.objects.count() == 2


def test_events_round_trip_through_json(editor, paper):
    resolution = factories.ResolutionFactory(id="a-res-76-177")
    bill = factories.LegislationFactory(id="hr757")
    event = factories.EventFactory(
        id="workshop",
        end=datetime.date(2021, 7, 20),
        end_precision=DatePrecision.DAY,
        location="Seoul",
        country="KR",
        visibility="private",
        description="Closed workshop.",
        cited__source=paper,
    )
    event.instruments.add(resolution)
    event.legislation.add(bill)
    factories.EventParticipantFactory(event=event, role="organiser")
    factories.EventParticipantFactory(event=event)
    factories.EventFactory(
        id="visit",
        kind="visit",
        start=datetime.date(2016, 1, 1),
        start_precision=DatePrecision.YEAR,
        end=None,
    )

    before, after, result = round_trip(
        EventResource,
        Event,
        editor,
        "json",
        rows=["participations"],
        m2m=["instruments", "legislation"],
    )

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert len(before) == 2 and before["workshop"]["instruments"] == ["a-res-76-177"]
    assert after == before


# --- importing what is stored changes nothing ------------------------------------------------


def import_resources() -> list:
    """Every resource an admin page imports with, as pytest params."""
    return [
        pytest.param(model, resource, id=resource.__name__)
        for model, model_admin in model_admins()
        for resource in getattr(model_admin, "resource_classes", ())
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "resource_class"), import_resources())
def test_importing_the_paper_as_exported_changes_nothing(editor, model, resource_class):
    # A file that says what is stored (the export of the paper's own records) writes no
    # history version, moves no `updated` and keeps every row with its id.
    call_command("loaddata", *paper_fixtures(), verbosity=0)
    records = model.objects.all()
    assert records.exists()
    exported = resource_class().export(records)
    before = database_rows()

    result = run_import(resource_class, exported, editor)

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert database_rows() == before


def test_a_curators_import_may_not_change_a_published_record(curator, editor, paper):
    # A change to a published record waits for an editor's review, which an import does not
    # hold: the row is refused, and the same row leaving the record as it is passes.
    factories.OrganisationFactory(id="published-body", name="Published body")
    changed = [{"id": "published-body", "name": "Renamed body"}]

    result = run_import(ActorResource, changed, curator, dry_run=True)

    assert row_errors(result) == {
        1: {
            "id": [
                "'published-body' is published: a change to it waits for an editor's review. "
                "Change it on its own page, or ask an editor to import the file."
            ]
        }
    }
    aliases = json.dumps([{"name": "PB", "language": "en"}])
    with_alias = [{"id": "published-body", "aliases": aliases}]
    assert list(row_errors(run_import(ActorResource, with_alias, curator, dry_run=True))) == [1]
    unchanged = [{"id": "published-body", "name": "Published body"}]
    assert not run_import(ActorResource, unchanged, curator, dry_run=True).has_validation_errors()
    assert not run_import(ActorResource, changed, editor).has_validation_errors()
    assert Actor.objects.get(pk="published-body").name == "Renamed body"


def test_imported_records_are_found_by_their_names_and_aliases(editor, paper):
    # An import rebuilds each record's search document once, inside its transaction.
    aliases = json.dumps([{"name": "통일부", "language": "ko"}, {"name": "MOU", "language": "en"}])
    run_import(ActorResource, [actor_row(paper, id="mou", aliases=aliases)], editor)
    entries = Actor.objects.values_list("search_names", flat=True).get(id="mou")
    assert {"통일부", "MOU"} <= {entry[0] for entry in entries}
    dry = run_import(
        ActorResource, [actor_row(paper, id="mou-2", name="Ministry of Dry Runs")], editor,
        dry_run=True,
    )  # fmt: skip
    assert not dry.has_errors() and not Actor.objects.filter(id="mou-2").exists()

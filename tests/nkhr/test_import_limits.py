"""Limits of an import file (nkhr/import_limits.py): its size, its rows and what an XLSX
workbook unpacks to, each refused with a message on the import page (a form error, never a
server error), and XLSX read as a stream. Limits are set low per test."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nkhr.import_limits import FileRefused, Limits, check_zip, read_dataset, read_xlsx
from nkhr.models import Actor
from nkhr.spreadsheets import CSV, XLSX
from tests import factories
from tests.import_base import user_in_role

pytestmark = pytest.mark.django_db

HEADER = "name,kind,citation_source\n"


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(user_in_role(django_user_model, "Editor"))
    return client


@pytest.fixture
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def csv_rows(count: int) -> str:
    return HEADER + "".join(f"Body {number},agency,kinu-co22-19\n" for number in range(count))


def workbook(rows: list[list], dimension: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if dimension is None:
        return data
    # Rewrite the sheet's declared dimensions (as a broken or hostile writer would).
    source = zipfile.ZipFile(io.BytesIO(data))
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                start = content.index(b"<dimension ref=")
                end = content.index(b"/>", start)
                content = content[:start] + f'<dimension ref="{dimension}"'.encode() + content[end:]
            target.writestr(entry, content)
    return rewritten.getvalue()


def upload(client, content: bytes, name: str):
    file = SimpleUploadedFile(name, content)
    return client.post(
        reverse("admin:nkhr_actor_import"), {"import_file": file, "format": "", "resource": "0"}
    )


def file_errors(response) -> list[str]:
    assert response.status_code == 200
    return list(response.context["form"].errors.get("import_file", []))


# --- the upload's size -----------------------------------------------------------------------


def test_a_file_over_the_upload_limit_is_a_form_error(editor_client, paper, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 200
    content = csv_rows(20).encode()
    assert len(content) > 200

    response = upload(editor_client, content, "actors.csv")

    [error] = file_errors(response)
    assert "The file is" in error and "takes files up to 200" in error
    assert "manage.py import_records" in error
    assert "result" not in response.context
    assert not Actor.objects.exists()


def test_a_file_within_the_limits_is_dry_run(editor_client, paper, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10_000
    settings.IMPORT_MAX_ROWS = 20

    response = upload(editor_client, csv_rows(20).encode(), "actors.csv")

    assert file_errors(response) == []
    assert "confirm_form" in response.context


# --- rows ------------------------------------------------------------------------------------


def test_a_csv_file_over_the_row_limit_is_a_form_error(editor_client, paper, settings):
    settings.IMPORT_MAX_ROWS = 5

    response = upload(editor_client, csv_rows(6).encode(), "actors.csv")

    [error] = file_errors(response)
    assert "more than 5 rows" in error
    assert "result" not in response.context


def test_an_xlsx_file_over_the_row_limit_is_refused_without_reading_on(settings):
    rows = [["name", "kind"], *([f"Body {n}", "agency"] for n in range(50))]

    with pytest.raises(FileRefused, match="more than 10 rows"):
        read_xlsx(workbook(rows), Limits(max_rows=10))
    assert read_xlsx(workbook(rows), Limits(max_rows=50)).height == 50


def test_an_xlsx_file_over_the_row_limit_is_a_form_error(editor_client, paper, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["name", "kind", "citation_source"], *([f"B{n}", "agency", paper.pk] for n in range(4))]

    response = upload(editor_client, workbook(rows), "actors.xlsx")

    [error] = file_errors(response)
    assert "more than 3 rows" in error


def test_the_confirm_step_refuses_a_file_over_a_lowered_limit(editor_client, paper, settings):
    response = upload(editor_client, csv_rows(4).encode(), "actors.csv")
    confirm = response.context["confirm_form"]
    settings.IMPORT_MAX_ROWS = 2

    response = editor_client.post(
        reverse("admin:nkhr_actor_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
        follow=True,
    )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("more than 2 rows" in message for message in messages)
    assert not Actor.objects.exists()


# --- what a workbook unpacks to --------------------------------------------------------------


def zip_bomb(declared: int) -> bytes:
    """A small zip whose one entry unpacks to `declared` bytes (zeros compress ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * declared)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_it_is_read(monkeypatch):
    bomb = zip_bomb(8 * 1024 * 1024)
    assert len(bomb) < 20_000

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(FileRefused, match=r"unpacks to 8\.0"):
        read_xlsx(bomb, Limits(max_unpacked_bytes=1024 * 1024))


def test_a_zip_bomb_is_a_form_error_on_the_import_page(editor_client, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024

    response = upload(editor_client, zip_bomb(4 * 1024 * 1024), "actors.xlsx")

    [error] = file_errors(response)
    assert "The workbook unpacks to 4.0" in error and "it was not read" in error


def test_a_file_that_is_not_a_zip_is_a_readable_refusal():
    with pytest.raises(FileRefused, match="not a readable XLSX workbook"):
        check_zip(b"PK\x03\x04 not really a zip", None)


# --- streamed reading ------------------------------------------------------------------------


def test_a_sheet_declaring_huge_dimensions_is_read_as_the_cells_it_has():
    rows = [["name", "kind"], ["A", "agency"], ["B", "ngo"]]

    dataset = read_xlsx(workbook(rows, dimension="A1:XFD1048576"), Limits(max_rows=10))

    assert dataset.headers == ["name", "kind"]
    assert [list(row) for row in dataset] == [["A", "agency"], ["B", "ngo"]]


def test_blank_rows_after_the_last_are_not_rows_and_blank_rows_between_are(settings):
    rows = [["name", "kind"], ["A", "agency"], [None, None], ["B", "ngo"], [None], [None]]

    dataset = read_xlsx(workbook(rows), Limits(max_rows=3))

    assert [list(row) for row in dataset] == [["A", "agency"], [None, None], ["B", "ngo"]]


def test_the_projects_xlsx_reading_still_unquotes_formula_cells():
    # nkhr/spreadsheets.py quotes a cell that a spreadsheet would run; reading undoes it.
    exported = XLSX().export_data(CSV().create_dataset("name,kind\n=SUM(A1),agency\n"))

    dataset = read_dataset(exported, XLSX, Limits(max_rows=5))

    assert list(dataset[0]) == ["=SUM(A1)", "agency"]

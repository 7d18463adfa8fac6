"""The import page's files: a template per resource (CSV and XLSX, the header row of every
column the import reads), and the uploaded file's format read from the file."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats import base_formats

from nkhr.import_files import detect_format
from nkhr.models import Actor
from nkhr.resources import ActorResource
from tests import factories

pytestmark = pytest.mark.django_db

FORMATS = [base_formats.CSV, base_formats.XLSX, base_formats.JSON]
IMPORT_URL = reverse("admin:nkhr_actor_import")
ACTOR_COLUMNS = [field.column_name for field in ActorResource().get_import_fields()]


def template_url(extension: str, resource: int = 0) -> str:
    return reverse("admin:nkhr_actor_import_template", args=[resource, extension])


def xlsx_of(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("actors.csv", b"name,kind\n", "csv"),
        ("ACTORS.XLSX", b"", "xlsx"),
        ("actors.json", b"[]", "json"),
        ("download", b"\xef\xbb\xbfname,kind\nKim,person\n", "csv"),
        ("download", b'  [{"name": "Kim"}]', "json"),
        ("export.txt", "name\n김정은\n".encode(), "csv"),
        ("blob", None, "xlsx"),  # an XLSX file without its extension: a zip
        ("blob", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", None),
    ],
)
def test_the_format_is_read_from_the_extension_or_the_content(name, content, expected):
    if content is None:
        content = xlsx_of([["name"]])
    index = detect_format(SimpleUploadedFile(name, content), FORMATS)
    assert (FORMATS[index]().get_extension() if index is not None else None) == expected


def test_the_import_page_offers_a_template_per_format(staff_client):
    page = staff_client.get(IMPORT_URL).content.decode()
    assert template_url("csv") in page
    assert template_url("xlsx") in page
    # The format menu says it is read from the file, and stays to override the guess.
    assert '<option value="" selected>' in page


def test_the_csv_template_is_the_header_row_of_every_column(staff_client):
    response = staff_client.get(template_url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "actor-import-template.csv" in response["Content-Disposition"]
    assert response.content.decode().strip().split(",") == ACTOR_COLUMNS


def test_the_xlsx_template_is_the_header_row_of_every_column(staff_client):
    response = staff_client.get(template_url("xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in next(sheet.iter_rows())] == ACTOR_COLUMNS


def test_a_template_in_another_format_or_of_no_resource_is_not_found(staff_client):
    assert staff_client.get(template_url("json")).status_code == 404
    assert staff_client.get(template_url("csv", resource=3)).status_code == 404


def test_a_template_needs_the_import_permission(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", is_staff=True)
    client.force_login(viewer)
    assert client.get(template_url("csv")).status_code in (403, 404)


def upload(client, name: str, content: bytes, fmt: str = ""):
    data = {"import_file": SimpleUploadedFile(name, content), "format": fmt, "resource": "0"}
    return client.post(IMPORT_URL, data)


@pytest.fixture
def paper_source():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("actors.csv", b"name,kind,citation_source\nRi Song Chol,person,kinu-co22-19\n"),
        ("actors.xlsx", None),
        (
            "actors-from-a-script",
            json.dumps(
                [{"name": "Ri Song Chol", "kind": "person", "citation_source": "kinu-co22-19"}]
            ).encode(),
        ),
    ],
)
def test_an_upload_without_a_format_is_read_in_the_format_of_the_file(
    staff_client, paper_source, name, content
):
    if content is None:
        content = xlsx_of(
            [["name", "kind", "citation_source"], ["Ri Song Chol", "person", "kinu-co22-19"]]
        )
    response = upload(staff_client, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.valid_rows()] == ["new"]
    assert "confirm_form" in response.context
    assert not Actor.objects.filter(name="Ri Song Chol").exists()  # a dry run


def test_a_chosen_format_overrides_the_guess(staff_client, paper_source):
    csv = b"name,kind,citation_source\nRi Song Chol,person,kinu-co22-19\n"
    response = upload(staff_client, "actors.txt", csv, fmt="0")
    assert response.context["result"].valid_rows()


def test_a_file_of_no_known_format_asks_for_one(staff_client):
    response = upload(staff_client, "blob", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00")
    assert "format" in response.context["form"].errors

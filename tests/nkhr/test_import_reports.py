"""The import page with many errors or rows (nkhr/import_reports.py): the first errors, a
summary by column and message and every error in a report to download, for its own login
only; a preview of the first rows with the counts of all. `IMPORT_PAGE_ROWS` is set low."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nkhr.models import Actor
from tests import factories
from tests.import_base import user_in_role

pytestmark = pytest.mark.django_db

HEADER = "name,kind,established,citation_source\n"


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture(autouse=True)
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


@pytest.fixture(autouse=True)
def few_rows_shown(settings):
    settings.IMPORT_PAGE_ROWS = 5


def upload(client, content: str):
    file = SimpleUploadedFile("actors.csv", content.encode())
    return client.post(
        reverse("admin:nkhr_actor_import"), {"import_file": file, "format": "", "resource": "0"}
    )


def bad_file(bad: int, good: int = 0) -> str:
    lines = [f"Bad {n},agency,2020-13,kinu-co22-19\n" for n in range(bad)]
    lines += [f"Good {n},agency,2020-01,kinu-co22-19\n" for n in range(good)]
    lines.append("Uncited,agency,,\n")
    return HEADER + "".join(lines)


def test_many_errors_show_the_first_a_summary_and_a_report_of_all(client, editor):
    client.force_login(editor)

    response = upload(client, bad_file(bad=30, good=3))

    page = response.content.decode()
    report = response.context["error_report"]
    assert report["count"] == 31 and report["shown"] == 5
    assert "31 rows have errors; nothing was written" in page
    assert "31 errors in all; the first 5 are listed." in page
    assert page.count("Row 1, established: 2020-13 is not a real date.") == 1
    assert "Row 6, established" not in page
    # The summary: each column and message with how many rows have it.
    assert report["summary"] == [
        {"column": "established", "message": "2020-13 is not a real date.", "count": 30},
        {
            "column": "citations",
            "message": "missing citation: give citation_source or citations",
            "count": 1,
        },
    ]
    # The library's table of invalid rows shows as many rows, not all 31.
    assert len(response.context["result"].invalid_rows) == 5
    assert response.context["result"].invalid_row_count == 31

    download = client.get(report["url"])

    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0] == ["row", "column", "message"]
    assert len(rows) == 32
    assert rows[1] == ["1", "established", "2020-13 is not a real date."]
    assert rows[-1] == ["34", "citations", "missing citation: give citation_source or citations"]
    assert not Actor.objects.exists()


def test_a_page_of_thousands_of_errors_stays_small(client, editor, settings):
    settings.IMPORT_PAGE_ROWS = 100
    client.force_login(editor)

    response = upload(client, bad_file(bad=2000))

    assert response.context["error_report"]["count"] == 2001
    # The first hundred errors, the summary and the first hundred invalid rows.
    assert len(response.content) < 300_000


def test_a_report_is_its_logins_only(client, editor, django_user_model):
    client.force_login(editor)
    url = upload(client, bad_file(bad=8)).context["error_report"]["url"]
    other = user_in_role(django_user_model, "Editor", username="other-editor")
    client.force_login(other)

    assert client.get(url).status_code == 404
    assert client.get(url.replace(".csv", "x.csv")).status_code == 404


def test_few_errors_are_all_listed_with_a_report_to_download(client, editor):
    client.force_login(editor)

    response = upload(client, bad_file(bad=2))

    page = response.content.decode()
    assert "Download these errors (CSV)" in page
    assert "errors in all" not in page
    assert "Row 3, citations: missing citation" in page


def test_a_long_preview_shows_its_first_rows_and_counts_all(client, editor):
    client.force_login(editor)
    content = HEADER + "".join(f"Body {n},agency,2020,kinu-co22-19\n" for n in range(12))

    response = upload(client, content)

    assert "confirm_form" in response.context
    page = response.content.decode()
    assert "The first 5 of 12 rows are shown: 12 new, 0 updated." in page
    assert page.count('<tr class="new">') == 5

    confirm = response.context["confirm_form"]
    response = client.post(
        reverse("admin:nkhr_actor_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
    )

    assert response.status_code == 302
    assert Actor.objects.count() == 12

"""`manage.py import_records FILE --resource NAME [--dry-run] [--user USERNAME]`: files too
big for the import page, imported as the page would (nkhr/management/commands/
import_records.py): a dry run writes nothing, an import writes all rows or none, with
history as channel `import`, and a progress bar goes to stderr."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nkhr.history import Channel
from nkhr.models import Actor, Alias, Citation
from tests import factories
from tests.import_base import user_in_role

pytestmark = pytest.mark.django_db

HEADER = ["name", "kind", "established", "aliases", "citation_source"]


@pytest.fixture
def editor(django_user_model):
    return user_in_role(django_user_model, "Editor")


@pytest.fixture(autouse=True)
def paper():
    return factories.SourceFactory(id="kinu-co22-19", title="KINU Online Series CO22-19")


def write_csv(path, count: int, bad_row: int | None = None):
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for number in range(1, count + 1):
            established = "2020-13" if number == bad_row else "2020-01"
            writer.writerow([f"Body {number}", "agency", established, f"B{number}", "kinu-co22-19"])
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_dry_run_checks_every_row_and_writes_nothing(tmp_path, editor):
    path = write_csv(tmp_path / "actors.csv", 25)

    out, err = run(path, "--resource", "actors", "--dry-run", "--user", editor.username)

    assert "Dry run, nothing written. 25 rows" in out
    assert "25 new" in out
    assert not Actor.objects.exists() and not Alias.objects.exists()
    assert not Actor.history.exists() and not Alias.history.exists()
    # The progress bar: rows done, the rate, the time left (a line a tenth when not a tty).
    assert "Checking 25 rows of actors.csv" in err
    assert "25/25 rows" in err and "rows/s" in err and "left" in err


def test_an_import_writes_every_row_with_history_as_channel_import(tmp_path, editor):
    path = write_csv(tmp_path / "actors.csv", 25)

    out, _err = run(path, "--resource", "actors", "--user", editor.username)

    assert "Imported. 25 rows" in out
    assert Actor.objects.count() == 25 and Alias.objects.count() == 25
    assert Citation.objects.count() == 25
    for model in (Actor, Alias, Citation):
        versions = model.history.all()
        assert versions.count() == 25
        assert set(versions.values_list("history_channel", flat=True)) == {Channel.IMPORT}
        assert set(versions.values_list("history_user", flat=True)) == {editor.pk}
        assert set(versions.values_list("history_change_reason", flat=True)) == {
            "import of actors.csv"
        }


def test_an_error_in_one_row_writes_no_row(tmp_path, editor):
    path = write_csv(tmp_path / "actors.csv", 30, bad_row=27)
    report = tmp_path / "errors.csv"

    with pytest.raises(CommandError, match=r"Nothing was imported: 1 error in 1 row\."):
        run(path, "--resource", "actors", "--user", editor.username, "--report", report)

    assert not Actor.objects.exists() and not Alias.objects.exists()
    assert not Citation.objects.exists() and not Actor.history.exists()
    assert list(csv.reader(report.open(encoding="utf-8"))) == [
        ["row", "column", "message"],
        ["27", "established", "2020-13 is not a real date."],
    ]


def test_a_row_the_database_refuses_writes_no_row(tmp_path, editor, monkeypatch):
    path = write_csv(tmp_path / "actors.csv", 12)
    original_save = Actor.save

    def failing_save(self, *args, **kwargs):
        if self.name == "Body 9":
            raise RuntimeError("disk full")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(Actor, "save", failing_save)

    with pytest.raises(CommandError, match="Nothing was imported"):
        run(path, "--resource", "actors", "--user", editor.username, "--no-progress")

    assert not Actor.objects.exists() and not Alias.objects.exists()
    assert not Actor.history.exists()


def test_xlsx_and_json_files_import_like_csv(tmp_path, editor):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["Sheet body", "agency", "2021-07", "SB", "kinu-co22-19"])
    book.save(tmp_path / "actors.xlsx")
    (tmp_path / "actors.json").write_text(
        json.dumps([{"name": "Json body", "kind": "ngo", "citation_source": "kinu-co22-19"}])
    )

    run(tmp_path / "actors.xlsx", "--resource", "actors", "--user", editor.username)
    run(tmp_path / "actors.json", "--resource", "actors", "--user", editor.username)

    assert set(Actor.objects.values_list("name", flat=True)) == {"Sheet body", "Json body"}
    assert str(Actor.objects.get(name="Sheet body").partial_date("established")) == "2021-07"


def test_the_page_limits_do_not_apply_but_a_zip_bomb_is_refused(tmp_path, editor, settings):
    settings.IMPORT_MAX_ROWS = 5
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    path = write_csv(tmp_path / "actors.csv", 20)

    run(path, "--resource", "actors", "--dry-run", "--no-progress")

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))
    with pytest.raises(CommandError, match=r"unpacks to 2\.0"):
        run(bomb, "--resource", "actors", "--max-unpacked-bytes", 1024 * 1024)


def test_unknown_resources_users_and_formats_are_messages(tmp_path):
    path = write_csv(tmp_path / "actors.csv", 1)

    with pytest.raises(CommandError, match=r"Unknown resource 'actor'.*actors.*designations"):
        run(path, "--resource", "actor")
    with pytest.raises(CommandError, match="No login 'nobody'"):
        run(path, "--resource", "actors", "--user", "nobody")
    (tmp_path / "actors.txt").write_text("x")
    with pytest.raises(CommandError, match="give --format"):
        run(tmp_path / "actors.txt", "--resource", "actors")


def test_the_users_permissions_apply(tmp_path, django_user_model):
    curator = user_in_role(django_user_model, "Curator")
    path = tmp_path / "actors.csv"
    path.write_text("name,kind,publication,citation_source\nBody,agency,published,kinu-co22-19\n")

    with pytest.raises(CommandError, match="1 error in 1 row"):
        run(path, "--resource", "actors", "--user", curator.username, "--no-progress")
    assert not Actor.objects.exists()

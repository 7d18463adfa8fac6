"""Bulk dumps (nkhr/dumps.py): built from the paper's records, each file holds what the
streamed exports give the public, byte for byte; served with ETag, 304 and HEAD."""

import gzip
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nkhr import dumps
from nkhr.models import Publication
from sanctions.models import Designation
from tests.factories import DesignationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def _build(**kwargs) -> dumps.BuildResult:
    return dumps.build(write=lambda line: None, **kwargs)


def _file(result, name) -> bytes:
    return (result.path / name).read_bytes()


@pytest.fixture
def built(paper):
    # A draft, and a published designation of a draft target: neither may show as such.
    draft = PersonFactory(name="Draft Person Secret", publication=Publication.DRAFT)
    DesignationFactory(id="designation-of-a-draft", target=draft)
    DesignationFactory(id="draft-designation", publication=Publication.DRAFT)
    return _build()


def test_json_lines_are_the_exports_lines(built):
    dumped = gzip.decompress(_file(built, dumps.JSON_LINES))
    assert dumped == _body(APIClient().get("/api/v1/export/"))
    ids = {json.loads(line)["id"] for line in dumped.splitlines()}
    assert "designation-of-a-draft" in ids
    assert "draft-designation" not in ids
    assert b"Draft Person Secret" not in dumped


def test_csv_members_are_the_exports_csv(built):
    archive = zipfile.ZipFile(io.BytesIO(_file(built, dumps.CSV_ZIP)))
    names = archive.namelist()
    assert names == [f"{resource}.csv" for resource, _ in dumps.resources()]
    for resource, _viewset in dumps.resources():
        expected = _body(
            APIClient().get("/api/v1/export/", {"resource": resource, "format": "csv"})
        )
        assert archive.read(f"{resource}.csv") == expected, resource
    assert b"draft-designation" not in archive.read("designations.csv")


def test_followthemoney_lines_are_the_exports(built):
    dumped = gzip.decompress(_file(built, dumps.FTM))
    assert dumped == _body(APIClient().get("/api/v1/export/ftm/"))
    assert b"Draft Person Secret" not in dumped


def test_manifest_counts_sizes_and_hashes(built):
    manifest = json.loads(_file(built, dumps.MANIFEST))
    assert manifest == built.manifest
    assert manifest["schema_version"] == dumps.SCHEMA_VERSION
    # Where the feed stood: following it from there after loading the dump misses nothing.
    after = APIClient().get("/api/v1/changes/", {"after": manifest["feed_cursor"]})
    assert after.status_code == 200
    assert after.json()["results"] == []
    files = {item["name"]: item for item in manifest["files"]}
    assert set(files) == {dumps.JSON_LINES, dumps.CSV_ZIP, dumps.FTM}
    for name, item in files.items():
        data = _file(built, name)
        assert item["bytes"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
    lines = gzip.decompress(_file(built, dumps.JSON_LINES)).splitlines()
    assert files[dumps.JSON_LINES]["records"] == len(lines)
    public = Designation.objects.filter(publication=Publication.PUBLISHED).count()
    assert files[dumps.JSON_LINES]["resources"]["designations"] == public
    assert files[dumps.CSV_ZIP]["resources"] == files[dumps.JSON_LINES]["resources"]
    entities = gzip.decompress(_file(built, dumps.FTM)).splitlines()
    assert files[dumps.FTM]["records"] == len(entities)


def test_the_api_lists_the_newest_build_and_serves_its_files(built):
    client = APIClient()
    listing = client.get("/api/v1/dumps/")
    assert listing.status_code == 200
    assert listing.json()["build"] == built.manifest["build"]
    for item in listing.json()["files"]:
        assert item["url"] == f"http://testserver/api/v1/dumps/{item['name']}"
        response = client.get(item["url"])
        assert response["ETag"] == f'"{item["sha256"]}"'
        assert response["Content-Length"] == str(item["bytes"])
        assert response["Content-Type"] == item["media_type"]
        assert response["Last-Modified"]
        assert _body(response) == _file(built, item["name"])

        again = client.get(item["url"], HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == response["ETag"]
        stale = client.get(item["url"], HTTP_IF_NONE_MATCH='"something-else"')
        assert stale.status_code == 200

        head = client.head(item["url"])
        assert head.status_code == 200
        assert head["Content-Length"] == str(item["bytes"])
        assert head["ETag"] == response["ETag"]
        assert not head.content


def test_a_file_is_served_from_disk_as_it_is(built):
    response = APIClient().get(f"/api/v1/dumps/{dumps.JSON_LINES}")
    # Streamed from the file, never read whole into memory.
    assert isinstance(response, FileResponse)


def test_no_build_yet_is_a_404_saying_so(db):
    for url in ("/api/v1/dumps/", f"/api/v1/dumps/{dumps.JSON_LINES}"):
        response = APIClient().get(url)
        assert response.status_code == 404
        assert "No dump has been built" in response.json()["detail"]


def test_an_unknown_file_is_a_404_naming_the_files(built):
    for name in ("nope.gz", dumps.MANIFEST, ".lock"):
        response = APIClient().get(f"/api/v1/dumps/{name}")
        assert response.status_code == 404
        assert dumps.JSON_LINES in response.json()["detail"]
    assert APIClient().get("/api/v1/dumps/..%2Fmanifest.json").status_code == 404


def test_a_failed_build_leaves_the_previous_one(built, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(dumps, "write_ftm", fail)
    with pytest.raises(RuntimeError):
        _build()
    assert dumps.builds() == [built.path]
    assert dumps.latest()[1] == built.path
    # Nothing half-written is left beside it.
    assert [p.name for p in dumps.dumps_dir().iterdir() if p.is_dir()] == [built.path.name]
    assert APIClient().get(f"/api/v1/dumps/{dumps.FTM}").status_code == 200


def test_the_newest_builds_are_kept(paper):
    made = [_build(keep=2).path for _ in range(3)]
    assert dumps.builds() == made[1:]


def test_if_changed_builds_only_after_a_change(paper):
    first = _build(if_changed=True)
    assert not first.unchanged
    again = _build(if_changed=True)
    assert again.unchanged and again.path is None
    assert dumps.builds() == [first.path]

    designation = Designation.objects.first()
    designation.basis = "A new basis"
    designation.save()
    assert not _build(if_changed=True).unchanged
    designation.delete()
    assert not _build(if_changed=True).unchanged
    assert len(dumps.builds()) == 3


def test_the_command_builds_and_says_when_nothing_changed(paper, capsys):
    call_command("build_dumps")
    out = capsys.readouterr().out
    assert "Wrote build" in out and dumps.JSON_LINES in out
    call_command("build_dumps", "--if-changed")
    assert "Nothing changed" in capsys.readouterr().out
    assert len(dumps.builds()) == 1


def test_the_command_fails_with_status_1_keeping_the_previous_build(paper, monkeypatch):
    call_command("build_dumps", verbosity=0)
    monkeypatch.setattr(dumps, "write_csv_zip", lambda *a, **k: 1 / 0)
    with pytest.raises(CommandError) as failed:
        call_command("build_dumps", verbosity=0)
    assert failed.value.returncode == 1
    assert len(dumps.builds()) == 1


def test_a_build_while_another_runs_is_a_temporary_failure(paper):
    directory = dumps.dumps_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with dumps._lock(directory), pytest.raises(CommandError) as busy:
        call_command("build_dumps", verbosity=0)
    assert busy.value.returncode == 75


def test_progress_is_reported_while_building(paper):
    lines = []
    dumps.build(write=lines.append, every=0)
    assert any(dumps.JSON_LINES in line and "records" in line and "/s" in line for line in lines)


def test_reading_a_dump_asks_the_database_nothing(built):
    client = APIClient()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/dumps/").status_code == 200
        assert client.get(f"/api/v1/dumps/{dumps.JSON_LINES}").status_code == 200
        assert client.head(f"/api/v1/dumps/{dumps.CSV_ZIP}").status_code == 200
    # Only the savepoints of the test's own transaction, whatever the build's size.
    assert [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"].upper()] == []

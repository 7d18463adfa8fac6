"""Helpers for the import and export tests of every app (tests/<app>/test_imports.py).

* `dataset()` and `run_import()`: build a file's rows as dicts and import them as a user.
* `row_errors()`: a result's validation errors as {row number: {column: [messages]}}.
* `user_in_role()`: a staff user in one of the role groups (Curator, Editor …).
* `snapshot()`: a record with its rows, citations and many-to-many links as plain values, for
  comparing what an export re-imports field by field.
* `export_through_admin()` and `round_trip()`: export from the admin page (or the resource),
  empty the table, import the file back and compare.
"""

import tablib
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from nkhr.models import Citation
from nkhr.models.base import DOCUMENT_FIELDS
from nkhr.spreadsheets import CSV, JSON, XLSX

# The admin's formats (nkhr/spreadsheets.py): CSV and XLSX quote formula cells on export and
# unquote them on import.
FORMATS = {"csv": CSV, "xlsx": XLSX, "json": JSON}
# Position of each format in the admin's format choice (RecordImportExportMixin.formats).
ADMIN_FORMAT_INDEX = {"csv": 0, "xlsx": 1, "json": 2}
# Timestamps, and the search document (derived from the rest, tests/nkhr/test_documents.py).
BOOKKEEPING = ("created", "updated", *DOCUMENT_FIELDS)


def dataset(rows: list[dict]) -> tablib.Dataset:
    """A dataset with a column for every key used in any row (blank where a row lacks it)."""
    headers = []
    for row in rows:
        headers += [key for key in row if key not in headers]
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append([row.get(header, "") for header in headers])
    return data


def run_import(resource_class, rows, user, *, dry_run=False, **kwargs):
    data = rows if isinstance(rows, tablib.Dataset) else dataset(rows)
    return resource_class().import_data(data, dry_run=dry_run, user=user, **kwargs)


def row_errors(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


def user_in_role(django_user_model, role: str, username: str | None = None):
    user = django_user_model.objects.create_user(
        username=username or role.lower(), password="unused", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)  # fresh permission cache


def values_of(obj, exclude=()) -> dict:
    """Every stored column of `obj` except bookkeeping (and integer row ids)."""
    values = {}
    for field in obj._meta.concrete_fields:
        if field.name in (*BOOKKEEPING, *exclude):
            continue
        if field.primary_key and field.get_internal_type() in ("AutoField", "BigAutoField"):
            continue
        values[field.attname] = getattr(obj, field.attname)
    return values


def snapshot(records, rows=(), m2m=()) -> dict:
    """{public id: {"record": columns, <related name>: sorted rows, "citations": sorted rows,
    <m2m name>: sorted ids}} for `records`; `rows` names the reverse relations of rows."""
    taken = {}
    for record in records:
        content_type = ContentType.objects.get_for_model(record)
        citations = Citation.objects.filter(content_type=content_type, object_id=record.pk)
        entry = {
            "record": values_of(record),
            "citations": sorted((values_of(c) for c in citations), key=repr),
        }
        for name in rows:
            entry[name] = sorted((values_of(row) for row in getattr(record, name).all()), key=repr)
        for name in m2m:
            entry[name] = sorted(getattr(record, name).values_list("pk", flat=True))
        taken[record.pk] = entry
    return taken


def export_through_admin(client, model, file_format: str) -> bytes:
    """The file the admin's export page gives for every record of `model`, every column."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": ADMIN_FORMAT_INDEX[file_format], "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if field.initial is True})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    assert "attachment" in response["Content-Disposition"]
    return response.content


def round_trip(resource_class, model, user, file_format: str, *, rows=(), m2m=(), export=None):
    """Export every record of `model`, delete them all, import the file back as `user`, and
    return the snapshots (before, after) with the import's result.

    `export` gives the file's bytes (e.g. from the admin page); by default the resource's own
    export of every record is used."""
    before = snapshot(model.objects.all(), rows, m2m)
    file_class = FORMATS[file_format]
    if export is None:
        data = file_class().export_data(resource_class().export(model.objects.all()))
    else:
        data = export
    for record in model.objects.all():
        Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).delete()
    # A record may be part of another of its kind (an actor's parent); unlink them first.
    for field in model._meta.fields:
        if field.is_relation and field.related_model is model and field.null:
            model.objects.update(**{field.name: None})
    model.objects.all().delete()
    assert not model.objects.exists()
    text_or_bytes = data if file_class().is_binary() else _as_text(data)
    imported = file_class().create_dataset(text_or_bytes)
    result = run_import(resource_class, imported, user)
    after = snapshot(model.objects.all(), rows, m2m)
    return before, after, result


def _as_text(data) -> str:
    return data.decode("utf-8-sig") if isinstance(data, bytes) else data

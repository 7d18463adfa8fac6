"""CSV and XLSX cells a spreadsheet would not run as formulas.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: a name such as `=HYPERLINK("http://…", "click")` in an export
would become a live link, or worse, on the curator's machine. Every CSV and XLSX the
project writes (the API's `?format=csv`, `/api/v1/export/?format=csv`, the admin's export)
passes its text cells through `neutralise()`, which prefixes such a text with a single
quote, as OWASP's guidance on CSV injection says. Numbers stay as they are, whether a real
number or a text that is one (`-1`, `+82`, `-0.5`): a spreadsheet reads those as numbers.

The admin's import reads a cell back with `restore()`, which takes off exactly the quote
`neutralise()` added, so an export imports back unchanged. A text that itself starts with
quotes before such a character gets one more quote on the way out, and loses only that one
on the way in: `'=x` is written `''=x`, and read back as `'=x`.
"""

import re

from django.core.exceptions import PermissionDenied
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NEUTRALISED = re.compile(r"'*[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def neutralise_sql(text: str) -> str:
    """`neutralise()` of a text column, in PostgreSQL (the bulk dumps' CSV, built by the
    database: nkhr/dumps_sql.py): the same patterns, anchored as `match` and `fullmatch`
    anchor them. A first-character test keeps the regular expressions off most cells."""
    triggers = ", ".join("'" + c + "'" for c in (QUOTE * 2, *FORMULA_TRIGGERS))
    return (
        f"CASE WHEN left({text}, 1) IN ({triggers}) "
        f"AND {text} ~ '^{_NEUTRALISED.pattern.replace(QUOTE, QUOTE * 2)}' "
        f"AND {text} !~ '^(?:{_NUMBER.pattern.replace(chr(92) + 'd', '[0-9]')})$' THEN '{QUOTE * 2}' || {text} ELSE {text} END"
    )


def neutralise(value):
    """`value` as a spreadsheet cell that runs nothing (see the module docstring)."""
    if not isinstance(value, str) or not _NEUTRALISED.match(value) or _NUMBER.fullmatch(value):
        return value
    return QUOTE + value


def restore(value):
    """The value `neutralise()` was given for the cell `value`."""
    if isinstance(value, str) and value.startswith(QUOTE) and _NEUTRALISED.match(value):
        return value[1:]
    return value


def _map_cells(dataset, function) -> None:
    """Apply `function` to every cell of a tablib Dataset, in place (headers untouched)."""
    rows = [tuple(function(cell) for cell in row) for row in dataset]
    headers = dataset.headers
    dataset.wipe()
    dataset.headers = headers
    for row in rows:
        dataset.append(row)


class NeutralisedCellsMixin:
    """A django-import-export format whose export quotes formula cells and whose import
    removes those quotes again."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        _map_cells(dataset, restore)
        return dataset

    def export_data(self, dataset, **kwargs):
        _map_cells(dataset, neutralise)
        return super().export_data(dataset, **kwargs)


class CSV(NeutralisedCellsMixin, base_formats.CSV):
    pass


class XLSX(NeutralisedCellsMixin, base_formats.XLSX):
    pass


JSON = base_formats.JSON
FORMATS = [CSV, XLSX, JSON]


class NativeTypesExportMixin(ImportExportMixin):
    """Exports to XLSX keep numbers and dates as such. django-import-export decides that by
    the format's exact class, which the formats above subclass, so the decision is made
    here by kind of format instead."""

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = isinstance(file_format, tuple(base_formats.BINARY_FORMATS))
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        exported = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if encoding and not file_format.is_binary():
            exported = exported.encode(encoding)
        return exported

"""Limits of a bulk import file: its size, its rows, and what an XLSX file unpacks to.

A file over a limit is refused before any row is imported, with a message that says which
limit and by how much, shown on the import page as an error of the file field (never a
server error). The limits are settings, each with an environment variable of the same name
(docs/operations.md, "Bulk imports: limits"):

* `IMPORT_MAX_UPLOAD_BYTES`: the size of the uploaded file;
* `IMPORT_MAX_ROWS`: the rows below the header;
* `IMPORT_MAX_UNPACKED_BYTES`: an XLSX file is a zip archive; the sizes its entries declare
  they unpack to are added up before anything is unpacked (a small file that unpacks to
  gigabytes, a "zip bomb", is refused unread). Python's zipfile never unpacks an entry
  beyond its declared size, so the declared sizes are a true bound.

XLSX files are read in openpyxl's streaming (read-only) mode, row by row, and reading stops
at the first row over the limit. Rows that are blank to the end of the sheet (formatted but
empty, as spreadsheets leave them) are not rows of the file.

`manage.py import_records` reads files with `read_dataset()`, with no size or row limit.
"""

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from tablib import Dataset

from nkhr.import_files import DetectedFormatImportForm


class FileRefused(ValueError):
    """A file over one of the limits, or one that cannot be read; the message says why."""


@dataclass(frozen=True)
class Limits:
    """The limits a file is read under; None for no limit."""

    max_rows: int | None = None
    max_unpacked_bytes: int | None = None

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_rows=settings.IMPORT_MAX_ROWS,
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        )


def check_size(size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise FileRefused(
            _(
                "The file is %(size)s; the import page takes files up to %(limit)s. "
                "Split it, or ask an administrator to import it with "
                "`manage.py import_records`."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def check_rows(rows: int, limit: int | None) -> None:
    if limit is not None and rows > limit:
        raise FileRefused(
            _(
                "The file has more than %(limit)s rows; the import page takes up to %(limit)s. "
                "Split it, or ask an administrator to import it with "
                "`manage.py import_records`."
            )
            % {"limit": f"{limit:,}"}
        )


def check_zip(data: bytes, limit: int | None) -> None:
    """Refuse an XLSX file (a zip archive) whose entries declare more than `limit` bytes
    unpacked, reading only its directory."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            declared = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise FileRefused(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": error}
        ) from error
    if limit is not None and declared > limit:
        raise FileRefused(
            _(
                "The workbook unpacks to %(size)s, more than the %(limit)s an import may "
                "unpack; it was not read. Save the sheet as CSV, or split it."
            )
            % {"size": filesizeformat(declared), "limit": filesizeformat(limit)}
        )


def read_xlsx(data: bytes, limits: Limits) -> Dataset:
    """The active sheet of an XLSX workbook as a Dataset: the first row is the header, and
    cells beyond the header's last named column are not read."""
    import openpyxl

    check_zip(data, limits.max_unpacked_bytes)
    try:
        book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise FileRefused(
            _("The file is not a readable XLSX workbook (%(error)s).") % {"error": error}
        ) from error
    try:
        sheet = book.active
        # The dimensions a sheet declares may be wrong (or hostile: A1:XFD1048576 would pad
        # every row to 16,384 cells); the cells present are read instead.
        sheet.reset_dimensions()
        header = list(next(sheet.iter_rows(max_row=1, values_only=True), ()))
        while header and header[-1] in (None, ""):
            header.pop()
        dataset = Dataset(headers=header)
        if not header:
            return dataset
        width, blank_run = len(header), 0
        for values in sheet.iter_rows(min_row=2, max_col=width, values_only=True):
            values = list(values) + [None] * (width - len(values))
            if all(value is None or value == "" for value in values):
                blank_run += 1
                continue
            # Blank rows between rows are kept (their numbers are the spreadsheet's).
            for _blank in range(blank_run):
                dataset.append([None] * width)
            blank_run = 0
            dataset.append(values)
            check_rows(dataset.height, limits.max_rows)
        return dataset
    finally:
        book.close()


class StreamedXLSX(base_formats.XLSX):
    """XLSX read by `read_xlsx()` under the format's `limits`."""

    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream, self.import_limits())


class RowLimitedFormat:
    """A format that refuses a file of more rows than its limits allow."""

    limits: Limits | None = None

    def import_limits(self) -> Limits:
        # Read when a file is read, so that a changed setting (or a test's) applies at once.
        return self.limits if self.limits is not None else Limits.from_settings()

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        check_rows(dataset.height, self.import_limits().max_rows)
        return dataset


_limited_formats: dict[type, type] = {}


def limited_format(format_class: type) -> type:
    """`format_class` reading under the limits: XLSX ones streamed by `read_xlsx()` beneath
    whatever the class adds to the reading (such as the project's formula quoting)."""
    if issubclass(format_class, RowLimitedFormat):
        return format_class
    if format_class not in _limited_formats:
        bases = (RowLimitedFormat, format_class)
        if issubclass(format_class, base_formats.XLSX):
            bases = (*bases, StreamedXLSX)
        _limited_formats[format_class] = type(format_class.__name__, bases, {})
    return _limited_formats[format_class]


def read_dataset(data: bytes, format_class: type, limits: Limits | None = None) -> Dataset:
    """The rows of a file's `data` in `format_class` (an import format), under `limits`
    (none by default). Raises FileRefused."""
    file_format = limited_format(format_class)()
    file_format.limits = limits or Limits()
    content = data if file_format.is_binary() else data.decode("utf-8-sig")
    try:
        return file_format.create_dataset(content)
    except FileRefused:
        raise
    except Exception as error:
        raise FileRefused(
            _("The file could not be read as %(format)s: %(error)s")
            % {"format": file_format.get_title().upper(), "error": error}
        ) from error


def format_for(path: Path, formats) -> type | None:
    """The format of `formats` that a file's extension names."""
    extension = path.suffix.lower().lstrip(".")
    return next((fmt for fmt in formats if fmt().get_extension() == extension), None)


# --- the admin's import page ------------------------------------------------------------------


class LimitedImportForm(DetectedFormatImportForm):
    """The import form, refusing a file over `IMPORT_MAX_UPLOAD_BYTES` before it is read."""

    def clean_import_file(self):
        upload = self.cleaned_data.get("import_file")
        if upload is not None:
            try:
                check_size(upload.size, settings.IMPORT_MAX_UPLOAD_BYTES)
            except FileRefused as error:
                raise ValidationError(str(error), code="too_large") from error
        return upload


class ImportLimitsMixin:
    """The admin import page under the limits: the upload's size is a form error, and so is
    a file over the row or unpacked-size limit (the library would name only the exception)."""

    import_form_class = LimitedImportForm

    def get_import_formats(self):
        return [limited_format(fmt) for fmt in super().get_import_formats()]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_import(self, request, **kwargs):
        # The confirmed import reads the file again; should a limit have been lowered since
        # the dry run, it is refused the same way rather than failing the request.
        try:
            return super().process_import(request, **kwargs)
        except FileRefused as error:
            messages.error(request, str(error))
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)

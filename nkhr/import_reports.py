"""What a bulk import keeps of its rows, and what its page shows of them.

* `ImportResult`: the library's result keeping every count, every error and every invalid
  row, but the results of valid rows only up to `keep` (the admin's confirmed import keeps
  them all, for its log; a dry run the first `IMPORT_PAGE_ROWS`, the rows its page
  previews; `manage.py import_records` none). Row errors are listed by their own number.
* `ImportReportsMixin` (on `RecordImportExportMixin`): a dry run with errors shows their
  count, a summary by column and message, and the first `IMPORT_PAGE_ROWS` errors;
  every error is in a CSV report (row, column, message) to download from the page, kept
  for a day and only for the login that made it. A dry run without errors previews its
  first rows with the counts of all of them.
"""

import csv
import re
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.results import Result

REPORT_COLUMNS = ("row", "column", "message")
# How long a report is kept: long enough to fix the file the same day.
REPORT_LIFETIME_SECONDS = 24 * 3600
REPORT_NAME = re.compile(r"^(?P<user>\d+)-[A-Za-z0-9_-]{16,}$")
# Groups listed in the summary of errors by column and message.
SUMMARY_GROUPS = 20


class ImportResult(Result):
    """A result that keeps the first `keep` row results (None: all) beside every error."""

    def __init__(self, *args, keep: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep = keep

    def append_row_result(self, row_result):
        if row_result.errors or self.keep is None or len(self.rows) < self.keep:
            super().append_row_result(row_result)

    def row_errors(self):
        # By the row's own number: the library counts the results it kept.
        return [(row.number, row.errors) for row in self.error_rows]


def error_lines(result) -> Iterator[tuple[int | str, str, str]]:
    """Every error of `result` as (row number, column, message), file-wide errors first."""
    for error in result.base_errors:
        yield "", "", str(error.error)
    lines = []
    for number, errors in result.row_errors():
        lines += [(number, "", str(error.error)) for error in errors]
    for row in result.invalid_rows:
        for column, messages in row.error_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            lines += [(row.number, column, str(message)) for message in messages]
    lines.sort(key=lambda line: line[0])
    yield from lines


def summary(lines: list[tuple]) -> list[dict]:
    """The most frequent (column, message) pairs, with how many rows have each."""
    counts = Counter((column, message) for _row, column, message in lines)
    return [
        {"column": column, "message": message, "count": count}
        for (column, message), count in counts.most_common(SUMMARY_GROUPS)
    ]


def reports_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "nkhr-import-reports"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def write_report(user, lines: list[tuple]) -> str:
    """Store the CSV report of `lines` for `user`; return its name. Reports older than a
    day are removed on the way."""
    folder = reports_folder()
    now = time.time()
    for old in folder.glob("*.csv"):
        try:
            if now - old.stat().st_mtime > REPORT_LIFETIME_SECONDS:
                old.unlink()
        except OSError:
            pass  # another worker removed it first
    name = f"{user.pk}-{secrets.token_urlsafe(18)}"
    with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(lines)
    return name


class ShownResult:
    """A result as its page shows it: the first `shown` invalid rows, errors and valid rows;
    everything else (counts, `has_errors` …) as the result says."""

    def __init__(self, result, shown: int):
        self._result = result
        self.shown = shown

    def __getattr__(self, name):
        return getattr(self._result, name)

    @property
    def invalid_rows(self):
        return self._result.invalid_rows[: self.shown]

    @property
    def invalid_row_count(self) -> int:
        return len(self._result.invalid_rows)

    def row_errors(self):
        return self._result.row_errors()[: self.shown]

    def valid_rows(self):
        return self._result.valid_rows()[: self.shown]

    @property
    def valid_row_count(self) -> int:
        totals = self._result.totals
        return sum(totals[kind] for kind in ("new", "update", "delete", "skip"))


class ImportReportsMixin:
    """An import page that shows the first errors and rows, and offers every error as a
    CSV report (see the module docstring)."""

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.import_report_view)
        return [
            path(
                "import/report/<str:report>.csv",
                view,
                name=f"{opts.app_label}_{opts.model_name}_import_report",
            ),
            *super().get_urls(),
        ]

    def import_report_view(self, request, report):
        """The CSV report of a dry run's errors, for the login that ran it."""
        match = REPORT_NAME.match(report)
        if not (self.has_import_permission(request) and match):
            raise Http404
        if int(match["user"]) != request.user.pk:
            raise Http404
        file = reports_folder() / f"{report}.csv"
        if not file.is_file():
            raise Http404
        opts = self.model._meta
        return FileResponse(
            open(file, "rb"),  # FileResponse closes it
            as_attachment=True,
            filename=f"{opts.model_name}-import-errors.csv",
            content_type="text/csv; charset=utf-8",
        )

    def import_action(self, request, **kwargs):
        return self.with_shown_result(request, super().import_action(request, **kwargs))

    def process_import(self, request, **kwargs):
        return self.with_shown_result(request, super().process_import(request, **kwargs))

    def with_shown_result(self, request, response):
        if not isinstance(response, TemplateResponse) or response.context_data is None:
            return response
        result = response.context_data.get("result")
        if result is None or isinstance(result, ShownResult):
            return response
        shown = settings.IMPORT_PAGE_ROWS
        response.context_data["result"] = ShownResult(result, shown)
        if result.has_errors() or result.has_validation_errors():
            lines = list(error_lines(result))
            opts = self.model._meta
            name = write_report(request.user, lines)
            response.context_data["error_report"] = {
                "count": len(lines),
                "shown": min(shown, len(lines)),
                "lines": lines[:shown],
                "summary": summary(lines),
                "url": reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import_report",
                    args=[name],
                ),
            }
        return response

"""Partial dates in the reader's language, as precise as they are known: "June 2015" (or
"2015년 6월"), never an invented day (nkhr/dates.py)."""

from dataclasses import dataclass

from django.utils import formats

from nkhr.dates import DatePrecision, PartialDate


@dataclass(frozen=True)
class ShownDate:
    value: PartialDate

    @property
    def iso(self) -> str:
        """As written (`2015-06`), for `<time datetime>`."""
        return str(self.value)

    @property
    def precision(self) -> str:
        return self.value.precision

    @property
    def is_partial(self) -> bool:
        return self.value.precision != DatePrecision.DAY

    def __str__(self) -> str:
        date, precision = self.value.date, self.value.precision
        if precision == DatePrecision.YEAR:
            return str(date.year)
        if precision == DatePrecision.MONTH:
            return formats.date_format(date, "YEAR_MONTH_FORMAT")
        return formats.date_format(date, "DATE_FORMAT")


def partial_date(value: PartialDate | None) -> ShownDate | None:
    return None if value is None else ShownDate(value)

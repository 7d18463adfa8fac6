"""Dates known to a year, a month or a day, stored as a date plus its precision.

The paper says "June 2015" and "February 2016": such a date is stored as its first day
(2015-06-01) with precision `month`, and shown as written (`2015-06`), never as an
invented day. Every partial date is a pair of columns, `<name>` and `<name>_precision`,
kept consistent by the check constraints from `partial_date_constraints()`.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


_PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date and how much of it is known; `str()` gives the ISO form as written."""

    date: datetime.date
    precision: str

    def __str__(self) -> str:
        # Formatted by hand: strftime's %Y does not pad years before 1000 on every platform.
        year, month = f"{self.date.year:04d}", f"{self.date.month:02d}"
        if self.precision == DatePrecision.YEAR:
            return year
        if self.precision == DatePrecision.MONTH:
            return f"{year}-{month}"
        return self.date.isoformat()

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValidationError on anything else."""
        match = _PARTIAL_DATE.match(text.strip()) if text else None
        if not match:
            raise ValidationError(
                _("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (got %(value)r)."),
                code="invalid_partial_date",
                params={"value": text},
            )
        year, month, day = match["year"], match["month"], match["day"]
        try:
            date = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValidationError(
                _("%(value)s is not a real date."), code="invalid_date", params={"value": text}
            ) from exc
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        return cls(date, precision)

    @property
    def end(self) -> datetime.date:
        """The last day the partial date can mean (31 December for a year)."""
        if self.precision == DatePrecision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.precision == DatePrecision.MONTH:
            next_month = (self.date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
            return next_month - datetime.timedelta(days=1)
        return self.date


def partial_date_text(date: datetime.date | None, precision: str) -> str | None:
    """A stored `<date>`/`<date>_precision` pair as written (`2015-06`), or None."""
    return None if date is None else str(PartialDate(date, precision))


def with_precisions(*names: str) -> list[str]:
    """Each partial date's column followed by its precision's, in the order serializers,
    forms and exports list them: `with_precisions("start", "end")`."""
    return [column for name in names for column in (name, f"{name}_precision")]


def _precision_label(date_field_label) -> str:
    return gettext("%(label)s precision") % {"label": date_field_label}


# Translated when shown, in the reader's language: `_(…) % …` would fix the label in the
# language active when the models are imported (English).
precision_label = lazy(_precision_label, str)


def precision_field(date_field_label):
    """The `<name>_precision` column that goes with a partial date column."""
    return models.CharField(
        precision_label(date_field_label),
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        default="",
    )


def partial_date_constraints(*names: str) -> list[models.CheckConstraint]:
    """Constraints that keep each `<name>`/`<name>_precision` pair honest in the database.

    A date has a precision exactly when it is set, a month is stored as its first day and
    a year as its 1 January, so no day or month is ever invented.
    """
    constraints = []
    for name in names:
        precision = f"{name}_precision"
        constraints += [
            models.CheckConstraint(
                condition=(
                    models.Q(**{f"{name}__isnull": True, precision: ""})
                    | models.Q(
                        **{f"{name}__isnull": False, f"{precision}__in": DatePrecision.values}
                    )
                ),
                name=f"%(app_label)s_%(class)s_{name}_has_precision",
                violation_error_message=_("A date needs a precision, and a precision a date."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(**{f"{name}__isnull": True})
                    | models.Q(**{precision: DatePrecision.DAY})
                    | models.Q(**{precision: DatePrecision.MONTH, f"{name}__day": 1})
                    | models.Q(
                        **{precision: DatePrecision.YEAR, f"{name}__day": 1, f"{name}__month": 1}
                    )
                ),
                name=f"%(app_label)s_%(class)s_{name}_not_invented",
                violation_error_message=_(
                    "A date known to the month is stored as its first day, "
                    "and one known to the year as 1 January."
                ),
            ),
        ]
    return constraints


def date_order_constraint(start: str, end: str) -> models.CheckConstraint:
    """`end` may not come before `start` (either may be unknown)."""
    return models.CheckConstraint(
        condition=(
            models.Q(**{f"{start}__isnull": True})
            | models.Q(**{f"{end}__isnull": True})
            | models.Q(**{f"{end}__gte": models.F(start)})
        ),
        name=f"%(app_label)s_%(class)s_{end}_after_{start}",
        violation_error_message=_("The end date comes before the start date."),
    )

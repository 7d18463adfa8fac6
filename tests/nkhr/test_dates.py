"""Partial dates: parsing, writing back, and the last day they can mean."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from nkhr.dates import DatePrecision, PartialDate


@pytest.mark.parametrize(
    ("written", "date", "precision"),
    [
        ("2015-06", datetime.date(2015, 6, 1), DatePrecision.MONTH),
        ("2016", datetime.date(2016, 1, 1), DatePrecision.YEAR),
        ("2021-07-19", datetime.date(2021, 7, 19), DatePrecision.DAY),
    ],
)
def test_parse_and_str_round_trip(written, date, precision):
    parsed = PartialDate.parse(written)
    assert (parsed.date, parsed.precision) == (date, precision)
    assert str(parsed) == written


def test_parse_ignores_surrounding_spaces():
    assert PartialDate.parse(" 2015-06 ") == PartialDate.parse("2015-06")


@pytest.mark.parametrize("written", ["2021-13", "2021-02-30", "2021-00", "2021-06-00"])
def test_parse_refuses_dates_that_do_not_exist(written):
    with pytest.raises(ValidationError) as refused:
        PartialDate.parse(written)
    assert refused.value.code == "invalid_date"


@pytest.mark.parametrize(
    "written", ["", None, "15-06", "June 2015", "2015/06", "2015-6", "20150619"]
)
def test_parse_refuses_other_forms(written):
    with pytest.raises(ValidationError) as refused:
        PartialDate.parse(written)
    assert refused.value.code == "invalid_partial_date"


@pytest.mark.parametrize(
    ("written", "end"),
    [
        ("2016", datetime.date(2016, 12, 31)),
        ("2016-02", datetime.date(2016, 2, 29)),
        ("2015-02", datetime.date(2015, 2, 28)),
        ("2015-12", datetime.date(2015, 12, 31)),
        ("2021-07-19", datetime.date(2021, 7, 19)),
    ],
)
def test_end_is_the_last_day_the_date_can_mean(written, end):
    assert PartialDate.parse(written).end == end


def test_partial_dates_sort_by_date():
    written = ["2021-07-19", "2016", "2015-06"]
    assert [str(d) for d in sorted(map(PartialDate.parse, written))] == [
        "2015-06",
        "2016",
        "2021-07-19",
    ]


def test_years_before_1000_are_written_with_four_digits():
    assert str(PartialDate(datetime.date(354, 1, 1), DatePrecision.YEAR)) == "0354"
    assert str(PartialDate(datetime.date(354, 3, 1), DatePrecision.MONTH)) == "0354-03"
    assert PartialDate.parse("0354") == PartialDate(datetime.date(354, 1, 1), DatePrecision.YEAR)

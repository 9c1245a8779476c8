"""Billing periods as billing uses them (`terms.domain.Period`, the one period type):
'YYYY-MM', bounded to 2000-01 .. 2999-12, cut in UTC unless a zone is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from terms.domain import InvalidPeriodError, Period


def test_a_period_is_parsed_from_and_written_as_yyyy_mm():
    assert Period.parse("2024-05") == Period(2024, 5)
    assert str(Period(2024, 5)) == "2024-05"


@pytest.mark.parametrize(
    "text",
    [
        "2024-13",
        "2024-00",
        "24-05",
        "2024-5",
        "2024-05-01",
        " 2024-05",
        "2024-05\n",
        "２０２４-05",
        "",
        "may",
        "0999-01",
        "9999-12",
        "0000-01",
        "1999-12",
        "3000-01",
    ],
)
def test_anything_but_a_real_month_is_refused_with_the_reason(text):
    with pytest.raises(InvalidPeriodError, match=r"^period"):
        Period.parse(text)


def test_the_period_of_an_instant_is_its_utc_month():
    late_may_in_brazil = datetime(2024, 5, 31, 23, 30, tzinfo=timezone(timedelta(hours=-3)))

    assert Period.of(late_may_in_brazil) == Period(2024, 6)
    assert Period.of(datetime(2024, 5, 31, 23, 59, 59, tzinfo=UTC)) == Period(2024, 5)


def test_a_naive_instant_has_no_period():
    with pytest.raises(ValueError, match="naive"):
        Period.of(datetime(2024, 5, 1))


def test_bounds_roll_over_the_year():
    december = Period(2024, 12)

    assert december.start == datetime(2024, 12, 1, tzinfo=UTC)
    assert december.end == datetime(2025, 1, 1, tzinfo=UTC)
    assert december.next() == Period(2025, 1)

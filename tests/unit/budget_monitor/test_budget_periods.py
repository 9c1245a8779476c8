"""Budget periods: monthly, quarterly, annual and custom, cut in the budget's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budget_monitor.domain import BudgetError, CalendarPeriod, CustomPeriod, period_rule

ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Sydney",  # DST in the southern summer
    "Asia/Kolkata",  # half-hour offset
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/Asuncion",  # DST starts at midnight: a first of the month without a midnight
    "Africa/Cairo",
]
moments = st.datetimes(
    min_value=datetime(2000, 1, 2), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


def test_keys_of_each_kind():
    when = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert period_rule("monthly").key_for(when) == "2026-11"
    assert period_rule("quarterly").key_for(when) == "2026-Q4"
    assert period_rule("annual").key_for(when) == "2026"
    assert period_rule("quarterly").key_for(datetime(2026, 4, 1, tzinfo=UTC)) == "2026-Q2"
    for kind, good, bad in [
        ("monthly", "2026-11", "2026-Q4"),
        ("quarterly", "2026-Q4", "2026-Q5"),
        ("annual", "2026", "2026-11"),
    ]:
        rule = period_rule(kind)
        assert rule.is_key(good) and not rule.is_key(bad)
        with pytest.raises(BudgetError):
            rule.window(bad)


def test_periods_are_cut_at_local_midnight_in_the_budget_time_zone():
    paris = period_rule("monthly", "Europe/Paris")
    # 23:30 UTC on 31 October is already 1 November in Paris.
    assert paris.key_for(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "2026-11"
    assert period_rule("monthly").key_for(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "2026-10"
    window = paris.window("2026-11")
    assert window.start == datetime(2026, 10, 31, 23, tzinfo=UTC)  # CET, UTC+1
    assert window.end == datetime(2026, 11, 30, 23, tzinfo=UTC)


def test_a_period_across_a_dst_change_is_an_hour_short_or_long():
    paris = period_rule("monthly", "Europe/Paris")
    march, october = paris.window("2026-03"), paris.window("2026-10")
    assert march.start == datetime(2026, 2, 28, 23, tzinfo=UTC)  # CET
    assert march.end == datetime(2026, 3, 31, 22, tzinfo=UTC)  # CEST from 29 March
    assert march.length == timedelta(days=31, hours=-1)
    assert october.length == timedelta(days=31, hours=1)
    q1 = period_rule("quarterly", "America/New_York").window("2026-Q1")
    assert q1.start == datetime(2026, 1, 1, 5, tzinfo=UTC) and q1.end.hour == 4  # EST, then EDT


def test_a_skipped_midnight_starts_the_period_when_the_clocks_jump():
    asuncion = period_rule("monthly", "America/Asuncion")
    # Paraguay moved its clocks forward at 00:00 on 1 October 2023: that midnight never
    # happened; October starts at the jump (04:00 UTC, 01:00 local).
    window = asuncion.window("2023-10")
    assert window.start == datetime(2023, 10, 1, 4, tzinfo=UTC)
    assert asuncion.key_for(window.start) == "2023-10"
    assert asuncion.key_for(window.start - timedelta(microseconds=1)) == "2023-09"
    assert asuncion.window("2023-09").end == window.start


def test_custom_periods_have_one_window():
    rule = CustomPeriod(
        datetime(2026, 11, 5, tzinfo=UTC), datetime(2027, 2, 5, tzinfo=UTC), "Europe/Paris"
    )
    assert rule.key == "2026-11-05/2027-02-05"
    assert rule.key_for(datetime(2026, 12, 1, tzinfo=UTC)) == rule.key
    assert rule.key_for(datetime(2027, 2, 5, tzinfo=UTC)) is None  # the end is excluded
    assert rule.key_for(datetime(2026, 11, 4, 23, tzinfo=UTC)) is None
    assert rule.shown_key(datetime(2030, 1, 1, tzinfo=UTC)) == rule.key
    with pytest.raises(BudgetError):
        CustomPeriod(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(BudgetError):
        rule.window("2026-11")


def test_unknown_kinds_and_zones_are_refused():
    with pytest.raises(BudgetError, match="weekly"):
        period_rule("weekly")
    with pytest.raises(BudgetError, match="IANA"):
        CalendarPeriod("monthly", "Mars/Olympus")


@given(moments, st.sampled_from(ZONES), st.sampled_from(["monthly", "quarterly", "annual"]))
def test_every_moment_is_in_the_window_of_its_key_and_windows_tile(moment, zone, kind):
    rule = period_rule(kind, zone)
    key = rule.key_for(moment)
    window = rule.window(key)
    assert window.start <= moment < window.end
    assert rule.is_key(key)
    after = rule.key_for(window.end)  # the next period starts where this one ends
    assert after != key and rule.window(after).start == window.end
    assert rule.key_for(window.end - timedelta(microseconds=1)) == key
    assert timedelta(days=27) < window.length < timedelta(days=367)


@given(moments, st.integers(min_value=1, max_value=400 * 86400), st.sampled_from(ZONES), moments)
def test_custom_periods_contain_exactly_start_to_end(start, seconds, zone, moment):
    rule = CustomPeriod(start, start + timedelta(seconds=seconds), zone)
    inside = start <= moment < start + timedelta(seconds=seconds)
    assert (rule.key_for(moment) == rule.key) is inside
    assert (rule.key_for(moment) is None) is not inside


@pytest.mark.parametrize(
    ("kind", "key"), [("monthly", "9999-12"), ("quarterly", "9999-Q4"), ("annual", "0000")]
)
def test_a_period_outside_the_calendar_is_refused_not_overflowed(kind, key):
    with pytest.raises(BudgetError, match="periods run from 2000 to 2999"):
        CalendarPeriod(kind, "Asia/Tokyo").window(key)


def test_a_moment_beyond_the_calendar_in_the_zone_is_in_no_period():
    year_10000_in_tokyo = datetime(9999, 12, 31, 20, tzinfo=UTC)
    assert CalendarPeriod("monthly", "Asia/Tokyo").key_for(year_10000_in_tokyo) is None
    assert CalendarPeriod("annual", "UTC").key_for(datetime(3000, 1, 1, tzinfo=UTC)) is None

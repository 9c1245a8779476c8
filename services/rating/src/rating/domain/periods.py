"""Billing periods: calendar months cut in the customer's time zone, named `YYYY-MM`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")
PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def period_of(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"


def period_bounds(period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a period, in UTC: local midnight of the 1st to that of the next 1st."""
    matched = PERIOD.fullmatch(period)
    if matched is None:
        raise ValueError(f"{period!r} is not a billing period (YYYY-MM)")
    year, month = int(matched[1]), int(matched[2])
    following = (year + month // 12, month % 12 + 1)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(*following, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)

"""How far from its arrival an event's `time` may lie: the window metering accepts.

An event's time picks its price-book version and billing period, so it is bounded at
the door. Too old, and a re-sent copy could outlive the memory of charged ids
downstream (charged twice); too far ahead, and it falls in a period that has not
begun (or one no time zone can cut). `now` is always the caller's: no clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

REFUSAL_KIND = "time_out_of_range"  # the metric label of such a refusal


@dataclass(frozen=True)
class TimeBounds:
    """An event's time may be at most `max_age` before now and `max_lead` after it."""

    max_age: timedelta
    max_lead: timedelta

    def refusal(self, time: datetime, now: datetime) -> str | None:
        """Why `time` is outside the window around `now`; None when it is inside (limits too)."""
        earliest, latest = now - self.max_age, now + self.max_lead
        if time < earliest:
            return (
                f"time {_written(time)} is more than {_spoken(self.max_age)} in the past "
                f"(earliest accepted now: {_written(earliest)})"
            )
        if time > latest:
            return (
                f"time {_written(time)} is more than {_spoken(self.max_lead)} in the future "
                f"(latest accepted now: {_written(latest)})"
            )
        return None


def _written(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _spoken(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"

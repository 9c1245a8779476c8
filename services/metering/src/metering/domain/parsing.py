"""CloudEvents in, `UsageEvent`s (or precise errors) out. No I/O: the caller reads the body
and says what time it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from pydantic import TypeAdapter, ValidationError

from chargeback.contracts import UsageEvent
from chargeback.contracts.types import UtcDateTime
from metering.domain.refusals import MAX_ERRORS_PER_EVENT, EventError, InvalidEvents, kind_of
from metering.domain.time_bounds import REFUSAL_KIND, TimeBounds

CE_HEADER_PREFIX = "ce-"
_TIME = TypeAdapter[datetime](UtcDateTime)


def readable_id(raw: object) -> str | None:
    """The event's id, if the emitter sent one we can show back."""
    if isinstance(raw, Mapping):
        found = raw.get("id")
        if isinstance(found, str):
            return found[:256]
    return None


def validate_event(
    raw: object, index: int, *, now: datetime, bounds: TimeBounds
) -> UsageEvent | list[EventError]:
    """One raw CloudEvent (a decoded JSON value) as a `UsageEvent`, or what is wrong with it.

    Its time must lie within `bounds` around `now` (the moment it arrived)."""
    event_id = readable_id(raw)
    if not isinstance(raw, Mapping):
        return [EventError(index, None, "", "an event must be a JSON object", "not_an_object")]
    # `ingesttime` is metering's to set: whatever the emitter sent is ignored, not judged.
    attributes = {name: value for name, value in raw.items() if name != "ingesttime"}
    try:
        event = UsageEvent.model_validate(attributes)
    except ValidationError as invalid:
        errors = [
            EventError(
                index, event_id, _dotted(problem["loc"]), _reason(problem), kind_of(problem["type"])
            )
            for problem in invalid.errors(include_url=False)[:MAX_ERRORS_PER_EVENT]
        ]
        # A time out of bounds is named with the other problems, so one answer says all.
        errors += _time_errors(_readable_time(raw), index, event_id, now, bounds)
        return errors[:MAX_ERRORS_PER_EVENT]
    return _time_errors(event.time, index, event_id, now, bounds) or event


def validate_all(raws: Sequence[object], *, now: datetime, bounds: TimeBounds) -> list[UsageEvent]:
    """Every event valid, or `InvalidEvents` naming every bad one (all are checked first)."""
    events: list[UsageEvent] = []
    errors: list[EventError] = []
    for index, raw in enumerate(raws):
        outcome = validate_event(raw, index, now=now, bounds=bounds)
        if isinstance(outcome, list):
            errors.extend(outcome)
        else:
            events.append(outcome)
    if errors:
        raise InvalidEvents(errors)
    return events


def binary_mode_event(headers: Mapping[str, str], media_type: str, data: object) -> dict[str, Any]:
    """The event of a binary-mode request: attributes from `ce-*` headers, the body as `data`."""
    attributes: dict[str, Any] = {
        name.lower()[len(CE_HEADER_PREFIX) :]: unquote(value)  # header values are %-encoded
        for name, value in headers.items()
        if name.lower().startswith(CE_HEADER_PREFIX)
    }
    attributes["datacontenttype"] = media_type
    attributes["data"] = data
    return attributes


def stamp_ingest_time(events: Sequence[UsageEvent], now: datetime) -> list[UsageEvent]:
    """The events as accepted now (UTC); an emitter's own `ingesttime` never survives."""
    stamp = now.astimezone(UTC)
    return [event.model_copy(update={"ingesttime": stamp}) for event in events]


def _time_errors(
    time: datetime | None, index: int, event_id: str | None, now: datetime, bounds: TimeBounds
) -> list[EventError]:
    reason = bounds.refusal(time, now) if time is not None else None
    return [EventError(index, event_id, "time", reason, REFUSAL_KIND)] if reason else []


def _readable_time(raw: Mapping[str, Any]) -> datetime | None:
    """The event's time where it is valid (whatever else is wrong with the event)."""
    try:
        return _TIME.validate_python(raw.get("time"))
    except ValidationError:
        return None


def _dotted(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location if part != "[key]")


def _reason(problem: Mapping[str, Any]) -> str:
    reason = str(problem["msg"]).removeprefix("Value error, ")
    return f"key: {reason}" if problem["loc"][-1:] == ("[key]",) else reason

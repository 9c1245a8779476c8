"""Records produced straight to `usage.ingest`: each becomes a `UsageEvent` or a refusal
(a `RejectedEvent` of stage metering for `usage.rejected`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chargeback import codec
from chargeback.contracts import RejectedEvent, UsageEvent
from chargeback.contracts.rejections import FieldError
from metering.domain.kafka_binding import Headers, event_document
from metering.domain.parsing import readable_id, validate_event
from metering.domain.refusals import EventError
from metering.domain.time_bounds import TimeBounds

# A refusal carries what arrived, cut to this many characters when it was not JSON.
MAX_RAW_PAYLOAD_CHARS = 64 * 1024


@dataclass(frozen=True)
class Refusal:
    rejected: RejectedEvent
    kind: str  # the metric label: why, in one word


def judge_record(
    value: bytes | None, now: datetime, bounds: TimeBounds, headers: Headers = ()
) -> UsageEvent | Refusal:
    """The record's event if valid (its time within `bounds` of `now`), else the refusal
    to publish (with every field error). Structured or binary mode, as its headers say."""
    if value is None:
        return _refusal(
            "malformed_json",
            [FieldError(field="", reason="record has no value")],
            None,
            now,
            "malformed_json",
        )
    try:
        document = codec.loads(value)
    except (ValueError, RecursionError) as exc:
        errors = [FieldError(field="", reason=f"malformed JSON: {str(exc)[:200]}")]
        text = value[:MAX_RAW_PAYLOAD_CHARS].decode("utf-8", "replace")
        return _refusal("malformed_json", errors, text, now, "malformed_json")
    document = event_document(document, headers)
    outcome = validate_event(document, 0, now=now, bounds=bounds)
    if isinstance(outcome, UsageEvent):
        return outcome
    return _refusal(
        "invalid_event", [_field_error(e) for e in outcome], document, now, outcome[0].kind
    )


def _field_error(error: EventError) -> FieldError:
    return FieldError(field=error.field, reason=error.reason)


def _refusal(
    reason: str, errors: list[FieldError], payload: Any, now: datetime, kind: str
) -> Refusal:
    source = payload.get("source") if isinstance(payload, dict) else None
    rejected = RejectedEvent(
        stage="metering",
        reason=reason,
        errors=errors,
        event_id=readable_id(payload),
        event_source=source[:512] if isinstance(source, str) else None,
        rejected_at=now,
        payload=payload,
    )
    return Refusal(rejected, kind)

"""Raw `usage.events` records in, messages for `usage.rated` and `usage.rejected` out.

Decoding comes first (the worker needs every event's tier-state key and identity before
it can load state), rating second, in record order, through one `Rater`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chargeback import codec
from chargeback.contracts import RatedCharge, RejectedEvent, Topics, UsageEvent
from chargeback.contracts.rejections import FieldError
from rating.service_layer.decoding import Decoded, Undecodable, decode_records
from terms.domain import PriceBookCatalog, Rater, RatingError, UsageKey, usage_key

UNDECODABLE = "undecodable"
INTERNAL_ERROR = "internal_error"
DUPLICATE = "duplicate"

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes


@dataclass
class BatchResult:
    messages: list[Outgoing] = field(default_factory=list)
    charges: list[RatedCharge] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    rated_keys: list[str] = field(default_factory=list)  # identities charged in this batch

    def add(self, other: BatchResult) -> None:
        self.messages += other.messages
        self.charges += other.charges
        self.rejected.update(other.rejected)
        self.rated_keys += other.rated_keys


def state_keys(decoded: Sequence[Decoded], catalog: PriceBookCatalog) -> set[UsageKey]:
    """The tier-state entries the events need (those with no price book in force need none)."""
    keys = set()
    for event in decoded:
        if isinstance(event, UsageEvent):
            try:
                keys.add(usage_key(catalog, event))
            except RatingError:
                continue
    return keys


def rate_records(
    values: Sequence[bytes | None], catalog: PriceBookCatalog, *, rated_at: datetime
) -> BatchResult:
    """Records rated from an empty tier state (tools and tests; the worker loads state)."""
    return rate_decoded(decode_records(values), Rater(catalog), rated_at=rated_at, seen=set())


def rate_decoded(
    decoded: Sequence[Decoded], rater: Rater, *, rated_at: datetime, seen: set[str]
) -> BatchResult:
    """Every record ends as a rated charge or a rejection with its reason, in input order.

    `seen` holds the identities (source + id) already charged; an event seen again is
    rejected as a duplicate, and each event charged here is added to it.
    """
    result = BatchResult()
    for event in decoded:
        if isinstance(event, Undecodable):
            rejection = _rejection(UNDECODABLE, event.errors, None, event.payload, rated_at)
            _add_rejection(result, rejection)
        elif event.key in seen:
            why = f"event {event.id!r} from {event.source!r} was already rated; charged once"
            _reject_event(result, event, DUPLICATE, "id", why, rated_at)
        else:
            _rate(result, rater, event, rated_at, seen)
    return result


def _rate(
    result: BatchResult, rater: Rater, event: UsageEvent, rated_at: datetime, seen: set[str]
) -> None:
    try:
        charge = rater.rate(event, rated_at=rated_at)
    except RatingError as error:
        _reject_event(result, event, error.reason, error.field, error.message, rated_at)
        return
    except Exception as error:  # a bug must not stop the stream nor lose the event
        log.exception("rating failed unexpectedly", extra={"event_id": event.id})
        _reject_event(result, event, INTERNAL_ERROR, "$", repr(error)[:512], rated_at)
        return
    seen.add(event.key)
    result.rated_keys.append(event.key)
    result.charges.append(charge)
    result.messages.append(Outgoing(Topics.RATED, charge.customer.encode(), codec.encode(charge)))


def _reject_event(
    result: BatchResult, event: UsageEvent, reason: str, field: str, why: str, at: datetime
) -> None:
    errors = [FieldError(field=field, reason=why)]
    log.log(
        logging.DEBUG if reason == DUPLICATE else logging.WARNING,
        "event rejected (%s): %s: %s",
        reason,
        field,
        why,
        extra={"event_id": event.id, "customer": event.customer},
    )
    payload = event.model_dump(mode="json", exclude_none=True)
    _add_rejection(
        result, _rejection(reason, errors, event, payload, at), key=event.customer.encode()
    )


def _rejection(
    reason: str, errors: list[FieldError], event: UsageEvent | None, payload: Any, at: datetime
) -> RejectedEvent:
    return RejectedEvent(
        stage="rating",
        reason=reason,
        errors=errors,
        event_id=event.id if event else None,
        event_source=event.source if event else None,
        rejected_at=at,
        payload=payload,
    )


def _add_rejection(
    result: BatchResult, rejection: RejectedEvent, *, key: bytes | None = None
) -> None:
    result.rejected[rejection.reason] += 1
    result.messages.append(Outgoing(Topics.REJECTED, key, codec.encode(rejection)))

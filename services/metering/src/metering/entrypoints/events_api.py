"""POST /v1/events: CloudEvents in (structured, batch or binary mode), 202 once on the log."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from chargeback.auth import ApiKey
from chargeback.contracts import UsageEvent
from chargeback.web import Caller, errors, forbid
from metering import metrics
from metering.domain.parsing import stamp_ingest_time, validate_all
from metering.domain.ports import StoreUnavailable
from metering.domain.refusals import EventError, InvalidEvents
from metering.entrypoints.http_body import Refused, read_raw_events
from metering.entrypoints.schemas import PARAMETERS, REQUEST_BODY, IngestAnswer, Ingestion
from metering.service_layer.ingest import EventsInFlight, NotEnqueued, ingest

log = logging.getLogger(__name__)
router = APIRouter(tags=["ingestion"])
LOGGED_REFUSALS = 20  # a refused batch of thousands logs its first few, all are answered


@router.post(
    "/v1/events",
    status_code=202,
    response_model=IngestAnswer,
    openapi_extra={"requestBody": REQUEST_BODY, "parameters": PARAMETERS},
    responses=errors(
        400,
        403,
        413,
        415,
        503,
        r400="Refused whole, nothing enqueued: each bad event's index, id, field and reason",
        r403="This key may not ingest, or not for these sources (nothing enqueued)",
        r413="Body or batch too large",
    ),
)
async def post_events(request: Request, caller: Caller) -> JSONResponse:
    """Accept usage events; all or nothing: one invalid or forbidden event refuses the request."""
    started = time.perf_counter()
    try:
        answer = await _accept(request, caller, request.app.state.ingestion)
    except Refused as refused:
        metrics.REQUESTS.labels(refused.outcome).inc()
        body = {"detail": refused.detail, "errors": refused.errors}
        return JSONResponse(body, refused.status, headers=refused.headers)
    finally:
        metrics.INGEST_SECONDS.observe(time.perf_counter() - started)
    metrics.REQUESTS.labels("accepted").inc()
    return JSONResponse(answer.model_dump(), 202)


async def _accept(request: Request, caller: ApiKey, ingestion: Ingestion) -> IngestAnswer:
    if caller.role not in ("emitter", "finance"):
        metrics.REQUESTS.labels("forbidden").inc()
        raise forbid(f"role {caller.role!r} may not ingest usage events")
    raws = await read_raw_events(request, ingestion.limits)
    metrics.BATCH_EVENTS.observe(len(raws))
    now = ingestion.clock()
    try:
        events = validate_all(raws, now=now, bounds=ingestion.bounds)
    except InvalidEvents as invalid:
        _record_refusals(invalid)
        raise Refused(
            400,
            "invalid_event",
            f"request refused, nothing enqueued: {invalid}",
            [error.public() for error in invalid.errors],
        ) from None
    _authorize_sources(caller, events)
    events = stamp_ingest_time(events, now)
    try:
        sorting = await ingest(
            events, store=ingestion.store, publisher=ingestion.publisher, policy=ingestion.policy
        )
    except EventsInFlight as busy:
        raise Refused(503, "unavailable", str(busy), headers={"Retry-After": "1"}) from None
    except (NotEnqueued, StoreUnavailable) as failed:
        raise Refused(
            503, "unavailable", f"nothing enqueued, retry: {failed}", headers={"Retry-After": "5"}
        ) from None
    metrics.ACCEPTED.labels("http").inc(len(sorting.new))
    metrics.DUPLICATES.labels("http").inc(len(sorting.duplicates))
    return IngestAnswer(
        accepted=len(sorting.new),
        duplicates=len(sorting.duplicates),
        duplicate_ids=[event.id for event in sorting.duplicates],
    )


def _authorize_sources(caller: ApiKey, events: list[UsageEvent]) -> None:
    forbidden = [(i, e.source) for i, e in enumerate(events) if not caller.may_emit_for(e.source)]
    if not forbidden:
        return
    metrics.REQUESTS.labels("forbidden").inc()
    metrics.REFUSED.labels("http", "forbidden_source").inc(len(forbidden))
    named = "; ".join(f"event {i} has source {source!r}" for i, source in forbidden[:10])
    more = f" (and {len(forbidden) - 10} more)" if len(forbidden) > 10 else ""
    raise forbid(
        f"this key may not emit for these sources, nothing enqueued: {named}{more}; "
        f"it may emit for {', '.join(caller.sources) or 'no source'}"
    )


def _record_refusals(invalid: InvalidEvents) -> None:
    first: dict[int, EventError] = {}
    for error in invalid.errors:
        first.setdefault(error.index, error)
    for error in first.values():
        metrics.REFUSED.labels("http", error.kind).inc()
    for error in list(first.values())[:LOGGED_REFUSALS]:
        log.info(
            "event %d refused: %s: %s",
            error.index,
            error.field or "$",
            error.reason,
            extra={"event_id": error.id},
        )

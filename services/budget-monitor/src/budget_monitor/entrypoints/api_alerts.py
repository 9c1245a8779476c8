"""HTTP API: raised alerts, as a list and as a live server-sent-events feed.

The feed (`GET /v1/alerts/stream`, text/event-stream) sends each alert as it is
raised: `id:` is the alert id, `event: budget.alert`, `data:` the alert JSON, and a
comment line every few seconds keeps proxies from closing it. A client that
reconnects with `Last-Event-ID` first gets the alerts raised since that one (from
the recent list). Browsers' EventSource cannot send headers, so the key may also
come as `?access_token=` (keep such URLs out of logs that others read).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import StreamingResponse

from budget_monitor.entrypoints.deps import Parts, PartsDep, Reader
from budget_monitor.entrypoints.schemas import AlertList
from chargeback import codec
from chargeback.auth import ApiKey
from chargeback.contracts import BudgetAlert
from chargeback.web import StreamCaller, content, stream_reader
from chargeback.web.params import EVENT_ID_RULE

router = APIRouter(prefix="/v1", tags=["alerts"])


def _may_see(caller: ApiKey, alert: BudgetAlert) -> bool:
    return caller.may_read_customer(alert.scope.get("customer", ""))


@router.get("/alerts", response_model=AlertList)
async def recent_alerts(
    caller: Reader,
    parts: PartsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    budget_id: Annotated[str | None, Query(max_length=128)] = None,
) -> AlertList:
    """Raised alerts the caller may see, newest first."""
    visible = [
        alert
        for alert in (codec.decode(BudgetAlert, raw) for raw in await parts.alerts.recent())
        if budget_id in (None, alert.budget_id) and _may_see(caller, alert)
    ]
    # Raised order can differ from crossing order after a restart: sort by the crossing.
    visible.sort(key=lambda alert: alert.crossing_order, reverse=True)
    return AlertList(alerts=visible[:limit])


StreamReader = Annotated[StreamCaller, Depends(stream_reader("customer", "finance"))]


def _frame(alert: BudgetAlert, raw: str) -> str:
    return f"id: {alert.alert_id}\nevent: budget.alert\ndata: {raw}\n\n"


async def _events(parts: Parts, caller: ApiKey, last_id: str | None) -> AsyncIterator[str]:
    queue = parts.hub.listen()  # listening before the backlog is read: nothing falls between
    try:
        yield "retry: 3000\n\n"
        sent: set[str] = set()
        if last_id:
            newer = []
            for raw in await parts.alerts.recent():  # newest first
                alert = codec.decode(BudgetAlert, raw)
                if alert.alert_id == last_id:
                    break
                newer.append((alert, raw))
            for alert, raw in reversed(newer):
                if _may_see(caller, alert):
                    sent.add(alert.alert_id)
                    yield _frame(alert, raw)
        while True:
            try:
                raw = await asyncio.wait_for(queue.get(), parts.settings.sse_keepalive_s)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            alert = codec.decode(BudgetAlert, raw)
            if alert.alert_id not in sent and _may_see(caller, alert):
                yield _frame(alert, raw)
    finally:
        parts.hub.forget(queue)


@router.get(
    "/alerts/stream",
    response_class=StreamingResponse,
    responses={200: content("text/event-stream", "Alerts, live: `event: budget.alert`")},
)
async def alert_stream(
    caller: StreamReader,
    parts: PartsDep,
    last_event_id: Annotated[str | None, Header(**EVENT_ID_RULE)] = None,
) -> StreamingResponse:
    """Server-sent events: every alert the caller may see, as it is raised."""
    return StreamingResponse(
        _events(parts, caller.key, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )

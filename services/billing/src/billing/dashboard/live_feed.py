"""The live alert feed (server-sent events) relayed from the budget monitor as it arrives.

EventSource sends no headers, so the page's key comes as `?access_token=`; it is checked
here and passed on as a header (it stays out of the monitor's access logs). A browser
that reconnects by itself sends `Last-Event-ID`; the page, reconnecting after a refusal,
sends `?after=` instead: either is passed on, so the monitor replays what was missed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from billing.dashboard.proxy import monitor_settings, passed_on, unreachable
from chargeback.web import StreamCaller, content, errors, stream_reader
from chargeback.web.params import EVENT_ID_RULE

router = APIRouter(prefix="/v1/budget-monitor", tags=["dashboard"])
SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


# The key from `Authorization: Bearer`, else `?access_token=` (EventSource sends no
# headers); checked here, passed on as a header (so it stays out of the monitor's logs).
StreamReader = Annotated[StreamCaller, Depends(stream_reader("customer", "finance"))]


@router.get(
    "/alerts/stream",
    response_class=StreamingResponse,
    responses={
        200: content("text/event-stream", "The monitor's feed: `event: budget.alert`"),
        **errors(404, 502, r404="Passed on from the budget monitor"),
    },
)
async def alert_stream(
    request: Request,
    caller: StreamReader,
    last_event_id: Annotated[str | None, Header(**EVENT_ID_RULE)] = None,
    after: Annotated[str | None, Query(**EVENT_ID_RULE, description="Last-Event-ID")] = None,
) -> Response:
    """The monitor's live alert feed (server-sent events), relayed as it arrives."""
    settings = monitor_settings(request)
    headers = {"Authorization": f"Bearer {caller.plain}"}
    if last_event_id or after:
        headers["Last-Event-ID"] = last_event_id or after or ""
    timeout = httpx.Timeout(settings.budget_monitor_timeout_s, read=None)  # a feed idles
    client = httpx.AsyncClient(base_url=settings.budget_monitor_url, timeout=timeout)
    try:
        request_out = client.build_request("GET", "/v1/alerts/stream", headers=headers)
        upstream = await client.send(request_out, stream=True)
    except httpx.HTTPError as exc:
        await client.aclose()
        raise unreachable(settings, exc) from None
    if upstream.status_code != 200:
        body = await upstream.aread()
        await upstream.aclose()
        await client.aclose()
        return passed_on(upstream, body)

    async def close() -> None:
        await upstream.aclose()
        await client.aclose()

    async def relay() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        except httpx.HTTPError:
            return  # the monitor went away: the page reconnects
        finally:
            await close()

    # Closed when the relay ends, and after the browser goes away (which cancels the relay).
    cleanup = BackgroundTask(close)
    return StreamingResponse(
        relay(), media_type="text/event-stream", headers=SSE_HEADERS, background=cleanup
    )

"""`/healthz`, `/readyz` and `/metrics`: the same three on every service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from chargeback.web.openapi import content

ReadinessCheck = Callable[[], Awaitable[bool]]


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]


def operations_router(ready: ReadinessCheck | None = None) -> APIRouter:
    """`/healthz` (the process answers), `/readyz` (its parts answer), `/metrics`."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> Health:
        return Health(status="ok")

    @router.get(
        "/readyz",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "A part it needs does not answer"}},
    )
    async def readyz() -> JSONResponse:
        ok = ready is None or await ready()
        body = Readiness(status="ready" if ok else "not ready")
        return JSONResponse(body.model_dump(), status_code=200 if ok else 503)

    @router.get(
        "/metrics",
        response_class=Response,
        responses={200: content("text/plain", "Prometheus text exposition format")},
    )
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router

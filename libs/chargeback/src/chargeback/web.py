"""The HTTP edge every service shares: API-key auth, health, readiness, metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

from chargeback.auth import ApiKey, KeyStore
from chargeback.metrics import preset

AUTH_REFUSALS = Counter(
    "chargeback_auth_refusals_total",
    "HTTP requests refused by authentication or authorization",
    ["reason"],
)
AUTH_REFUSAL_REASONS = ("missing_key", "invalid_key", "forbidden")
preset(AUTH_REFUSALS, AUTH_REFUSAL_REASONS)

ReadinessCheck = Callable[[], Awaitable[bool]]


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _known_key(request: Request, plain: str, missing: str) -> ApiKey:
    if not plain:
        AUTH_REFUSALS.labels("missing_key").inc()
        raise HTTPException(401, missing, headers={"WWW-Authenticate": "Bearer"})
    keys: KeyStore = request.app.state.keys
    key = keys.authenticate(plain)
    if key is None:
        AUTH_REFUSALS.labels("invalid_key").inc()
        raise HTTPException(
            401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return key


def authenticate(request: Request) -> ApiKey:
    """The caller's API key, from `Authorization: Bearer …`; 401 otherwise."""
    return _known_key(
        request, _bearer(request), "missing API key: send Authorization: Bearer <key>"
    )


def authenticate_stream(request: Request, access_token: str | None) -> tuple[ApiKey, str]:
    """For server-sent events: the key from the header, else from `?access_token=`
    (a browser's EventSource cannot send headers). Returns the key and its plain form."""
    plain = _bearer(request) or (access_token or "")
    missing = "missing API key: Authorization: Bearer <key> or ?access_token="
    return _known_key(request, plain, missing), plain


Caller = Annotated[ApiKey, Depends(authenticate)]


def forbid(reason: str) -> HTTPException:
    """A 403 that is counted; the caller raises it before doing anything."""
    AUTH_REFUSALS.labels("forbidden").inc()
    return HTTPException(403, reason)


def require_role(*roles: str) -> Callable[[ApiKey], ApiKey]:
    def check(caller: Caller) -> ApiKey:
        if caller.role not in roles:
            raise forbid(f"role {caller.role!r} may not do this; needs {' or '.join(roles)}")
        return caller

    return check


def operations_router(ready: ReadinessCheck | None = None) -> APIRouter:
    """`/healthz` (the process answers), `/readyz` (its parts answer), `/metrics`."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(response: Response) -> dict[str, str]:
        ok = ready is None or await ready()
        if not ok:
            response.status_code = 503
        return {"status": "ready" if ok else "not ready"}

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def attach_keys(app: FastAPI, keys: KeyStore) -> None:
    app.state.keys = keys

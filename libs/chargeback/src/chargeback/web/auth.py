"""Who calls: the API key from `Authorization: Bearer …`, its role, and counted refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from prometheus_client import Counter

from chargeback.auth import ApiKey, KeyStore
from chargeback.metrics import preset

AUTH_REFUSALS = Counter(
    "chargeback_auth_refusals_total",
    "HTTP requests refused by authentication or authorization",
    ["reason"],
)
AUTH_REFUSAL_REASONS = ("missing_key", "invalid_key", "forbidden")
preset(AUTH_REFUSALS, AUTH_REFUSAL_REASONS)


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


@dataclass(frozen=True)
class StreamCaller:
    key: ApiKey
    plain: str  # to pass on to the service a feed is relayed from


def stream_reader(*roles: str) -> Callable[[Request], StreamCaller]:
    """A dependency for server-sent-event feeds: the key from the header or from
    `?access_token=` (documented as a second security scheme), of one of these roles."""

    def check(request: Request) -> StreamCaller:
        token = request.query_params.get("access_token", "")[:512] or None
        key, plain = authenticate_stream(request, token)
        if key.role not in roles:
            raise forbid(f"role {key.role!r} may not do this; needs {' or '.join(roles)}")
        return StreamCaller(key, plain)

    check.refuses_roles = True  # type: ignore[attr-defined]
    check.reads_access_token = True  # type: ignore[attr-defined]
    return check


def forbid(reason: str) -> HTTPException:
    """A 403 that is counted; the caller raises it before doing anything."""
    AUTH_REFUSALS.labels("forbidden").inc()
    return HTTPException(403, reason)


def require_role(*roles: str) -> Callable[[ApiKey], ApiKey]:
    """A dependency that lets only these roles through (403 otherwise); the OpenAPI of a
    route that uses it documents the 403 by itself (see `chargeback.web.openapi`)."""

    def check(caller: Caller) -> ApiKey:
        if caller.role not in roles:
            raise forbid(f"role {caller.role!r} may not do this; needs {' or '.join(roles)}")
        return caller

    check.refuses_roles = True  # type: ignore[attr-defined]
    return check


def attach_keys(app: FastAPI, keys: KeyStore) -> None:
    app.state.keys = keys

"""One error shape for every service: `{"detail": "...", "errors": [{field, reason, …}]}`.

Every refusal, whoever raises it (a route's `HTTPException`, FastAPI's request
validation, a method the path does not have), is answered in this shape, and the
OpenAPI of every route documents it (`chargeback.web.openapi`). `detail` says what went
wrong in one sentence; `errors` names each field at fault (empty when none is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from chargeback.web.params import RULES

SHOWN_IN_DETAIL = 3  # fields named in `detail`; `errors` lists them all


class FieldProblem(BaseModel):
    """One field at fault: where (`query.period`, `body.amount`, or an event's `time`),
    why, and for a batch, which item (`index`, `id`)."""

    field: str
    reason: str
    index: int | None = None
    id: str | None = None


class ErrorAnswer(BaseModel):
    """The body of every 4xx/5xx answer of every service."""

    detail: str
    errors: list[FieldProblem] = []


class ApiError(HTTPException):
    """An `HTTPException` that also names the fields at fault."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: Sequence[FieldProblem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, detail, headers=headers)
        self.errors = list(errors)


def field_problem(field: str, reason: str, status: int = 422) -> ApiError:
    """The common case: one field is wrong; `detail` names it too."""
    return ApiError(status, f"{field}: {reason}", [FieldProblem(field=field, reason=reason)])


def answer(status: int, body: ErrorAnswer, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body.model_dump(exclude_none=True), status, headers=headers)


def _from_legacy(detail: Any) -> ErrorAnswer:
    """A detail that is not a sentence (FastAPI's list of `{loc, msg}`) in the one shape."""
    if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
        return _summarised([_problem(d) for d in detail])
    return ErrorAnswer(detail=str(detail))


def _problem(error: dict[str, Any]) -> FieldProblem:
    loc = [str(part) for part in error.get("loc", ())]
    reason = str(error.get("msg", ""))
    pattern = (error.get("ctx") or {}).get("pattern")
    if error.get("type") == "string_pattern_mismatch" and pattern in RULES:
        reason = f"must be {RULES[pattern]}, got {str(error.get('input', ''))[:40]!r}"
    return FieldProblem(field=".".join(loc) or "request", reason=reason)


def _summarised(problems: list[FieldProblem]) -> ErrorAnswer:
    named = "; ".join(f"{p.field}: {p.reason}" for p in problems[:SHOWN_IN_DETAIL])
    more = (
        f" (and {len(problems) - SHOWN_IN_DETAIL} more)" if len(problems) > SHOWN_IN_DETAIL else ""
    )
    return ErrorAnswer(detail=f"invalid request: {named}{more}", errors=problems)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    if isinstance(exc, ApiError):
        body = ErrorAnswer(detail=str(exc.detail), errors=exc.errors)
    else:
        body = _from_legacy(exc.detail)
    return answer(exc.status_code, body, headers or None)


async def _invalid_request(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return answer(422, _summarised([_problem(dict(e)) for e in exc.errors()]))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path answers (Starlette names only the first route's)."""
    methods: set[str] = set()
    path = request.scope["path"]
    for route in iter_route_contexts(request.app.router.routes):
        if isinstance(route.original_route, Route) and route.path_regex.match(path):
            methods |= route.methods or set()
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)

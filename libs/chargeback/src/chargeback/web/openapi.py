"""The OpenAPI every service publishes, made exact by construction.

`service_app` (in `chargeback.web.app`) gives every app this `openapi()`: FastAPI's own
document, then
- the API key as a security scheme, on every route that depends on `authenticate`
  (directly or through `Caller` / `require_role`), with its `401` answer;
- `403` on every route whose dependencies refuse roles (`require_role`); a route that
  refuses inside its body (a customer key reading another customer) declares it with
  `errors(403)`;
- FastAPI's `422` validation schema replaced by the one error shape (`ErrorAnswer`), and
  the `400` FastAPI gives a JSON body it cannot read documented on every route with one.
Routes declare every other answer they give with `errors(400, 404, …)` and media types
other than JSON with `content(...)`. `tests/integration/test_openapi_fuzz.py` fuzzes every
operation of every service against this document, so an undeclared answer fails a test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from chargeback.web.auth import authenticate
from chargeback.web.errors import ErrorAnswer
from chargeback.web.schemas import hoist_all

SCHEME = "apiKey"
QUERY_SCHEME = "accessToken"  # feeds a browser's EventSource reads: it cannot send headers
ERROR_REF = "#/components/schemas/ErrorAnswer"
REASONS = {
    400: "Refused: a value breaks a rule (which, and why, in `detail` and `errors`)",
    401: "No API key, or an unknown or revoked one",
    403: "This key's role or customer may not do this (counted, nothing done)",
    404: "No such resource",
    409: "Conflicts with the current state (nothing changed)",
    413: "Too large",
    415: "Unsupported Content-Type",
    422: "Invalid request: each field at fault in `errors`",
    502: "A service this one relies on did not answer",
    503: "Not available now; retry (see Retry-After)",
}


def errors(*statuses: int, **reasons: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: these statuses answered in the one error shape.
    `reasons` overrides a description: `errors(404, r404="no such budget")`."""
    return {
        status: {
            "model": ErrorAnswer,
            "description": reasons.get(f"r{status}", REASONS.get(status, "Refused")),
        }
        for status in statuses
    }


def content(media_type: str, description: str, schema: dict[str, Any] | None = None) -> dict:
    """`responses={200: content(...)}` for an answer that is not JSON (CSV, SSE, text)."""
    return {
        "description": description,
        "content": {media_type: {"schema": schema or {"type": "string"}}},
    }


def _dependencies(dependant: Dependant) -> Iterator[Any]:
    for child in dependant.dependencies:
        yield child.call
        yield from _dependencies(child)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
    }


def api_routes(app: FastAPI) -> Iterator[RouteContext]:
    """Every API route of the app in its effective form (prefix and router dependencies
    applied), routers included: what the OpenAPI document is made from."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _document_route(route: RouteContext, operation: dict[str, Any]) -> None:
    calls = list(_dependencies(route.dependant))
    answers = operation.setdefault("responses", {})
    if any(getattr(call, "reads_access_token", False) for call in calls):
        operation["security"] = [{SCHEME: []}, {QUERY_SCHEME: []}]
        answers.setdefault("401", _error(REASONS[401]))
    elif authenticate in calls:
        operation["security"] = [{SCHEME: []}]
        answers.setdefault("401", _error(REASONS[401]))
    if any(getattr(call, "refuses_roles", False) for call in calls):
        answers.setdefault("403", _error(REASONS[403]))
    if "422" in answers:
        answers["422"] = _error(REASONS[422])
    if route.body_field is not None:  # FastAPI answers a body it cannot read with 400
        answers.setdefault("400", _error("The body could not be read as JSON"))


def _one_error_shape(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    shape = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(shape.pop("$defs", {}))
    schemas["ErrorAnswer"] = shape


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    paths = document.get("paths", {})
    for route in api_routes(app):
        for method in route.methods or ():
            operation = paths.get(route.path_format or "", {}).get(method.lower())
            if operation is not None:
                _document_route(route, operation)
    _one_error_shape(document)
    hoist_all(document)
    document["components"]["securitySchemes"] = {
        SCHEME: {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"},
        QUERY_SCHEME: {
            "type": "apiKey",
            "in": "query",
            "name": "access_token",
            "description": "The same key, for live feeds read by a browser's EventSource",
        },
    }
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def openapi_text(app: FastAPI) -> str:
    """The document as `contracts/openapi/<service>.json` holds it (stable key order)."""
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

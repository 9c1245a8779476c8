"""The HTTP edge every service shares, and the conventions every endpoint follows.

- `service_app(...)`: the app, with one error shape for every refusal (`ErrorAnswer`:
  `detail` and the fields at fault in `errors`) and an exact OpenAPI document.
- `Caller`, `require_role(...)`, `forbid(...)`: API keys, roles, counted refusals;
  `stream_reader(...)` for live feeds (the key may come as `?access_token=`).
- `errors(400, 404, …)` and `content(...)`: what a route declares beyond its 200 answer.
- `ApiError`, `field_problem(...)`: refusals that name their fields.
- `operations_router`: `/healthz`, `/readyz`, `/metrics`.
- `openapi_text(app)`: the document as `contracts/openapi/<service>.json` holds it.
"""

from chargeback.web.app import service_app
from chargeback.web.auth import (
    AUTH_REFUSAL_REASONS,
    AUTH_REFUSALS,
    Caller,
    StreamCaller,
    attach_keys,
    authenticate,
    authenticate_stream,
    forbid,
    require_role,
    stream_reader,
)
from chargeback.web.errors import ApiError, ErrorAnswer, FieldProblem, field_problem
from chargeback.web.openapi import content, errors, openapi_text
from chargeback.web.operations import ReadinessCheck, operations_router

__all__ = [
    "AUTH_REFUSALS",
    "AUTH_REFUSAL_REASONS",
    "ApiError",
    "Caller",
    "ErrorAnswer",
    "FieldProblem",
    "ReadinessCheck",
    "StreamCaller",
    "attach_keys",
    "authenticate",
    "authenticate_stream",
    "content",
    "errors",
    "field_problem",
    "forbid",
    "openapi_text",
    "operations_router",
    "require_role",
    "service_app",
    "stream_reader",
]

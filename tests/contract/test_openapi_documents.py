"""Each service's OpenAPI is a contract: `contracts/openapi/<service>.json` is what the
running app serves (drift fails here; `make openapi` rewrites them), and every document
keeps the conventions of `chargeback.web`: one error shape, keys where keys are needed,
every route documented."""

from __future__ import annotations

import json
from typing import Any

import pytest
from contract_files import CONTRACTS
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from chargeback.web.openapi import api_routes

SERVICES = ("metering", "rating", "billing", "budget-monitor")
ERROR = {"$ref": "#/components/schemas/ErrorAnswer"}


def documented(service: str) -> FastAPI:
    if service == "metering":
        from metering.bootstrap import documented_app
    elif service == "rating":
        from rating.bootstrap import documented_app
    elif service == "billing":
        from billing.bootstrap import documented_app
    else:
        from budget_monitor.bootstrap import documented_app
    return documented_app()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_the_contract_file_is_what_the_app_serves(service: str) -> None:
    served = documented(service).openapi()
    stored = json.loads((CONTRACTS / "openapi" / f"{service}.json").read_text())
    assert stored == served, f"contracts/openapi/{service}.json is stale: run `make openapi`"


@pytest.mark.parametrize("service", SERVICES)
def test_every_refusal_has_the_one_error_shape(service: str) -> None:
    for method, path, operation in operations(documented(service).openapi()):
        for status, answer in operation["responses"].items():
            if int(status) < 400 or (path, status) == ("/readyz", "503"):
                continue
            schema = answer["content"]["application/json"]["schema"]
            assert schema == ERROR, f"{method} {path} {status}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_that_needs_a_key_says_so(service: str) -> None:
    for method, path, operation in operations(documented(service).openapi()):
        if path in ("/healthz", "/readyz", "/metrics"):
            assert "security" not in operation
            continue
        assert operation.get("security"), f"{method} {path} documents no key"
        assert "401" in operation["responses"], f"{method} {path}"


@pytest.mark.parametrize("service", SERVICES)
def test_no_api_route_is_left_out_of_the_document(service: str) -> None:
    app = documented(service)
    routes = [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]
    assert {c.path_format for c in routes} == {c.path_format for c in api_routes(app)}
    assert set(app.openapi()["paths"]) == {c.path_format for c in routes}

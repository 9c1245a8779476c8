"""The conventions every service's app gets from `chargeback.web.service_app`: one error
shape for every refusal, `Allow` naming every method of a path, and an OpenAPI document
that says which routes need a key and what they answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, HTTPException

from chargeback.auth import ApiKey, KeyStore
from chargeback.web import (
    Caller,
    attach_keys,
    errors,
    field_problem,
    require_role,
    service_app,
)
from chargeback.web.params import CustomerQuery, PeriodQuery

Finance = Annotated[ApiKey, Depends(require_role("finance"))]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    app = service_app(title="t", version="1", description="d", lifespan=None)
    keys = KeyStore(tmp_path / "keys.json")
    attach_keys(app, keys)

    @app.get("/things", responses=errors(404))
    def things(caller: Caller, customer: CustomerQuery, period: PeriodQuery) -> dict[str, str]:
        if customer == "ghost":
            raise HTTPException(404, "no such customer")
        return {"customer": customer}

    @app.post("/things")
    def make(caller: Finance) -> dict[str, str]:
        raise field_problem("body.amount", "must be above 0")

    plain, _ = keys.create("finance")
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http, {"Authorization": f"Bearer {plain}"}


async def test_every_refusal_has_one_shape(client) -> None:
    http, key = client
    missing = await http.get("/things", params={"customer": "acme", "period": "2026-01"})
    assert missing.status_code == 401 and set(missing.json()) == {"detail", "errors"}
    ghost = await http.get(
        "/things", params={"customer": "ghost", "period": "2026-01"}, headers=key
    )
    assert ghost.json() == {"detail": "no such customer", "errors": []}
    bad = await http.get("/things", params={"customer": "a c", "period": "x"}, headers=key)
    assert bad.status_code == 422
    (problem,) = bad.json()["errors"]
    assert problem["field"] == "query.customer" and "letters, digits" in problem["reason"]
    refused = await http.post("/things", headers=key)
    assert refused.json() == {
        "detail": "body.amount: must be above 0",
        "errors": [{"field": "body.amount", "reason": "must be above 0"}],
    }


async def test_a_method_the_path_lacks_names_every_method_it_has(client) -> None:
    http, _ = client
    answer = await http.request("OPTIONS", "/things")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"  # Starlette alone would name GET only
    assert set(answer.json()) == {"detail", "errors"}


async def test_the_document_says_who_may_call_and_what_is_answered(client) -> None:
    http, _ = client
    document = (await http.get("/openapi.json")).json()
    read, write = document["paths"]["/things"]["get"], document["paths"]["/things"]["post"]
    assert read["security"] == [{"apiKey": []}] and write["security"] == [{"apiKey": []}]
    assert {"401", "404", "422"} <= set(read["responses"]) and "403" not in read["responses"]
    assert "403" in write["responses"]  # require_role refuses roles
    period = next(p for p in read["parameters"] if p["name"] == "period")
    assert period["schema"]["pattern"] == "^2[0-9]{3}-(0[1-9]|1[0-2])$"
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert read["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorAnswer"
    }

"""The HTTP app: price books (read: any key; publish: finance), commitments, readiness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from rating_fakes import InMemoryPriceBookStorage
from rating_helpers import RULES_BOOK, book_yaml

from chargeback.auth import KeyStore
from rating.bootstrap import build_app
from terms.adapters.files import parse, parse_price_book
from terms.service_layer.registry import PriceBookRegistry

FUTURE = book_yaml(version="2099", effective_from="2099-01-01T00:00:00Z", price="0.04")


class FakeWorker:
    ready = False

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class FakeUsage:
    def __init__(self) -> None:
        self.used: dict[tuple[str, str], dict[tuple[str, str], Decimal]] = {}

    async def used_in_period(self, customer: str, period: str) -> dict[tuple[str, str], Decimal]:
        return self.used.get((customer, period), {})


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys.json")


@pytest.fixture
def usage() -> FakeUsage:
    return FakeUsage()


@pytest.fixture
async def client(keys: KeyStore, usage: FakeUsage) -> AsyncIterator[httpx.AsyncClient]:
    texts = [
        book_yaml(version="2024", effective_from="2024-01-01T00:00:00Z"),
        RULES_BOOK.replace("2024-01-01", "2024-03-01"),
    ]
    registry = PriceBookRegistry(InMemoryPriceBookStorage(), parse)
    await registry.seed([(parse_price_book(text), text) for text in texts])
    api = build_app(worker=FakeWorker(), registry=registry, usage=usage, keys=keys)
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://rating") as http:
        yield http


def bearer(keys: KeyStore, role: str, customer: str | None = None) -> dict[str, str]:
    plain, _ = keys.create(role, customer=customer, sources=("//x",))  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {plain}"}


async def test_the_price_book_needs_an_api_key(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/price-book")).status_code == 401
    wrong = {"Authorization": "Bearer cbk_not-a-key"}
    assert (await client.get("/v1/price-book", headers=wrong)).status_code == 401


@pytest.mark.parametrize("role", ["finance", "customer", "emitter"])
async def test_any_authenticated_role_reads_the_versions(
    client: httpx.AsyncClient, keys: KeyStore, role: str
) -> None:
    response = await client.get("/v1/price-book", headers=bearer(keys, role, "acme"))
    assert response.status_code == 200
    body = response.json()
    assert body["in_force_now"] == "rules-1"
    first, second = body["versions"]
    assert (first["version"], first["effective_until"]) == ("2024", "2024-03-01T00:00:00Z")
    assert second["effective_until"] is None
    assert first["services"]["compute"]["meters"]["cpu_hours"] == {
        "unit": "vCPU-hour",
        "price": "0.05",
        "pricing": None,
        "free_allowance": None,
    }
    tiers = second["services"]["compute"]["meters"]["cpu_hours"]["pricing"]
    assert tiers["model"] == "graduated" and len(tiers["tiers"]) == 3
    assert second["customers"]["acme"]["time_zone"] == "America/New_York"
    assert second["demand_rules"]["over_commitment"] == {"surcharge_percent": "25"}


async def test_finance_publishes_a_version_and_it_is_in_force_at_once(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    finance = bearer(keys, "finance")
    published = await client.post("/v1/price-books", content=FUTURE, headers=finance)
    assert published.status_code == 201, published.text
    assert published.json() | {"generation": 1} == {
        "version": "2099",
        "effective_from": "2099-01-01T00:00:00Z",
        "generation": 1,
        "created": True,
    }
    again = await client.post("/v1/price-books", content=FUTURE, headers=finance)
    assert (again.status_code, again.json()["created"]) == (200, False)  # idempotent
    versions = (await client.get("/v1/price-book", headers=finance)).json()["versions"]
    assert [v["version"] for v in versions] == ["2024", "rules-1", "2099"]


async def test_a_json_body_is_accepted_too(client: httpx.AsyncClient, keys: KeyStore) -> None:
    import json

    import yaml

    document = yaml.safe_load(FUTURE.replace("2099-01-01T00:00:00Z", '"2099-02-01T00:00:00Z"'))
    document["version"] = "2099-json"
    response = await client.post(
        "/v1/price-books", content=json.dumps(document), headers=bearer(keys, "finance")
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("role", ["customer", "emitter"])
async def test_only_finance_publishes(client: httpx.AsyncClient, keys: KeyStore, role: str) -> None:
    response = await client.post("/v1/price-books", content=FUTURE, headers=bearer(keys, role, "a"))
    assert response.status_code == 403


async def test_an_invalid_version_is_refused_with_every_problem_and_nothing_changes(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    finance = bearer(keys, "finance")
    bad = FUTURE.replace('price: "0.04"', "price: 0.04").replace("currency: USD", "currency: usd")
    response = await client.post("/v1/price-books", content=bad, headers=finance)
    assert response.status_code == 422
    paths = {p["field"] for p in response.json()["errors"]}
    assert paths == {"$.currency", "$.services.compute.meters.cpu_hours.price"}
    body = (await client.get("/v1/price-book", headers=finance)).json()
    assert (body["generation"], len(body["versions"])) == (2, 2)  # the two seed versions


async def test_the_past_cannot_be_repriced_and_clashes_are_conflicts(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    finance = bearer(keys, "finance")
    past = book_yaml(version="late", effective_from="2024-05-01T00:00:00Z")
    refused = await client.post("/v1/price-books", content=past, headers=finance)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "$.effective_from"
    seed_name = await client.post(
        "/v1/price-books", content=FUTURE.replace('"2099"', '"2024"'), headers=finance
    )
    assert seed_name.status_code == 409
    await client.post("/v1/price-books", content=FUTURE, headers=finance)
    same_start = FUTURE.replace('"2099"', '"2099-b"')
    clash = await client.post("/v1/price-books", content=same_start, headers=finance)
    assert clash.status_code == 409 and "both take effect" in clash.text
    changed = await client.post(
        "/v1/price-books", content=FUTURE.replace("0.04", "0.03"), headers=finance
    )
    assert changed.status_code == 409 and "already published" in changed.text


async def test_commitments_report_the_shortfall_of_a_period(
    client: httpx.AsyncClient, keys: KeyStore, usage: FakeUsage
) -> None:
    usage.used[("acme", "2024-06")] = {("compute", "gpu_hours"): Decimal("4")}
    response = await client.get(
        "/v1/commitments",
        params={"customer": "acme", "period": "2024-06"},
        headers=bearer(keys, "customer", "acme"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["price_book_version"], body["currency"]) == (
        "closed",
        "rules-1",
        "USD",
    )
    assert body["period_start"] == "2024-06-01T04:00:00Z"  # midnight in New York
    assert body["commitments"] == [
        {
            "service": "compute",
            "meter": "gpu_hours",
            "unit": "GPU-hour",
            "committed": "10",
            "used": "4",
            "shortfall_quantity": "6",
            "shortfall_amount": "8.1000",  # 6 × 1.50 own rate, less 10 % discount
        }
    ]
    assert body["total_shortfall"] == "8.1000"


async def test_commitments_of_another_customer_are_forbidden(
    client: httpx.AsyncClient, keys: KeyStore
) -> None:
    params = {"customer": "acme", "period": "2024-06"}
    other = bearer(keys, "customer", "globex")
    assert (await client.get("/v1/commitments", params=params, headers=other)).status_code == 403
    bad = {"customer": "acme", "period": "2024-13"}
    finance = bearer(keys, "finance")
    assert (await client.get("/v1/commitments", params=bad, headers=finance)).status_code == 400


@pytest.mark.parametrize("period", ["9999-12", "0000-01", "1999-12", "3000-01"])
async def test_commitments_of_a_period_outside_the_calendar_are_refused_with_the_reason(
    client: httpx.AsyncClient, keys: KeyStore, period: str
) -> None:
    params = {"customer": "acme", "period": period}
    answer = await client.get("/v1/commitments", params=params, headers=bearer(keys, "finance"))
    assert answer.status_code == 400
    assert "2000-01 to 2999-12" in answer.json()["detail"]


async def test_health_answers_but_readiness_waits_for_the_worker(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 503
    metrics = (await client.get("/metrics")).text
    assert "rating_events_rated_total" in metrics
    assert "rating_consumer_lag" in metrics

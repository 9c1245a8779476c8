"""The invoice API over a real ledger (SQLite and PostgreSQL), without Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from billing_support import billing_api

from billing.adapters.ledger import SqlLedger
from billing.domain.ledger import LedgerEntry

pytestmark = pytest.mark.integration


@pytest.fixture
async def api(
    database_url, keys, tmp_path, clock, redis_url
) -> AsyncIterator[tuple[httpx.AsyncClient, SqlLedger]]:
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, max_page_size=50) as (
        client,
        ledger,
        _,
        _,
    ):
        yield client, ledger


def store(ledger, charges):
    entries = [LedgerEntry(c, "usage.rated", 0, i) for i, c in enumerate(charges)]
    ledger.record(group="billing", entries=entries, bounds={})


async def test_finance_reads_a_draft_invoice_with_lines_rounded_once(api, keys, rated_charge):
    client, ledger = api
    store(
        ledger,
        [rated_charge(f"c{i}", amount="0.004", quantity="1.5") for i in range(3)]
        + [
            rated_charge(
                "s1",
                service="storage",
                meter="gb",
                unit="gb-month",
                amount="10.125",
                quantity="0.000000000123456789",
            )
        ]
        + [rated_charge("other-month", event_time="2024-06-01T00:00:00Z")],
    )

    answer = await client.get(
        "/v1/invoices",
        params={"customer": "acme", "period": "2024-05"},
        headers=keys.bearer(keys.finance),
    )

    assert answer.status_code == 200
    body = answer.json()
    assert {k: body[k] for k in ("customer", "period", "currency", "status", "number")} == {
        "customer": "acme",
        "period": "2024-05",
        "currency": "USD",
        "status": "draft",
        "number": None,
    }
    assert (body["document_type"], body["time_zone"]) == ("invoice", "UTC")
    assert body["lines"] == [
        {
            "kind": "usage",
            "service": "compute",
            "meter": "cpu",
            "unit": "vcpu-hour",
            "quantity": "4.5",
            "amount": "0.01",
            "exact_amount": "0.012",
            "charges": 3,
            "usage_period": None,
            "description": "",
        },
        {
            "kind": "usage",
            "service": "storage",
            "meter": "gb",
            "unit": "gb-month",
            "quantity": "0.000000000123456789",
            "amount": "10.13",
            "exact_amount": "10.125",
            "charges": 1,
            "usage_period": None,
            "description": "",
        },
    ]
    assert (body["total"], body["exact_total"], body["rounding_difference"]) == (
        "10.14",
        "10.137",
        "0.003",
    )
    assert body["charge_count"] == 4


async def test_a_customer_reads_only_its_own_invoices(api, keys):
    client, _ = api
    params = {"customer": "acme", "period": "2024-05"}

    own = await client.get("/v1/invoices", params=params, headers=keys.bearer(keys.acme))
    other = await client.get("/v1/invoices", params=params, headers=keys.bearer(keys.globex))
    emitter = await client.get("/v1/invoices", params=params, headers=keys.bearer(keys.emitter))
    nobody = await client.get("/v1/invoices", params=params)
    drill = await client.get("/v1/invoices/acme/2024-05/charges", headers=keys.bearer(keys.globex))

    assert own.status_code == 200
    assert other.status_code == 403 and "own customer" in other.json()["detail"]
    assert emitter.status_code == 403 and "emitter" in emitter.json()["detail"]
    assert nobody.status_code == 401
    assert drill.status_code == 403


async def test_a_customer_without_charges_gets_an_empty_draft(api, keys):
    client, _ = api

    answer = await client.get(
        "/v1/invoices",
        params={"customer": "newco", "period": "2031-01"},
        headers=keys.bearer(keys.finance),
    )

    assert answer.status_code == 200
    body = answer.json()
    assert (body["lines"], body["total"], body["charge_count"]) == ([], "0.00", 0)
    assert body["status"] == "draft"


@pytest.mark.parametrize(
    "params, status, names",
    [
        ({"customer": "acme", "period": "2024-13"}, 400, "period"),
        ({"customer": "acme", "period": "May 2024"}, 400, "period"),
        ({"customer": "ac me", "period": "2024-05"}, 422, "customer"),
        ({"customer": "acme", "period": "2024-05", "currency": "XXX"}, 422, "currency"),
    ],
)
async def test_bad_input_is_refused_naming_what_was_wrong(api, keys, params, status, names):
    client, _ = api

    answer = await client.get("/v1/invoices", params=params, headers=keys.bearer(keys.finance))

    assert answer.status_code == status
    assert names in answer.json()["detail"]


async def test_an_invoice_in_two_currencies_needs_one_named(api, keys, rated_charge):
    client, ledger = api
    store(ledger, [rated_charge("u1"), rated_charge("e1", currency="EUR", amount="2.5")])
    params = {"customer": "acme", "period": "2024-05"}

    mixed = await client.get("/v1/invoices", params=params, headers=keys.bearer(keys.finance))
    euros = await client.get(
        "/v1/invoices", params={**params, "currency": "EUR"}, headers=keys.bearer(keys.finance)
    )

    assert mixed.status_code == 409 and "EUR, USD" in mixed.json()["detail"]
    assert (euros.json()["currency"], euros.json()["total"]) == ("EUR", "2.50")


async def test_the_charges_behind_a_line_are_listed_page_by_page(api, keys, rated_charge):
    client, ledger = api
    store(
        ledger,
        [rated_charge(f"c{i}", amount="0.000000000123456789") for i in range(5)]
        + [rated_charge("r1", meter="ram")],
    )
    url = "/v1/invoices/acme/2024-05/charges"
    seen, after = [], 0
    while True:
        page = await client.get(
            url,
            params={"service": "compute", "meter": "cpu", "limit": 2, "after": after},
            headers=keys.bearer(keys.acme),
        )
        assert page.status_code == 200
        body = page.json()
        seen += body["charges"]
        if body["next_after"] is None:
            break
        after = body["next_after"]

    assert [c["event_id"] for c in seen] == [f"c{i}" for i in range(5)]
    assert {c["amount"] for c in seen} == {"0.000000000123456789"}
    everything = await client.get(url, headers=keys.bearer(keys.acme))
    assert len(everything.json()["charges"]) == 6
    clipped = await client.get(url, params={"limit": 51}, headers=keys.bearer(keys.acme))
    assert clipped.status_code == 200 and len(clipped.json()["charges"]) == 6  # pages hold 50
    too_many = await client.get(url, params={"limit": 10_001}, headers=keys.bearer(keys.acme))
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "query.limit"
    bad_period = await client.get(
        "/v1/invoices/acme/2024-1/charges", headers=keys.bearer(keys.acme)
    )
    assert bad_period.status_code == 400 and "YYYY-MM" in bad_period.json()["detail"]


async def test_operations_endpoints_answer(api):
    client, _ = api

    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200
    metrics = (await client.get("/metrics")).text
    for name in (
        "billing_ledger_charges_written_total",
        "billing_ledger_write_seconds",
        "billing_ledger_duplicates_skipped_total",
        "billing_ledger_batch_records",
    ):
        assert name in metrics

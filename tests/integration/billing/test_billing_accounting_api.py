"""Finance's HTTP API over a real ledger: documents, finalization, credit notes, journal."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from billing_support import billing_api, configure, store

from billing.domain.periods import Period

pytestmark = pytest.mark.integration


@pytest.fixture
async def api(database_url, keys, tmp_path, clock):
    async with billing_api(database_url, keys, tmp_path, clock) as running:
        yield running


async def test_finance_finalizes_a_period_and_every_reader_sees_the_frozen_invoice(
    api, keys, rated_charge
):
    client, ledger, _ = api
    finance = keys.bearer(keys.finance)
    store(ledger, [rated_charge(f"c{i}", amount="0.004") for i in range(3)])

    made = await client.post("/v1/invoices/acme/2024-05/finalize", headers=finance)
    again = await client.post("/v1/invoices/acme/2024-05/finalize", headers=finance)
    current = await client.get(
        "/v1/invoices", params={"customer": "acme", "period": "2024-05"}, headers=finance
    )
    one = await client.get("/v1/documents/INV-000001", headers=keys.bearer(keys.acme))

    assert made.status_code == 200 and again.json() == []
    (invoice,) = made.json()
    assert (invoice["number"], invoice["status"], invoice["total"]) == (
        "INV-000001",
        "finalized",
        "0.01",
    )
    assert invoice["rounding_difference"] == "-0.002"
    assert current.json() == invoice == one.json()


async def test_only_finance_finalizes_and_never_a_period_still_running(api, keys, clock):
    client, _, _ = api
    clock.now = datetime(2024, 5, 31, 12, tzinfo=UTC)

    early = await client.post(
        "/v1/invoices/acme/2024-05/finalize", headers=keys.bearer(keys.finance)
    )
    customer = await client.post(
        "/v1/invoices/acme/2024-04/finalize", headers=keys.bearer(keys.acme)
    )

    assert early.status_code == 409 and "ends at 2024-06-01" in early.json()["detail"]
    assert customer.status_code == 403 and "finance" in customer.json()["detail"]


async def test_documents_are_listed_by_customer_period_status_and_type(api, keys, rated_charge):
    client, ledger, books = api
    configure(ledger, lab={"kind": "internal", "statement_type": "showback"}, acme={})
    store(
        ledger,
        [
            rated_charge("a-may"),
            rated_charge("l-may", customer="lab"),
            rated_charge("a-jun", event_time=datetime(2024, 6, 3, tzinfo=UTC)),
        ],
    )
    books.finalize("acme", Period(2024, 5), default_currency="USD")
    finance = keys.bearer(keys.finance)

    async def numbers_and_status(**params):
        answer = await client.get("/v1/documents", params=params, headers=finance)
        assert answer.status_code == 200, answer.text
        return [
            (d["customer"], d["period"], d["status"], d["number"])
            for d in answer.json()["documents"]
        ]

    assert await numbers_and_status() == [
        ("acme", "2024-05", "finalized", "INV-000001"),
        ("acme", "2024-06", "draft", None),
        ("lab", "2024-05", "draft", None),
    ]
    assert await numbers_and_status(status="draft", customer="acme") == [
        ("acme", "2024-06", "draft", None)
    ]
    assert await numbers_and_status(type="showback") == [("lab", "2024-05", "draft", None)]
    assert await numbers_and_status(period="2024-05", status="finalized") == [
        ("acme", "2024-05", "finalized", "INV-000001")
    ]
    own = await client.get("/v1/documents", headers=keys.bearer(keys.globex))
    other = await client.get(
        "/v1/documents", params={"customer": "acme"}, headers=keys.bearer(keys.globex)
    )
    emitter = await client.get("/v1/documents", headers=keys.bearer(keys.emitter))
    assert own.json()["documents"] == []
    assert other.status_code == 403 and emitter.status_code == 403
    bad = await client.get("/v1/documents", params={"type": "receipt"}, headers=finance)
    assert bad.status_code == 422 and "type" in bad.json()["detail"]


async def test_credit_notes_reference_the_invoice_and_post_to_the_journal(api, keys, rated_charge):
    client, ledger, _ = api
    finance = keys.bearer(keys.finance)
    store(ledger, [rated_charge("e1", amount="10")])
    await client.post("/v1/invoices/acme/2024-05/finalize", headers=finance)
    body = {
        "invoice": "INV-000001",
        "reason": "SLA breach",
        "lines": [{"service": "compute", "amount": "1.50", "description": "outage"}],
    }

    created = await client.post("/v1/credit-notes", json=body, headers=finance)
    by_customer = await client.post("/v1/credit-notes", json=body, headers=keys.bearer(keys.acme))
    unknown = await client.post(
        "/v1/credit-notes", json={**body, "invoice": "INV-999999"}, headers=finance
    )
    too_much = await client.post(
        "/v1/credit-notes", json={**body, "lines": [{"service": "compute", "amount": "9"}]},
        headers=finance,
    )  # fmt: skip

    assert created.status_code == 201, created.text
    note = created.json()
    assert (note["number"], note["document_type"], note["corrects"], note["total"]) == (
        "CN-000001", "credit_note", "INV-000001", "1.50",
    )  # fmt: skip
    assert note["lines"][0]["usage_period"] == "2024-05" and note["period"] == "2024-06"
    assert by_customer.status_code == 403
    assert unknown.status_code == 404
    assert too_much.status_code == 409 and "left to credit" in too_much.json()["detail"]
    journal = await client.get("/v1/journal", params={"period": "2024-06"}, headers=finance)
    (entry,) = journal.json()["entries"]
    assert entry["source"] == "credit_note"
    assert entry["lines"] == [
        {"account": "credit-notes:compute", "debit": "1.50", "credit": "0"},
        {"account": "receivable:acme", "debit": "0", "credit": "1.50"},
    ]


async def test_the_trial_balance_balances_and_journal_entries_drill_down_to_events(
    api, keys, rated_charge
):
    client, ledger, _ = api
    finance = keys.bearer(keys.finance)
    store(
        ledger,
        [rated_charge(f"c{i}", amount="0.333333") for i in range(3)]
        + [rated_charge("s1", service="storage", amount="-0.5")],
    )
    await client.post("/v1/invoices/acme/2024-05/finalize", headers=finance)

    tb = (
        await client.get("/v1/trial-balance", params={"period": "2024-05"}, headers=finance)
    ).json()
    journal = (
        await client.get("/v1/journal", params={"period": "2024-05"}, headers=finance)
    ).json()
    compute = next(e for e in journal["entries"] if e["service"] == "compute")
    drill = await client.get(f"/v1/journal/{compute['id']}/charges", headers=finance)
    denied = await client.get(
        "/v1/trial-balance", params={"period": "2024-05"}, headers=keys.bearer(keys.acme)
    )

    assert tb["balanced"] and tb["totals"] == [
        {
            "currency": "USD",
            "debit": tb["totals"][0]["debit"],
            "credit": tb["totals"][0]["debit"],
            "balanced": True,
        }
    ]
    balances = {a["account"]: Decimal(a["balance"]) for a in tb["accounts"]}
    assert balances["receivable:acme"] == Decimal("0.50")  # 1.00 - 0.50, as printed
    assert balances["revenue:compute"] == Decimal("-0.999999")
    assert balances["revenue:storage"] == Decimal("0.5")  # a credit posts the other way
    assert {c["event_id"] for c in drill.json()["charges"]} == {"c0", "c1", "c2"}
    assert denied.status_code == 403


async def test_customer_settings_set_through_the_api_decide_statements(api, keys, rated_charge):
    client, ledger, _ = api
    finance = keys.bearer(keys.finance)

    put = await client.put(
        "/v1/customers/research",
        json={"kind": "internal", "statement_type": "chargeback", "cost_center": "CC-7",
              "time_zone": "Europe/Berlin"},
        headers=finance,
    )  # fmt: skip
    bad = await client.put("/v1/customers/x", json={"time_zone": "Mars/Olympus"}, headers=finance)
    store(
        ledger,
        [
            rated_charge(
                "e1", customer="research", event_time=datetime(2024, 5, 31, 22, 30, tzinfo=UTC)
            )
        ],
    )
    june = await client.get(
        "/v1/invoices", params={"customer": "research", "period": "2024-06"}, headers=finance
    )

    assert put.status_code == 200 and put.json()["settings_source"] == "api"
    assert bad.status_code == 422 and "time_zone" in bad.json()["detail"]
    doc = june.json()  # 22:30 UTC on 31 May is June in Berlin
    assert (doc["document_type"], doc["cost_center"], doc["charge_count"]) == (
        "chargeback",
        "CC-7",
        1,
    )


async def test_the_running_service_finalizes_due_periods_on_its_own(
    database_url, keys, tmp_path, clock, rated_charge
):
    async with billing_api(database_url, keys, tmp_path, clock, finalize_every_s=0.1) as running:
        client, ledger, books = running
        store(ledger, [rated_charge("may"), rated_charge("jul", event_time=clock.now)])

        for _ in range(100):
            if books.documents():
                break
            await asyncio.sleep(0.05)

        (invoice,) = books.documents()
        assert (invoice.document.number, str(invoice.document.period)) == ("INV-000001", "2024-05")
        july = await client.get(
            "/v1/invoices",
            params={"customer": "acme", "period": "2024-07"},
            headers=keys.bearer(keys.finance),
        )
        assert july.json()["status"] == "draft"  # the running month stays open

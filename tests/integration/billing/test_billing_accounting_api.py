"""Finance's HTTP API over a real ledger: documents, finalization, credit notes, journal."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from billing_support import billing_api, catalog_of, configure, price_book, store

from terms.domain import Period

pytestmark = pytest.mark.integration
BOOK = price_book(
    {
        "research": {"name": "Research", "cost_center": "CC-7", "time_zone": "Europe/Berlin"},
        "acme": {"name": "ACME", "cost_center": "CC-1"},
    }
)
TERMS = catalog_of(BOOK)


@pytest.fixture
async def api(database_url, keys, tmp_path, clock, redis_url):
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as running:
        yield running


async def test_finance_finalizes_a_period_and_every_reader_sees_the_frozen_invoice(
    api, keys, rated_charge
):
    client, ledger, _, _ = api
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
    client, _, _, _ = api
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
    client, ledger, books, _ = api
    configure(ledger, lab={"kind": "internal", "statement_type": "showback"}, acme={})
    store(
        ledger,
        [
            rated_charge("a-may"),
            rated_charge("l-may", customer="lab"),
            rated_charge("a-jun", event_time=datetime(2024, 6, 3, tzinfo=UTC)),
        ],
    )
    books.finalize("acme", Period(2024, 5), catalog=TERMS, default_currency="USD")
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
    client, ledger, _, _ = api
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
    client, ledger, _, _ = api
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
    client, ledger, _, _ = api
    finance = keys.bearer(keys.finance)

    put = await client.put(
        "/v1/customers/research",
        json={"kind": "internal", "statement_type": "chargeback", "grace_days": 2},
        headers=finance,
    )
    store(
        ledger,
        [
            rated_charge(
                "e1",
                customer="research",
                event_time=datetime(2024, 5, 31, 22, 30, tzinfo=UTC),
                terms=TERMS,
            )
        ],
    )
    june = await client.get(
        "/v1/invoices", params={"customer": "research", "period": "2024-06"}, headers=finance
    )

    assert put.status_code == 200, put.text
    body = put.json()
    assert (body["settings_source"], body["statement_type"], body["grace_hours"]) == (
        "api", "chargeback", 48,
    )  # fmt: skip
    assert body["terms"] == {
        "price_book_version": "test-1",
        "name": "Research",
        "cost_center": "CC-7",
        "time_zone": "Europe/Berlin",
        "currency": "USD",
        "commitments": [],
    }
    doc = june.json()  # 22:30 UTC on 31 May is June in Berlin
    assert (doc["document_type"], doc["cost_center"], doc["charge_count"]) == (
        "chargeback",
        "CC-7",
        1,
    )
    assert (doc["time_zone"], doc["period_start"]) == ("Europe/Berlin", "2024-05-31T22:00:00Z")


@pytest.mark.parametrize(
    "term, value",
    [
        ("time_zone", "Europe/Berlin"),
        ("cost_center", "CC-9"),
        ("currency", "EUR"),
        ("discount_percent", "5"),
        ("overrides", {"compute": {"cpu": {"committed": "10"}}}),
        ("commitments", []),
        ("name", "Research"),
    ],
)
async def test_a_term_in_the_settings_is_refused_naming_the_field(api, keys, term, value):
    client, ledger, _, _ = api

    refused = await client.put(
        "/v1/customers/research",
        json={"kind": "internal", term: value},
        headers=keys.bearer(keys.finance),
    )

    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert f"{term} is a term" in detail and "publishing a price-book version" in detail
    assert ledger.customer_states(["research"]) == {}  # nothing stored


async def test_customers_show_their_settings_and_the_terms_in_force_now(api, keys):
    client, ledger, _, _ = api
    configure(ledger, lab={"statement_type": "showback"})
    finance = keys.bearer(keys.finance)

    listed = await client.get("/v1/customers", headers=finance)
    own = await client.get("/v1/customers/acme", headers=keys.bearer(keys.acme))
    other = await client.get("/v1/customers/research", headers=keys.bearer(keys.acme))
    unknown = await client.get("/v1/customers/newco", headers=finance)
    bad = await client.put("/v1/customers/x", json={"kind": "partner"}, headers=finance)

    assert [(c["id"], c["settings_source"], c["terms"]["name"]) for c in listed.json()] == [
        ("acme", "default", "ACME"),
        ("lab", "file", "lab"),  # not in the price book: list terms
        ("research", "default", "Research"),
    ]
    lab = listed.json()[1]
    assert (lab["statement_type"], lab["terms"]["time_zone"], lab["terms"]["cost_center"]) == (
        "showback", "UTC", None,
    )  # fmt: skip
    assert own.status_code == 200 and own.json()["terms"]["cost_center"] == "CC-1"
    assert own.json()["terms"]["price_book_version"] == "test-1"
    assert other.status_code == 403
    assert unknown.status_code == 404
    assert bad.status_code == 422 and "kind must be one of" in bad.json()["detail"]


async def test_the_running_service_finalizes_due_periods_on_its_own(
    database_url, keys, tmp_path, clock, redis_url, rated_charge
):
    async with billing_api(
        database_url, keys, tmp_path, clock, redis_url, finalize_every_s=0.1
    ) as running:
        client, ledger, books, _ = running
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

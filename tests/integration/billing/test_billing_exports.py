"""Exports of a period, and a FOCUS 1.2 export validated column by column against its rules."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from billing_support import billing_api, catalog_of, configure, price_book, store

from billing.domain.credit_notes import CreditRequest
from billing.domain.focus_columns import CONDITIONAL, MANDATORY, SERVICE_CATEGORIES
from chargeback.money import MINOR_UNITS, exact_sum
from terms.domain import Period

pytestmark = pytest.mark.integration
UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
CHARGE_CATEGORIES = {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}
FREQUENCIES = {"One-Time", "Recurring", "Usage-Based"}


BOOK = price_book(
    {
        "acme": {"name": "ACME", "time_zone": "America/New_York", "cost_center": "CC-1"},
        "research": {"name": "Research", "cost_center": "CC-7"},
        "lab": {"time_zone": "Asia/Tokyo"},
    }
)
TERMS = catalog_of(BOOK)


@pytest.fixture
async def api(database_url, keys, tmp_path, clock, redis_url):
    async with billing_api(database_url, keys, tmp_path, clock, redis_url, book=BOOK) as running:
        yield running


def ledger_with_every_kind_of_document(ledger, books, rated_charge):
    configure(
        ledger,
        research={"kind": "internal", "statement_type": "chargeback"},
        lab={"kind": "internal", "statement_type": "showback"},
    )
    may = datetime(2024, 5, 10, 12, tzinfo=UTC)
    store(
        ledger,
        [rated_charge(f"a{i}", amount="0.004", event_time=may, terms=TERMS) for i in range(3)]
        + [
            rated_charge(
                "a-s", service="storage", meter="gb", amount="10.125", event_time=may, terms=TERMS
            )
        ]
        + [
            rated_charge(f"r{i}", customer="research", amount="1.0005", terms=TERMS)
            for i in range(2)
        ]
        # A charge made for another cost center than the terms' (as rating stated it).
        + [rated_charge("r-x", customer="research", amount="0", cost_center="CC-8")]
        + [rated_charge("l1", customer="lab", amount="2.499", event_time=may, terms=TERMS)],
    )
    books.finalize("acme", Period(2024, 5), catalog=TERMS, default_currency="USD")
    late = rated_charge(
        "a-late", amount="0.75", event_time=datetime(2024, 5, 20, tzinfo=UTC), terms=TERMS
    )
    store(ledger, [late], first_offset=100)
    books.issue_credit_note(
        invoice_number="INV-000001",
        requested=[CreditRequest("storage", Decimal("1.00"), "wrong tier")],
        reason="correction",
    )


async def focus_rows(client, keys, period, **params):
    answer = await client.get(
        "/v1/exports/focus", params={"period": period, **params}, headers=keys.bearer(keys.finance)
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(answer.text))
    rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
    return reader.fieldnames, rows


def check_columns(header):
    assert set(MANDATORY) <= set(header), set(MANDATORY) - set(header)
    for column in header:
        assert column in MANDATORY or column in CONDITIONAL or column.startswith("x_"), column


def check_row(row):
    for cost in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost"):
        Decimal(row[cost])  # present, a decimal
    assert row["BillingCurrency"] in MINOR_UNITS
    assert row["BillingAccountId"] and row["BillingAccountName"]
    for bound in ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"):
        assert UTC_TIME.fullmatch(row[bound]), (bound, row[bound])
    assert row["BillingPeriodStart"] < row["BillingPeriodEnd"]
    assert row["ChargePeriodStart"] < row["ChargePeriodEnd"]
    assert row["ChargeCategory"] in CHARGE_CATEGORIES
    assert row["ChargeClass"] in (None, "Correction")
    if row["ChargeClass"] is None:  # a correction may concern an earlier period
        assert row["BillingPeriodStart"] <= row["ChargePeriodStart"]
        assert row["ChargePeriodEnd"] <= row["BillingPeriodEnd"]
    assert row["ChargeDescription"]
    assert row["ChargeFrequency"] in FREQUENCIES
    usage = row["ChargeCategory"] == "Usage" and row["ChargeClass"] != "Correction"
    if usage:
        assert row["PricingQuantity"] is not None and row["ConsumedQuantity"] is not None
        assert row["ConsumedUnit"]
    if row["PricingQuantity"] is not None:
        Decimal(row["PricingQuantity"])
        assert row["PricingUnit"]
    assert row["ServiceCategory"] in SERVICE_CATEGORIES
    assert row["ServiceName"]
    assert row["ProviderName"] and row["PublisherName"] and row["InvoiceIssuerName"]
    if row["x_DocumentStatus"] == "finalized":
        assert row["InvoiceId"]
    else:
        assert row["InvoiceId"] is None


async def test_the_focus_export_follows_the_rules_column_by_column(api, keys, rated_charge):
    client, ledger, books, _ = api
    ledger_with_every_kind_of_document(ledger, books, rated_charge)

    for period in ("2024-05", "2024-06"):
        header, rows = await focus_rows(client, keys, period)
        check_columns(header)
        for row in rows:
            check_row(row)

    _, may = await focus_rows(client, keys, "2024-05")
    invoice = books.document("INV-000001").document
    invoiced = [r for r in may if r["InvoiceId"] == "INV-000001"]
    # BilledCost sums to the invoice: charges at full precision plus the rounding row.
    assert (
        exact_sum(Decimal(r["BilledCost"]) for r in invoiced)
        == invoice.total.amount
        == Decimal("10.14")
    )
    assert {r["x_EventId"] for r in invoiced if r["x_EventId"]} == {"a0", "a1", "a2", "a-s"}
    assert invoiced[0]["BillingPeriodStart"] == "2024-05-01T04:00:00Z"  # New York's May, in UTC
    assert invoiced[0]["ChargePeriodStart"] == "2024-05-10T12:00:00Z"
    research = [r for r in may if r["BillingAccountId"] == "research"]
    assert exact_sum(Decimal(r["BilledCost"]) for r in research) == Decimal("2.00")
    assert {r["x_DocumentType"] for r in research} == {"chargeback"}
    (rounding,) = [r for r in research if r["x_LineKind"] == "rounding"]
    assert rounding["SubAccountId"] == "CC-7"  # the document's: the terms closing May
    # Each charge's row names the cost center the charge was made for.
    assert {r["x_EventId"]: r["SubAccountId"] for r in research if r["x_EventId"]} == {
        "r0": "CC-7", "r1": "CC-7", "r-x": "CC-8",
    }  # fmt: skip
    assert {r["BillingAccountName"] for r in research} == {"Research"}
    lab = [r for r in may if r["BillingAccountId"] == "lab"]
    assert {r["BilledCost"] for r in lab} == {"0"}  # shown, not billed
    assert exact_sum(Decimal(r["EffectiveCost"]) for r in lab) == Decimal("2.50")
    assert lab[0]["BillingPeriodStart"] == "2024-04-30T15:00:00Z"  # Tokyo's May

    _, june = await focus_rows(client, keys, "2024-06")
    (late,) = [r for r in june if r["x_EventId"] == "a-late"]
    assert (late["ChargeClass"], late["x_UsagePeriod"], late["ChargePeriodStart"]) == (
        "Correction", "2024-05", "2024-05-20T00:00:00Z",
    )  # fmt: skip
    credit = [r for r in june if r["InvoiceId"] == "CN-000001"]
    assert [(r["ChargeCategory"], r["ChargeClass"], r["BilledCost"]) for r in credit] == [
        ("Credit", "Correction", "-1.00")
    ]


async def test_csv_and_json_exports_carry_every_charge_and_line(api, keys, rated_charge):
    client, ledger, books, _ = api
    ledger_with_every_kind_of_document(ledger, books, rated_charge)
    finance = keys.bearer(keys.finance)

    as_csv = await client.get("/v1/exports/csv", params={"period": "2024-05"}, headers=finance)
    as_json = await client.get(
        "/v1/exports/json", params={"period": "2024-05", "customer": "acme"}, headers=finance
    )

    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 4 + 1 + 3 + 1 + 1 + 1  # charges, rounding rows of the three documents
    assert {r["cost_center"] for r in rows if r["customer"] == "research"} == {"CC-7", "CC-8"}
    acme = json.loads(as_json.text)
    assert {r["customer"] for r in acme} == {"acme"}
    assert exact_sum(Decimal(r["amount"]) for r in acme) == Decimal("10.14")
    assert {r["line_kind"] for r in acme} == {"usage", "rounding"}
    assert all(r["period"] == "2024-05" for r in acme)


async def test_a_customer_exports_only_its_own_documents(api, keys, rated_charge):
    client, ledger, _, _ = api
    store(ledger, [rated_charge("a1"), rated_charge("g1", customer="globex")])

    own = await client.get(
        "/v1/exports/json", params={"period": "2024-05"}, headers=keys.bearer(keys.acme)
    )
    other = await client.get(
        "/v1/exports/csv", params={"period": "2024-05", "customer": "globex"},
        headers=keys.bearer(keys.acme),
    )  # fmt: skip
    emitter = await client.get(
        "/v1/exports/focus", params={"period": "2024-05"}, headers=keys.bearer(keys.emitter)
    )
    bad = await client.get(
        "/v1/exports/xml", params={"period": "2024-05"}, headers=keys.bearer(keys.finance)
    )

    assert {r["customer"] for r in json.loads(own.text)} == {"acme"}
    assert other.status_code == 403 and emitter.status_code == 403
    assert bad.status_code == 422

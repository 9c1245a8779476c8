"""Double entry: every entry balances; charges, close lines, rounding and credits post right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.domain.closing import closing_entries, credit_note_entries
from billing.domain.commitments import CloseLine
from billing.domain.credit_notes import CreditNoteError, CreditRequest, credit_note
from billing.domain.customer_settings import parse_settings
from billing.domain.customers import compose
from billing.domain.invoices import DraftLine, build_document
from billing.domain.journal import balanced, transfer, usage_entries
from billing.domain.ledger import LedgerEntry, place
from billing.domain.trial_balance import trial_balance
from terms.adapters.files import parse_price_book
from terms.domain import Period

MAY = Period(2024, 5)
CUSTOMERS = {
    "acme": parse_settings("acme", {}),
    "it": parse_settings("it", {"kind": "internal"}),
    "lab": parse_settings("lab", {"statement_type": "showback"}),
}
BOOK = parse_price_book("""
version: "2024.1"
effective_from: "2024-01-01T00:00:00Z"
currency: USD
services: {compute: {meters: {cpu: {unit: vcpu-hour, price: "0.004"}}}}
customers:
  it: {name: IT, cost_center: CC-1}
""")


def placed(charge, closed=None):
    return place(LedgerEntry(charge, "usage.rated", 0, 0), closed)


def test_a_batch_posts_one_balanced_entry_per_customer_service_and_period(rated_charge):
    batch = [
        placed(rated_charge("a1", amount="0.004", cost_center="CC-9")),
        placed(rated_charge("a2", amount="1.996")),
        placed(rated_charge("i1", customer="it", amount="3", cost_center="CC-1")),
        placed(rated_charge("l1", customer="lab", amount="4")),
        placed(rated_charge("late", amount="5"), closed=MAY),
    ]

    entries = usage_entries(batch, CUSTOMERS)

    assert [
        (e.customer, e.period, e.source, e.postings[0].account, e.postings[1].account)
        for e in entries
    ] == [
        ("acme", "2024-05", "usage", "receivable:acme", "revenue:compute"),
        ("acme", "2024-06", "late_usage", "receivable:acme", "adjustments:compute"),
        ("it", "2024-05", "usage", "chargeback:CC-1", "revenue:compute"),
        ("lab", "2024-05", "usage", "showback:lab", "showback-offset:compute"),
    ]
    assert entries[0].postings[0].debit == Decimal("2.000")
    assert [e.memo for e in entries] == [False, False, False, True]
    assert balanced(entries)


def test_chargeback_goes_to_the_cost_center_each_charge_carries(rated_charge):
    batch = [
        placed(rated_charge("i1", customer="it", amount="3", cost_center="CC-1")),
        placed(rated_charge("i2", customer="it", amount="2", cost_center="CC-2")),
        placed(rated_charge("i3", customer="it", amount="1")),  # none: the department's own
    ]

    entries = usage_entries(batch, CUSTOMERS)

    assert sorted((e.postings[0].account, e.postings[0].debit) for e in entries) == [
        ("chargeback:CC-1", Decimal(3)),
        ("chargeback:CC-2", Decimal(2)),
        ("chargeback:it", Decimal(1)),
    ]
    assert balanced(entries)


def test_a_negative_amount_moves_the_other_way_never_as_a_negative_debit():
    debit, credit = transfer("receivable:acme", "revenue:compute", Decimal("-2.5"))

    assert (debit.account, debit.debit, credit.account, credit.credit) == (
        "revenue:compute", Decimal("2.5"), "receivable:acme", Decimal("2.5"),
    )  # fmt: skip


def test_closing_posts_close_lines_and_the_rounding_difference():
    document = build_document(
        customer="acme",
        period=MAY,
        currency="USD",
        lines=[DraftLine("compute", "cpu", "h", "USD", Decimal(1), Decimal("1.004"), 3, "2024-05")],
        close_lines=[
            CloseLine(
                "commitment_shortfall", "compute", "cpu", "h", Decimal(2), Decimal("0.5"), "x"
            )
        ],
        status="finalized",
        number="INV-000007",
    )

    entries = closing_entries(compose(CUSTOMERS["acme"], BOOK), document)

    assert (document.total.amount, document.exact_total) == (Decimal("1.50"), Decimal("1.504"))
    assert [(e.source, [(p.account, p.debit, p.credit) for p in e.postings]) for e in entries] == [
        (
            "period_close",
            [("receivable:acme", Decimal("0.5"), 0), ("adjustments:compute", 0, Decimal("0.5"))],
        ),
        ("rounding", [("rounding", Decimal("0.004"), 0), ("receivable:acme", 0, Decimal("0.004"))]),
    ]
    # Charged back: to the cost center of the terms closing the period.
    internal = closing_entries(compose(CUSTOMERS["it"], BOOK), document)
    assert {p.account for e in internal for p in e.postings} == {
        "chargeback:CC-1", "adjustments:compute", "rounding",
    }  # fmt: skip


def test_credit_notes_are_checked_against_the_invoice_and_post_against_income():
    invoice = build_document(
        customer="acme", period=MAY, currency="USD", status="finalized", number="INV-000001",
        lines=[DraftLine("compute", "cpu", "h", "USD", Decimal(1), Decimal("10"), 1, "2024-05")],
    )  # fmt: skip

    def issue(amount, service="compute", already="0"):
        return credit_note(
            invoice=invoice, requested=[CreditRequest(service, Decimal(amount))],
            already_credited=Decimal(already), period=Period(2024, 6), number="CN-000001",
        )  # fmt: skip

    note = issue("4.00", already="6.00")
    (entry,) = credit_note_entries(CUSTOMERS["acme"], note, cost_center=None)
    assert [(p.account, p.debit, p.credit) for p in entry.postings] == [
        ("credit-notes:compute", Decimal("4.00"), 0),
        ("receivable:acme", 0, Decimal("4.00")),
    ]
    (charged_back,) = credit_note_entries(CUSTOMERS["it"], note, cost_center="CC-1")
    assert charged_back.postings[1].account == "chargeback:CC-1"
    with pytest.raises(CreditNoteError, match="left to credit"):
        issue("4.01", already="6.00")
    with pytest.raises(CreditNoteError, match="not on INV-000001"):
        issue("1", service="storage")
    with pytest.raises(CreditNoteError, match="positive"):
        issue("-1")


def test_a_trial_balance_sums_each_account_and_balances_per_currency():
    tb = trial_balance(
        "2024-05",
        [
            ("receivable:acme", "USD", Decimal("1.5"), Decimal(0)),
            ("revenue:compute", "USD", Decimal(0), Decimal("1.5")),
            ("receivable:acme", "EUR", Decimal(2), Decimal(0)),
            ("revenue:compute", "EUR", Decimal(0), Decimal(1)),
        ],
    )

    assert [(t.currency, t.balanced) for t in tb.totals] == [("EUR", False), ("USD", True)]
    assert not tb.balanced
    assert {(a.account, a.currency): a.balance for a in tb.accounts}[
        ("revenue:compute", "USD")
    ] == Decimal("-1.5")

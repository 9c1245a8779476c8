"""Finalization on SQLite and PostgreSQL: frozen, numbered without gaps, late usage adjusted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from billing_support import configure, store
from sqlalchemy import select

from billing.adapters.ledger import finalize as finalize_module
from billing.adapters.ledger.accounting_schema import (
    billing_document_lines,
    billing_documents,
    billing_sequences,
)
from billing.domain.credit_notes import CreditNoteError, CreditRequest
from billing.domain.periods import Period
from billing.domain.trial_balance import trial_balance
from billing.service_layer.finalization import PeriodNotOverError, finalize_due, finalize_now

pytestmark = pytest.mark.integration
MAY, JUNE = Period(2024, 5), Period(2024, 6)


def frozen_rows(ledger):
    """The stored document rows, exactly as the database holds them."""
    with ledger.engine.connect() as conn:
        docs = conn.execute(select(billing_documents).order_by(billing_documents.c.id)).all()
        lines = conn.execute(
            select(billing_document_lines).order_by(billing_document_lines.c.id)
        ).all()
    return [tuple(r) for r in docs], [tuple(r) for r in lines]


def test_finalizing_freezes_the_lines_numbers_the_invoice_and_posts_the_rounding(
    ledger, books, rated_charge
):
    configure(ledger, acme={"name": "ACME", "time_zone": "America/New_York"})
    store(
        ledger,
        [rated_charge(f"c{i}", amount="0.004") for i in range(3)]
        # 02:00 UTC on 1 June is still 31 May in New York: May's invoice.
        + [rated_charge("late-may", amount="1", event_time=datetime(2024, 6, 1, 2, tzinfo=UTC))],
    )

    numbers = books.finalize("acme", MAY, default_currency="USD")

    assert numbers == ["INV-000001"]
    stored = books.document("INV-000001")
    doc = stored.document
    assert (doc.status, doc.document_type, str(doc.period)) == ("finalized", "invoice", "2024-05")
    assert [(ln.kind, ln.amount.amount, ln.exact_amount, ln.charges) for ln in doc.lines] == [
        ("usage", Decimal("1.01"), Decimal("1.012"), 4)
    ]
    assert (doc.total.amount, doc.exact_total, doc.rounding_difference) == (
        Decimal("1.01"),
        Decimal("1.012"),
        Decimal("-0.002"),
    )
    assert stored.period_start == datetime(2024, 5, 1, 4, tzinfo=UTC)  # midnight in New York
    tb = trial_balance("2024-05", books.postings("2024-05"))
    assert tb.balanced
    balances = {a.account: a.balance for a in tb.accounts}
    assert balances["receivable:acme"] == Decimal("1.01")  # the printed total, to the cent
    assert balances["revenue:compute"] == Decimal("-1.012")  # exact rated income
    assert balances["rounding"] == Decimal("0.002")


def test_a_finalized_invoice_never_changes_late_usage_lands_on_the_next_period(
    ledger, books, rated_charge
):
    configure(ledger, acme={"name": "ACME"})
    first = [rated_charge(f"c{i}", amount="1.25") for i in range(4)]
    store(ledger, first)
    books.finalize("acme", MAY, default_currency="USD")
    before = frozen_rows(ledger)
    document_before = books.document("INV-000001")

    # After finalization: a late event, a duplicate with another amount, a whole replay.
    late = rated_charge("late-1", amount="0.75", event_time=datetime(2024, 5, 20, tzinfo=UTC))
    store(ledger, [late, rated_charge("c1", amount="999")], first_offset=10)
    replay = store(ledger, first)

    assert replay.written == 0
    assert frozen_rows(ledger) == before
    assert books.document("INV-000001") == document_before
    (adjustment,) = ledger.draft_lines("acme", JUNE)
    assert (adjustment.usage_period, adjustment.amount, adjustment.charges) == (
        "2024-05",
        Decimal("0.75"),
        1,
    )
    (charge,) = ledger.charges(customer="acme", period=JUNE)
    assert (charge.event_id, charge.period, charge.billed_period) == (
        "late-1",
        "2024-05",
        "2024-06",
    )
    entries = [e for e in books.journal(period="2024-06") if e.source == "late_usage"]
    assert [(e.usage_period, e.lines[1][0]) for e in entries] == [
        ("2024-05", "adjustments:compute")
    ]


def test_numbers_have_no_gaps_when_many_customers_are_finalized_at_once(
    ledger, books, rated_charge
):
    customers = [f"cust-{i:02d}" for i in range(10)]
    store(ledger, [rated_charge(f"e-{c}", customer=c) for c in customers])

    def finalize(customer):
        return books.finalize(customer, MAY, default_currency="USD")

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(finalize, customers + customers[:4]))  # some twice

    numbers = sorted(n for found in made for n in found)
    assert numbers == [f"INV-{n:06d}" for n in range(1, 11)]
    owners = {books.document(n).document.customer for n in numbers}
    assert owners == set(customers)


def test_a_finalization_that_fails_half_way_takes_no_number_with_it(
    ledger, books, rated_charge, monkeypatch
):
    store(ledger, [rated_charge("e1", amount="0.004")])
    real_post = finalize_module.post

    def crash(*args, **kwargs):
        raise RuntimeError("power cut after the number was taken")

    monkeypatch.setattr(finalize_module, "post", crash)
    with pytest.raises(RuntimeError):
        books.finalize("acme", MAY, default_currency="USD")
    monkeypatch.setattr(finalize_module, "post", real_post)

    assert frozen_rows(ledger) == ([], [])
    with ledger.engine.connect() as conn:
        assert conn.execute(select(billing_sequences)).all() == []
    assert ledger.customer_states(["acme"])["acme"].closed_through is None
    assert books.finalize("acme", MAY, default_currency="USD") == ["INV-000001"]


def test_the_scheduler_waits_for_period_end_plus_grace_in_the_customers_zone(
    ledger, books, clock, rated_charge
):
    configure(ledger, umbrella={"time_zone": "Asia/Tokyo", "grace_days": 1})
    store(ledger, [rated_charge("e1", customer="umbrella")])
    may_ends = datetime(2024, 5, 31, 15, tzinfo=UTC)  # midnight in Tokyo

    def due_at(moment):
        return finalize_due(
            ledger, books, now=moment, default_grace=timedelta(days=3), default_currency="USD"
        )

    assert due_at(may_ends + timedelta(days=1) - timedelta(seconds=1)) == []
    assert due_at(may_ends + timedelta(days=1)) == ["INV-000001"]
    assert due_at(may_ends + timedelta(days=2)) == []  # nothing left to finalize


def test_finance_may_finalize_only_a_period_that_has_ended(ledger, books, rated_charge):
    configure(ledger, hooli={"time_zone": "America/Los_Angeles"})
    store(ledger, [rated_charge("e1", customer="hooli")])
    still_may_in_la = datetime(2024, 6, 1, 6, tzinfo=UTC)

    with pytest.raises(PeriodNotOverError, match="America/Los_Angeles"):
        finalize_now(
            ledger, books, customer_id="hooli", period=MAY, now=still_may_in_la,
            default_currency="USD",
        )  # fmt: skip
    made = finalize_now(
        ledger, books, customer_id="hooli", period=MAY, now=still_may_in_la + timedelta(hours=1),
        default_currency="USD",
    )  # fmt: skip
    assert made == ["INV-000001"]


def test_internal_customers_get_chargeback_and_showback_statements_in_their_own_series(
    ledger, books, rated_charge
):
    configure(
        ledger,
        acme={},
        research={"kind": "internal", "statement_type": "chargeback", "cost_center": "CC-9"},
        lab={"kind": "internal", "statement_type": "showback"},
    )
    store(ledger, [rated_charge(f"e-{c}", customer=c) for c in ("acme", "research", "lab")])

    made = [books.finalize(c, MAY, default_currency="USD")[0] for c in ("research", "lab", "acme")]

    assert made == ["CHB-000001", "SHB-000001", "INV-000001"]
    kinds = {n: books.document(n).document.document_type for n in made}
    assert kinds == {"CHB-000001": "chargeback", "SHB-000001": "showback", "INV-000001": "invoice"}
    by_customer = {e.customer: e for e in books.journal(period="2024-05") if e.source == "usage"}
    assert by_customer["research"].lines[0][0] == "chargeback:CC-9"
    assert by_customer["lab"].memo and by_customer["lab"].lines[0][0] == "showback:lab"
    receivables = [
        a.account
        for a in trial_balance("2024-05", books.postings("2024-05")).accounts
        if a.account_type == "asset"
    ]
    assert receivables == ["chargeback:CC-9", "receivable:acme"]  # showback is never receivable


def test_credit_notes_correct_an_invoice_in_their_own_series(ledger, books, rated_charge):
    store(ledger, [rated_charge("e1", amount="10"), rated_charge("s1", service="storage")])
    books.finalize("acme", MAY, default_currency="USD")
    invoice_before = books.document("INV-000001")

    note = books.issue_credit_note(
        invoice_number="INV-000001",
        requested=[CreditRequest("compute", Decimal("2.50"), "outage on 12 May")],
        reason="SLA credit",
    )

    assert (note.document.number, note.corrects, str(note.document.period)) == (
        "CN-000001",
        "INV-000001",
        "2024-06",
    )
    assert note.document.total.amount == Decimal("2.50")
    (entry,) = [e for e in books.journal(period="2024-06") if e.source == "credit_note"]
    assert entry.lines == (
        ("credit-notes:compute", Decimal("2.50"), Decimal(0)),
        ("receivable:acme", Decimal(0), Decimal("2.50")),
    )
    assert books.document("INV-000001") == invoice_before
    with pytest.raises(CreditNoteError, match="left to credit"):
        books.issue_credit_note(
            invoice_number="INV-000001",
            requested=[CreditRequest("compute", Decimal("7.54"))],
            reason="too much",
        )
    with pytest.raises(CreditNoteError, match="decimal places"):
        books.issue_credit_note(
            invoice_number="INV-000001",
            requested=[CreditRequest("compute", Decimal("0.001"))],
            reason="sub-cent",
        )


def test_a_minimum_commitment_shortfall_is_its_own_line_at_close(ledger, books, rated_charge):
    configure(
        ledger,
        acme={
            "overrides": {"compute": {"cpu": {"committed": "1000", "price": "0.04"}}},
            "discount_percent": "10",
        },
    )
    store(ledger, [rated_charge("e1", quantity="400", unit_price="0.04", amount="16")])

    (number,) = books.finalize("acme", MAY, default_currency="USD")

    lines = books.document(number).document.lines
    assert [(ln.kind, ln.quantity, ln.amount.amount) for ln in lines] == [
        ("usage", Decimal(400), Decimal("16.00")),
        ("commitment_shortfall", Decimal(600), Decimal("21.60")),  # 600 x 0.04 less 10 %
    ]
    (entry,) = [e for e in books.journal(period="2024-05") if e.source == "period_close"]
    assert entry.lines[1] == ("adjustments:compute", Decimal(0), Decimal("21.600"))
    assert trial_balance("2024-05", books.postings("2024-05")).balanced

"""Finalization on SQLite and PostgreSQL: frozen, numbered without gaps, late usage adjusted."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from billing_support import catalog_of, configure, price_book, store
from sqlalchemy import select

from billing.adapters.ledger import finalize as finalize_module
from billing.adapters.ledger.accounting_schema import (
    billing_document_lines,
    billing_documents,
    billing_sequences,
)
from billing.domain.credit_notes import CreditNoteError, CreditRequest
from billing.domain.trial_balance import trial_balance
from billing.service_layer.finalization import PeriodNotOverError, finalize_due, finalize_now
from terms.domain import Period, period_commitments

pytestmark = pytest.mark.integration
MAY, JUNE = Period(2024, 5), Period(2024, 6)
LIST_PRICES = catalog_of(price_book())  # a version listing nobody: list terms, UTC


def finalize(books, customer, period, catalog=LIST_PRICES):
    return books.finalize(customer, period, catalog=catalog, default_currency="USD")


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
    terms = catalog_of(price_book({"acme": {"name": "ACME", "time_zone": "America/New_York"}}))
    june_1 = datetime(2024, 6, 1, 2, tzinfo=UTC)
    store(
        ledger,
        [rated_charge(f"c{i}", amount="0.004", terms=terms) for i in range(3)]
        # 02:00 UTC on 1 June is still 31 May in New York: May's invoice.
        + [rated_charge("late-may", amount="1", event_time=june_1, terms=terms)],
    )

    numbers = finalize(books, "acme", MAY, terms)

    assert numbers == ["INV-000001"]
    stored = books.document("INV-000001")
    assert (stored.customer_name, stored.time_zone, stored.cost_center) == (
        "ACME", "America/New_York", None,
    )  # fmt: skip
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
    first = [rated_charge(f"c{i}", amount="1.25") for i in range(4)]
    store(ledger, first)
    finalize(books, "acme", MAY)
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

    def finalize_may(customer):
        return finalize(books, customer, MAY)

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(finalize_may, customers + customers[:4]))  # some twice

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
        finalize(books, "acme", MAY)
    monkeypatch.setattr(finalize_module, "post", real_post)

    assert frozen_rows(ledger) == ([], [])
    with ledger.engine.connect() as conn:
        assert conn.execute(select(billing_sequences)).all() == []
    assert ledger.customer_states(["acme"])["acme"].closed_through is None
    assert finalize(books, "acme", MAY) == ["INV-000001"]


def test_the_scheduler_waits_for_period_end_plus_grace_in_the_customers_zone(
    ledger, books, clock, rated_charge
):
    terms = catalog_of(price_book({"umbrella": {"time_zone": "Asia/Tokyo"}}))
    configure(ledger, umbrella={"grace_days": 1})
    store(ledger, [rated_charge("e1", customer="umbrella", terms=terms)])
    may_ends = datetime(2024, 5, 31, 15, tzinfo=UTC)  # midnight in Tokyo

    def due_at(moment):
        return finalize_due(
            ledger,
            books,
            catalog=terms,
            now=moment,
            default_grace=timedelta(days=3),
            default_currency="USD",
        )

    assert due_at(may_ends + timedelta(days=1) - timedelta(seconds=1)) == []
    assert due_at(may_ends + timedelta(days=1)) == ["INV-000001"]
    assert due_at(may_ends + timedelta(days=2)) == []  # nothing left to finalize


def test_finance_may_finalize_only_a_period_that_has_ended(ledger, books, rated_charge):
    terms = catalog_of(price_book({"hooli": {"time_zone": "America/Los_Angeles"}}))
    store(ledger, [rated_charge("e1", customer="hooli", terms=terms)])
    still_may_in_la = datetime(2024, 6, 1, 6, tzinfo=UTC)

    with pytest.raises(PeriodNotOverError, match="America/Los_Angeles"):
        finalize_now(
            ledger, books, catalog=terms, customer_id="hooli", period=MAY, now=still_may_in_la,
            default_currency="USD",
        )  # fmt: skip
    made = finalize_now(
        ledger, books, catalog=terms, customer_id="hooli", period=MAY,
        now=still_may_in_la + timedelta(hours=1), default_currency="USD",
    )  # fmt: skip
    assert made == ["INV-000001"]


def test_internal_customers_get_chargeback_and_showback_statements_in_their_own_series(
    ledger, books, rated_charge
):
    terms = catalog_of(price_book({"research": {"cost_center": "CC-9"}}))
    configure(
        ledger,
        acme={},
        research={"kind": "internal", "statement_type": "chargeback"},
        lab={"kind": "internal", "statement_type": "showback"},
    )
    customers = ("acme", "research", "lab")
    store(ledger, [rated_charge(f"e-{c}", customer=c, terms=terms) for c in customers])

    made = [finalize(books, c, MAY, terms)[0] for c in ("research", "lab", "acme")]

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
    finalize(books, "acme", MAY)
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
    terms = catalog_of(
        price_book(
            {
                "acme": {
                    "overrides": {"compute": {"cpu": {"committed": "1000", "price": "0.04"}}},
                    "discount_percent": "10",
                }
            }
        )
    )
    store(ledger, [rated_charge("e1", quantity="400", unit_price="0.04", amount="16", terms=terms)])

    (number,) = finalize(books, "acme", MAY, terms)

    lines = books.document(number).document.lines
    assert [(ln.kind, ln.quantity, ln.amount.amount) for ln in lines] == [
        ("usage", Decimal(400), Decimal("16.00")),
        ("commitment_shortfall", Decimal(600), Decimal("21.60")),  # 600 x 0.04 less 10 %
    ]
    assert lines[1].description == (
        "committed 1000 vcpu-hour of compute/cpu, used 400; price book test-1"
    )
    (entry,) = [e for e in books.journal(period="2024-05") if e.source == "period_close"]
    assert entry.lines[1] == ("adjustments:compute", Decimal(0), Decimal("21.600"))
    assert trial_balance("2024-05", books.postings("2024-05")).balanced


TIERED = {
    "compute": {
        "meters": {
            "cpu": {
                "unit": "vcpu-hour",
                "pricing": {
                    "model": "graduated",
                    "tiers": [
                        {"up_to": "100", "price": "0.10"},
                        {"up_to": "1000", "price": "0.08"},
                        {"price": "0.05"},
                    ],
                },
            }
        }
    },
    "storage": {
        "meters": {
            "gb": {
                "unit": "gb-month",
                "free_allowance": "100",
                "pricing": {
                    "model": "volume",
                    "tiers": [{"up_to": "1000", "price": "0.03"}, {"price": "0.02"}],
                },
            }
        }
    },
}
COMMITTED = {
    "acme": {
        "cost_center": "CC-1",
        "discount_percent": "5",
        "overrides": {
            "compute": {"cpu": {"committed": "500"}},
            "storage": {"gb": {"committed": "2000"}},
        },
    }
}


def test_shortfalls_on_graduated_and_volume_meters_are_rating_s_one_computation(
    ledger, books, rated_charge
):
    terms = catalog_of(price_book(COMMITTED, currency="EUR", services=TIERED))
    store(
        ledger,
        [
            rated_charge("c1", quantity="120.5", amount="11.1", currency="EUR", terms=terms),
            rated_charge("c2", quantity="29.5", amount="2.2", currency="EUR", terms=terms),
            rated_charge(
                "g1", service="storage", meter="gb", unit="gb-month", quantity="300",
                amount="5.7", currency="EUR", terms=terms,
            ),
        ],
    )  # fmt: skip
    finalize(books, "acme", MAY, terms)
    # Late usage of May, billed on June: it counts for May (closed), never for June.
    late = rated_charge("late", quantity="900", amount="1", currency="EUR", terms=terms)
    store(ledger, [late], first_offset=10)
    june_numbers = finalize(books, "acme", JUNE, terms)

    (may,) = books.documents(customer="acme", period="2024-05")
    owed = period_commitments(
        terms, "acme", MAY, {("compute", "cpu"): Decimal(150), ("storage", "gb"): Decimal(300)}
    )
    shortfalls = [ln for ln in may.document.lines if ln.kind == "commitment_shortfall"]
    assert [(ln.service, ln.meter, ln.quantity, ln.exact_amount) for ln in shortfalls] == [
        (s.service, s.meter, s.quantity, s.amount) for s in owed.shortfalls
    ]
    cpu, gb = shortfalls
    assert (cpu.quantity, cpu.exact_amount) == (Decimal(350), Decimal("26.600"))  # 28 less 5 %
    assert (gb.quantity, gb.exact_amount) == (Decimal(1700), Decimal("30.400"))  # 32 less 5 %
    assert cpu.amount.amount == Decimal("26.60") and may.document.currency == "EUR"
    assert may.cost_center == "CC-1"
    (june,) = june_numbers
    june_doc = books.document(june).document
    june_owed = period_commitments(terms, "acme", JUNE, {})  # nothing used in June itself
    assert [ln.exact_amount for ln in june_doc.lines if ln.kind == "commitment_shortfall"] == [
        s.amount for s in june_owed.shortfalls
    ]
    assert [ln.kind for ln in june_doc.lines] == [
        "adjustment", "commitment_shortfall", "commitment_shortfall",
    ]  # fmt: skip
    entries = [e for e in books.journal(period="2024-05") if e.source == "period_close"]
    assert [(e.service, e.lines[0]) for e in entries] == [
        ("compute", ("receivable:acme", Decimal("26.600"), Decimal(0))),
        ("storage", ("receivable:acme", Decimal("30.400"), Decimal(0))),
    ]
    assert trial_balance("2024-05", books.postings("2024-05")).balanced


def test_a_period_with_commitments_and_no_usage_still_gets_its_document(
    ledger, books, clock, rated_charge
):
    terms = catalog_of(price_book(COMMITTED, services=TIERED))
    configure(ledger, acme={"grace_days": 0})

    made = finalize_due(
        ledger,
        books,
        catalog=terms,
        now=datetime(2024, 6, 1, 1, tzinfo=UTC),
        default_grace=timedelta(days=3),
        default_currency="EUR",
    )

    (number,) = made
    document = books.document(number).document
    assert (str(document.period), document.currency, document.charge_count) == (
        "2024-05", "USD", 0,
    )  # fmt: skip
    owed = period_commitments(terms, "acme", MAY, {})
    assert [ln.exact_amount for ln in document.lines] == [s.amount for s in owed.shortfalls]
    assert document.exact_total == owed.total


def test_each_period_closes_on_the_terms_of_the_version_in_force_at_its_end(
    ledger, books, rated_charge
):
    v1 = price_book({"acme": {"name": "ACME", "cost_center": "CC-1"}})
    v2 = price_book(
        {"acme": {"name": "ACME Europe", "cost_center": "CC-2", "time_zone": "Europe/Berlin"}},
        version="test-2",
        effective_from="2024-06-10T00:00:00Z",
        currency="EUR",
    )
    terms = catalog_of(v1, v2)
    may_charge = rated_charge("m", amount="1", terms=terms)
    june_charge = rated_charge(
        "j", amount="2", currency="EUR", event_time=datetime(2024, 6, 20, tzinfo=UTC), terms=terms
    )
    store(ledger, [may_charge, june_charge])

    may, june = (finalize(books, "acme", p, terms) for p in (MAY, JUNE))

    assert (may_charge.cost_center, june_charge.cost_center) == ("CC-1", "CC-2")
    first, second = books.document(may[0]), books.document(june[0])
    assert (first.customer_name, first.cost_center, first.time_zone) == ("ACME", "CC-1", "UTC")
    assert (second.customer_name, second.cost_center, second.time_zone) == (
        "ACME Europe", "CC-2", "Europe/Berlin",
    )  # fmt: skip
    assert second.period_start == datetime(2024, 5, 31, 22, tzinfo=UTC)  # Berlin's June
    assert second.document.currency == "EUR"

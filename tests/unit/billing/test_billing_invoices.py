"""Draft invoices: each line rounded once, total = sum of the rounded lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.domain.invoices import DraftLine, build_draft_invoice, currencies_of
from billing.domain.ledger import LedgerEntry, line_deltas, place
from chargeback.money import CurrencyMismatchError
from terms.domain import Period

MAY = Period(2024, 5)


def line(
    amount: str,
    *,
    service: str = "compute",
    meter: str = "cpu",
    currency: str = "USD",
    quantity: str = "1",
    charges: int = 1,
) -> DraftLine:
    return DraftLine(service, meter, "unit", currency, Decimal(quantity), Decimal(amount), charges)


def test_three_charges_of_0_004_make_one_line_of_0_01_not_0_00(rated_charge):
    entries = [LedgerEntry(rated_charge(f"e{i}"), "usage.rated", 0, i) for i in range(3)]
    ((key, totals),) = line_deltas([place(e, None) for e in entries]).items()
    draft = DraftLine(
        key.service,
        key.meter,
        key.unit,
        key.currency,
        totals.quantity,
        totals.amount,
        totals.charges,
    )

    invoice = build_draft_invoice(customer="acme", period=MAY, currency="USD", lines=[draft])

    assert [ln.amount.amount for ln in invoice.lines] == [Decimal("0.01")]
    assert str(invoice.lines[0].amount.amount) == "0.01"
    assert invoice.total.amount == Decimal("0.01")
    assert invoice.charge_count == 3
    assert invoice.lines[0].quantity == Decimal(3)
    assert invoice.exact_total == Decimal("0.012")
    assert invoice.rounding_difference == Decimal("-0.002")


def test_total_is_the_sum_of_rounded_lines_not_the_rounded_sum():
    lines = [line("0.005", meter="cpu"), line("0.005", meter="ram")]

    invoice = build_draft_invoice(customer="acme", period=MAY, currency="USD", lines=lines)

    assert [ln.amount.amount for ln in invoice.lines] == [Decimal("0.01"), Decimal("0.01")]
    assert invoice.total.amount == Decimal("0.02")  # rounding the exact 0.010 would say 0.01


def test_rounding_is_half_away_from_zero_to_the_minor_unit():
    usd = build_draft_invoice(
        customer="acme",
        period=MAY,
        currency="USD",
        lines=[line("0.125", meter="a"), line("-0.125", meter="b"), line("2.3449", meter="c")],
    )
    jpy = build_draft_invoice(
        customer="acme", period=MAY, currency="JPY", lines=[line("10.5", currency="JPY")]
    )

    assert [str(ln.amount.amount) for ln in usd.lines] == ["0.13", "-0.13", "2.34"]
    assert str(jpy.total.amount) == "11"


def test_huge_and_tiny_amounts_stay_exact_until_the_one_rounding():
    huge = "123456789012345678901234567890.005"
    invoice = build_draft_invoice(
        customer="acme",
        period=MAY,
        currency="USD",
        lines=[line(huge), line("0.000000000123456789", meter="ram")],
    )

    assert str(invoice.lines[0].amount.amount) == "123456789012345678901234567890.01"
    assert str(invoice.total.amount) == "123456789012345678901234567890.01"


def test_a_credit_that_rounds_away_shows_as_zero_not_minus_zero():
    invoice = build_draft_invoice(
        customer="acme", period=MAY, currency="USD", lines=[line("-0.001")]
    )

    assert str(invoice.lines[0].amount.amount) == "0.00"
    assert str(invoice.total.amount) == "0.00"


def test_an_invoice_without_lines_is_an_empty_draft_of_zero():
    invoice = build_draft_invoice(customer="acme", period=MAY, currency="EUR", lines=[])

    assert invoice.lines == ()
    assert str(invoice.total.amount) == "0.00"
    assert invoice.total.currency == "EUR"
    assert invoice.charge_count == 0
    assert invoice.status == "draft"


def test_lines_come_in_service_meter_order():
    lines = [
        line("1", service="storage"),
        line("1", service="compute", meter="ram"),
        line("1", service="compute", meter="cpu"),
    ]

    invoice = build_draft_invoice(customer="acme", period=MAY, currency="USD", lines=lines)

    assert [(ln.service, ln.meter) for ln in invoice.lines] == [
        ("compute", "cpu"),
        ("compute", "ram"),
        ("storage", "cpu"),
    ]


def test_a_line_in_another_currency_is_refused():
    lines = [line("1"), line("1", currency="EUR", meter="ram")]

    assert currencies_of(lines) == ["EUR", "USD"]
    with pytest.raises(CurrencyMismatchError):
        build_draft_invoice(customer="acme", period=MAY, currency="USD", lines=lines)

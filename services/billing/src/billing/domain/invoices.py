"""Invoices and statements built from the ledger's line totals.

Rated amounts keep full precision in the ledger. A document line's amount is the
exact sum of its charges rounded ONCE to the currency's minor unit
(`Money.rounded()`); the total is the sum of the rounded lines, so the lines a
reader sees always add up to the total printed under them. What rounding added
or removed (`rounding_difference` = total - exact total) is posted to the
`rounding` account at finalization, so the books balance to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from billing.domain.commitments import CloseLine
from billing.domain.exact import WIDE
from chargeback.money import EXACT, ZERO, CurrencyMismatchError, Money
from terms.domain import Period

DocumentType = Literal["invoice", "chargeback", "showback", "credit_note"]
LineKind = Literal["usage", "adjustment", "commitment_shortfall", "credit"]
Status = Literal["draft", "finalized"]
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("invoice", "chargeback", "showback", "credit_note")
# Each type is numbered in its own unbroken sequence.
SERIES: dict[DocumentType, str] = {
    "invoice": "INV",
    "chargeback": "CHB",
    "showback": "SHB",
    "credit_note": "CN",
}


def document_number(document_type: DocumentType, sequence_number: int) -> str:
    return f"{SERIES[document_type]}-{sequence_number:06d}"


@dataclass(frozen=True, slots=True)
class DraftLine:
    """The ledger's running totals for one line of a customer's period (exact, unrounded)."""

    service: str
    meter: str
    unit: str
    currency: str
    quantity: Decimal
    amount: Decimal
    charges: int
    usage_period: str | None = None  # set (and earlier) for a late-usage adjustment


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    service: str
    meter: str
    unit: str
    quantity: Decimal
    amount: Money  # rounded to the minor unit
    charges: int
    kind: LineKind = "usage"
    exact_amount: Decimal = ZERO
    usage_period: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Invoice:
    customer: str
    period: Period
    currency: str
    lines: tuple[InvoiceLine, ...]
    total: Money
    charge_count: int
    status: Status = "draft"
    document_type: DocumentType = "invoice"
    number: str | None = None
    exact_total: Decimal = ZERO
    rounding_difference: Decimal = ZERO


def currencies_of(lines: Iterable[DraftLine]) -> list[str]:
    return sorted({line.currency for line in lines})


def build_draft_invoice(
    *, customer: str, period: Period, currency: str, lines: Iterable[DraftLine]
) -> Invoice:
    """The draft invoice of these lines; every line must be in `currency`."""
    return build_document(customer=customer, period=period, currency=currency, lines=lines)


def build_document(
    *,
    customer: str,
    period: Period,
    currency: str,
    lines: Iterable[DraftLine],
    close_lines: Sequence[CloseLine] = (),
    document_type: DocumentType = "invoice",
    status: Status = "draft",
    number: str | None = None,
) -> Invoice:
    with localcontext(WIDE):
        built = [_line(line, currency, period) for line in _ordered(lines)]
        built += [_close_line(line, currency) for line in close_lines]
        total = sum((line.amount for line in built), Money.zero(currency).rounded())
        exact = ZERO
        for line in built:
            exact = EXACT.add(exact, line.exact_amount)
    return Invoice(
        customer=customer,
        period=period,
        currency=currency,
        lines=tuple(built),
        total=_without_negative_zero(total),
        charge_count=sum(line.charges for line in built),
        status=status,
        document_type=document_type,
        number=number,
        exact_total=exact,
        rounding_difference=EXACT.subtract(total.amount, exact),
    )


def _ordered(lines: Iterable[DraftLine]) -> list[DraftLine]:
    # Usage first (service, meter order), then late-usage adjustments by the period they name.
    return sorted(lines, key=lambda d: (d.usage_period or "", d.service, d.meter, d.unit))


def _line(line: DraftLine, currency: str, period: Period) -> InvoiceLine:
    if line.currency != currency:
        raise CurrencyMismatchError(
            f"line {line.service}/{line.meter} is in {line.currency}, invoice in {currency}"
        )
    late = line.usage_period is not None and line.usage_period != str(period)
    return InvoiceLine(
        service=line.service,
        meter=line.meter,
        unit=line.unit,
        quantity=line.quantity,
        amount=rounded(line.amount, currency),
        charges=line.charges,
        kind="adjustment" if late else "usage",
        exact_amount=line.amount,
        usage_period=line.usage_period if late else None,
        description=f"late usage of {line.usage_period}" if late else "",
    )


def _close_line(line: CloseLine, currency: str) -> InvoiceLine:
    return InvoiceLine(
        service=line.service,
        meter=line.meter,
        unit=line.unit,
        quantity=line.quantity,
        amount=rounded(line.amount, currency),
        charges=0,
        kind=line.kind,
        exact_amount=line.amount,
        description=line.description,
    )


def rounded(amount: Decimal, currency: str) -> Money:
    """The one rounding rule (`Money.rounded()`), shown without a negative zero."""
    return _without_negative_zero(Money(amount, currency).rounded())


def _without_negative_zero(money: Money) -> Money:
    # A small credit rounds to -0.00; a document shows that as 0.00.
    return Money(money.amount.copy_abs(), money.currency) if money.amount.is_zero() else money

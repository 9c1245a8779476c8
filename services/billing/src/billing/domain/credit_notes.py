"""Credit notes: corrections of a finalized invoice, never edits of it.

A credit note names the invoice it corrects and credits amounts per service of that
invoice, in whole minor units of its currency; all credit notes of an invoice
together never exceed its total. It is billed on the customer's first open period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.invoices import Invoice, InvoiceLine, rounded
from chargeback.money import EXACT, ZERO, minor_unit
from terms.domain import Period


class CreditNoteError(ValueError):
    """A credit note that cannot be issued; the message says why."""


@dataclass(frozen=True, slots=True)
class CreditRequest:
    service: str
    amount: Decimal
    description: str = ""


def credit_note(
    *,
    invoice: Invoice,
    requested: Sequence[CreditRequest],
    already_credited: Decimal,
    period: Period,
    number: str,
) -> Invoice:
    """The credit note for `requested`, checked against the invoice it corrects."""
    if invoice.status != "finalized" or invoice.document_type not in ("invoice", "chargeback"):
        raise CreditNoteError(
            f"only finalized invoices and chargeback statements are corrected by credit notes, "
            f"not a {invoice.status} {invoice.document_type}"
        )
    if not requested:
        raise CreditNoteError("a credit note needs at least one line")
    services = {line.service for line in invoice.lines}
    places = minor_unit(invoice.currency)
    lines, total = [], ZERO
    for i, r in enumerate(requested):
        if r.service not in services:
            raise CreditNoteError(f"lines[{i}].service {r.service!r} is not on {invoice.number}")
        if r.amount <= 0 or r.amount != r.amount.quantize(Decimal(1).scaleb(-places)):
            raise CreditNoteError(
                f"lines[{i}].amount must be positive with at most {places} decimal places"
            )
        total = EXACT.add(total, r.amount)
        lines.append(
            InvoiceLine(
                service=r.service,
                meter="*",
                unit="credit",
                quantity=Decimal(1),
                amount=rounded(r.amount, invoice.currency),
                charges=0,
                kind="credit",
                exact_amount=r.amount,
                usage_period=str(invoice.period),
                description=r.description or f"correction of {invoice.number}",
            )
        )
    remaining = EXACT.subtract(invoice.total.amount, already_credited)
    if total > remaining:
        raise CreditNoteError(
            f"{invoice.number} has {remaining} {invoice.currency} left to credit, asked for {total}"
        )
    return Invoice(
        customer=invoice.customer,
        period=period,
        currency=invoice.currency,
        lines=tuple(lines),
        total=rounded(total, invoice.currency),
        charge_count=0,
        status="finalized",
        document_type="credit_note",
        number=number,
        exact_total=total,
    )

"""Journal entries a finalized document adds: close lines and the rounding difference.

Usage was posted as it arrived (exact amounts); at close, the commitment shortfalls of
the period are posted, and the cents that rounding each line once added or removed go
to the rounding account, so the customer's account then holds exactly the document's
printed total. Both use the cost center of the terms closing the period (the document's).
"""

from __future__ import annotations

from billing.domain import accounts
from billing.domain.accounts import Billed
from billing.domain.customers import Customer
from billing.domain.invoices import Invoice
from billing.domain.journal import JournalEntry, transfer

CLOSE_KINDS = ("commitment_shortfall",)


def closing_entries(customer: Customer, document: Invoice) -> list[JournalEntry]:
    entries = []
    debit = accounts.customer_account(customer, cost_center=customer.cost_center)
    for line in document.lines:
        if line.kind not in CLOSE_KINDS or line.exact_amount.is_zero():
            continue
        credit = accounts.income_account(customer, line.service, adjustment=True)
        entries.append(
            JournalEntry(
                period=str(document.period),
                customer=customer.id,
                currency=document.currency,
                source="period_close",
                description=f"{line.kind.replace('_', ' ')}: {line.description}",
                postings=transfer(debit, credit, line.exact_amount),
                service=line.service,
            )
        )
    if not document.rounding_difference.is_zero():
        entries.append(
            JournalEntry(
                period=str(document.period),
                customer=customer.id,
                currency=document.currency,
                source="rounding",
                description=f"rounding of {document.number or 'document'} to the minor unit",
                postings=transfer(
                    debit, accounts.rounding_account(customer), document.rounding_difference
                ),
            )
        )
    return entries


def credit_note_entries(
    customer: Billed, credit_note: Invoice, *, cost_center: str | None
) -> list[JournalEntry]:
    """A credit note reverses income: debit credit notes, credit the account the corrected
    document charged (`cost_center`: the one that document carries)."""
    credited = accounts.customer_account(customer, cost_center=cost_center)
    return [
        JournalEntry(
            period=str(credit_note.period),
            customer=customer.id,
            currency=credit_note.currency,
            source="credit_note",
            description=f"{credit_note.number}: {line.description}"[:512],
            postings=transfer(
                accounts.credit_note_account(customer, line.service), credited, line.exact_amount
            ),
            service=line.service,
            usage_period=line.usage_period,
        )
        for line in credit_note.lines
    ]

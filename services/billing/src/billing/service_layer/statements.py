"""The current document of a customer's period: the frozen one once finalized, else a draft."""

from __future__ import annotations

from dataclasses import dataclass

from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.adapters.ledger.customers import CustomerState, default_state
from billing.adapters.ledger.documents import StoredDocument
from billing.domain.customers import Customer, customer_for_period
from billing.domain.invoices import Invoice, build_document, currencies_of
from chargeback.money import Money
from terms.domain import Period, PriceBookCatalog


class AmbiguousCurrencyError(ValueError):
    """The period has documents in several currencies and the request named none."""

    def __init__(self, customer: str, period: Period, currencies: list[str]) -> None:
        super().__init__(
            f"{customer} has charges in {', '.join(currencies)} for {period}: "
            "ask for one invoice with currency="
        )


@dataclass(frozen=True, slots=True)
class DocumentView:
    document: Invoice
    customer: Customer  # as the terms closing the document's period state it
    stored: StoredDocument | None  # None for a draft


def customer_state(ledger: SqlLedger, customer_id: str) -> CustomerState:
    """The customer's billing settings and finalization mark (defaults if it has no row)."""
    return ledger.customer_states([customer_id]).get(customer_id) or default_state(customer_id)


def period_customer(
    ledger: SqlLedger, catalog: PriceBookCatalog, customer_id: str, period: Period
) -> tuple[Customer, Period | None]:
    """The customer as its period's documents show it, and the last period it finalized."""
    state = customer_state(ledger, customer_id)
    return customer_for_period(state.settings, catalog, period), state.closed_through


def _pick(found: list[str], currency: str | None, customer: str, period: Period) -> str | None:
    if currency is not None:
        return currency
    if len(found) > 1:
        raise AmbiguousCurrencyError(customer, period, found)
    return found[0] if found else None


def current_document(
    ledger: SqlLedger,
    books: SqlBooks,
    *,
    catalog: PriceBookCatalog,
    customer_id: str,
    period: Period,
    currency: str | None,
    default_currency: str,
) -> DocumentView:
    customer, closed = period_customer(ledger, catalog, customer_id, period)
    if closed is not None and period <= closed:
        stored = [
            d
            for d in books.documents(customer=customer_id, period=str(period), limit=1000)
            if d.document.document_type != "credit_note"
        ]
        chosen = _pick(sorted({d.document.currency for d in stored}), currency, customer_id, period)
        for d in stored:
            if d.document.currency == chosen:
                return DocumentView(d.document, customer, d)
        empty = currency or customer.currency or default_currency
        document = Invoice(
            customer_id,
            period,
            empty,
            (),
            Money.zero(empty).rounded(),
            0,
            status="finalized",
            document_type=customer.statement,
        )
        return DocumentView(document, customer, None)
    lines = ledger.draft_lines(customer_id, period)
    chosen = _pick(currencies_of(lines), currency, customer_id, period)
    chosen = chosen or customer.currency or default_currency
    document = build_document(
        customer=customer_id,
        period=period,
        currency=chosen,
        lines=[line for line in lines if line.currency == chosen],
        document_type=customer.statement,
    )
    return DocumentView(document, customer, None)

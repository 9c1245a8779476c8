"""The current document of a customer's period: the frozen one once finalized, else a draft."""

from __future__ import annotations

from dataclasses import dataclass

from billing.adapters.ledger import SqlBooks, SqlLedger
from billing.adapters.ledger.documents import StoredDocument
from billing.domain.customers import Customer, default_customer
from billing.domain.invoices import Invoice, build_document, currencies_of
from billing.domain.periods import Period
from chargeback.money import Money


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
    customer: Customer
    stored: StoredDocument | None  # None for a draft


def customer_settings(ledger: SqlLedger, customer_id: str) -> tuple[Customer, Period | None]:
    state = ledger.customer_states([customer_id]).get(customer_id)
    if state is None:
        return default_customer(customer_id), None
    return state.customer, state.closed_through


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
    customer_id: str,
    period: Period,
    currency: str | None,
    default_currency: str,
) -> DocumentView:
    customer, closed = customer_settings(ledger, customer_id)
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

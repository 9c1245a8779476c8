"""Who is billed how, in one period or at one moment: billing's settings with the terms in force.

A `Customer` is a view, composed and pure: the customer's billing settings (kind,
statement type, grace) and its terms in one price-book version (name, cost center,
time zone, the book's currency, its commitments). Which version:

- for a period's documents, the one whose terms close the period (`closing_book`);
- for decisions about now (what is due, what the customer API shows), the one in force now.

A customer the version does not list gets list terms (UTC, no cost center); with no
version in force at all there is no book: UTC, no cost center, no currency (documents
then use the service's default currency) and no commitments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.domain.customer_settings import CustomerSettings, Kind, StatementType
from terms.domain import NoPriceBookInForce, Period, PriceBook, PriceBookCatalog, closing_book

UTC_ZONE = ZoneInfo("UTC")
Commitment = tuple[str, str, Decimal]  # service, meter, committed units a period


@dataclass(frozen=True, slots=True)
class Customer:
    settings: CustomerSettings
    price_book_version: str | None  # the version the terms come from (None: none in force)
    name: str
    cost_center: str | None
    zone: ZoneInfo
    currency: str | None  # the book's: the currency of documents with no charges
    commitments: tuple[Commitment, ...] = ()

    @property
    def id(self) -> str:
        return self.settings.id

    @property
    def kind(self) -> Kind:
        return self.settings.kind

    @property
    def statement(self) -> StatementType:
        return self.settings.statement

    @property
    def grace(self) -> timedelta | None:
        return self.settings.grace

    @property
    def charged(self) -> bool:
        return self.settings.charged

    @property
    def time_zone(self) -> str:
        return self.zone.key


def compose(settings: CustomerSettings, book: PriceBook | None) -> Customer:
    """The customer as `book` states its terms (None: no version in force)."""
    if book is None:
        return Customer(settings, None, settings.id, None, UTC_ZONE, None)
    terms = book.customer(settings.id)
    return Customer(
        settings,
        book.version,
        terms.name or settings.id,
        terms.cost_center or None,
        terms.zone,
        book.currency,
        tuple(terms.commitments),
    )


def book_closing(catalog: PriceBookCatalog, customer: str, period: Period) -> PriceBook | None:
    """The version whose terms close the customer's period, or None if none is in force."""
    try:
        return closing_book(catalog, customer, period)
    except NoPriceBookInForce:
        return None


def book_at(catalog: PriceBookCatalog, moment: datetime) -> PriceBook | None:
    """The version in force at `moment`, or None."""
    try:
        return catalog.in_force_at(moment)
    except NoPriceBookInForce:
        return None


def customer_for_period(
    settings: CustomerSettings, catalog: PriceBookCatalog, period: Period
) -> Customer:
    """The customer as the terms that close `period` state it (its documents)."""
    return compose(settings, book_closing(catalog, settings.id, period))


def customer_at(
    settings: CustomerSettings, catalog: PriceBookCatalog, moment: datetime
) -> Customer:
    """The customer as the version in force at `moment` states it (decisions about now)."""
    return compose(settings, book_at(catalog, moment))

"""What the invoice API answers. Amounts and quantities are decimal strings, never floats."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from billing.adapters.ledger import StoredCharge
from billing.domain.invoices import InvoiceLine
from billing.service_layer.statements import DocumentView


def decimal_text(value: Decimal) -> str:
    """Fixed-point text ('0.000000000123456789', not '1.23456789E-10')."""
    return format(value, "f")


class InvoiceLinePublic(BaseModel):
    kind: str
    service: str
    meter: str
    unit: str
    quantity: str
    amount: str  # rounded once to the minor unit
    exact_amount: str  # the exact sum of the charges behind the line
    charges: int
    usage_period: str | None  # the (finalized) period a late-usage adjustment names
    description: str

    @classmethod
    def of(cls, line: InvoiceLine) -> InvoiceLinePublic:
        return cls(
            kind=line.kind,
            service=line.service,
            meter=line.meter,
            unit=line.unit,
            quantity=decimal_text(line.quantity),
            amount=decimal_text(line.amount.amount),
            exact_amount=decimal_text(line.exact_amount),
            charges=line.charges,
            usage_period=line.usage_period,
            description=line.description,
        )


class DocumentPublic(BaseModel):
    """An invoice, chargeback or showback statement, or credit note; draft or finalized."""

    customer: str
    period: str
    currency: str
    document_type: str
    status: Literal["draft", "finalized"]
    number: str | None
    lines: list[InvoiceLinePublic]
    total: str
    exact_total: str
    rounding_difference: str
    charge_count: int
    cost_center: str | None = None
    time_zone: str = "UTC"
    period_start: datetime | None = None
    period_end: datetime | None = None
    finalized_at: datetime | None = None
    corrects: str | None = None
    reason: str | None = None

    @classmethod
    def of(cls, view: DocumentView) -> DocumentPublic:
        doc, customer, stored = view.document, view.customer, view.stored
        zone = customer.zone
        return cls(
            customer=doc.customer,
            period=str(doc.period),
            currency=doc.currency,
            document_type=doc.document_type,
            status=doc.status,
            number=doc.number,
            lines=[InvoiceLinePublic.of(line) for line in doc.lines],
            total=decimal_text(doc.total.amount),
            exact_total=decimal_text(doc.exact_total),
            rounding_difference=decimal_text(doc.rounding_difference),
            charge_count=doc.charge_count,
            cost_center=stored.cost_center if stored else customer.cost_center,
            time_zone=stored.time_zone if stored else customer.time_zone,
            period_start=stored.period_start if stored else doc.period.start_in(zone),
            period_end=stored.period_end if stored else doc.period.end_in(zone),
            finalized_at=stored.finalized_at if stored else None,
            corrects=stored.corrects if stored else None,
            reason=stored.reason if stored else None,
        )


class DocumentPagePublic(BaseModel):
    documents: list[DocumentPublic]
    next_after: int | None  # pass as `after` for more finalized documents


class RuleEffectPublic(BaseModel):
    """One step of a charge's price: which rule, and what it did to the amount."""

    rule: str
    detail: str = ""
    amount_delta: str


class ChargePublic(BaseModel):
    """One rated charge behind an invoice line, at full precision, with the steps that made
    its amount (a charge inside a package block already paid is 0, and says so)."""

    event_source: str
    event_id: str
    service: str
    meter: str
    unit: str
    quantity: str
    unit_price: str
    amount: str
    currency: str
    price_book_version: str
    event_time: datetime
    rated_at: datetime
    recorded_at: datetime
    usage_period: str  # the charge's own billing period
    billed_period: str
    time_zone: str  # the zone that cut its period
    cost_center: str | None  # the one it was made for
    breakdown: list[RuleEffectPublic]

    @classmethod
    def of(cls, charge: StoredCharge) -> ChargePublic:
        return cls(
            event_source=charge.event_source,
            event_id=charge.event_id,
            service=charge.service,
            meter=charge.meter,
            unit=charge.unit,
            quantity=decimal_text(charge.quantity),
            unit_price=decimal_text(charge.unit_price),
            amount=decimal_text(charge.amount),
            currency=charge.currency,
            price_book_version=charge.price_book_version,
            event_time=charge.event_time,
            rated_at=charge.rated_at,
            recorded_at=charge.recorded_at,
            usage_period=charge.period,
            billed_period=charge.billed_period,
            time_zone=charge.time_zone,
            cost_center=charge.cost_center,
            breakdown=[RuleEffectPublic(**step) for step in json.loads(charge.breakdown)],
        )


class ChargePagePublic(BaseModel):
    customer: str
    period: str
    service: str | None
    meter: str | None
    charges: list[ChargePublic]
    # Pass as `after` for the next page; null on the last page.
    next_after: int | None

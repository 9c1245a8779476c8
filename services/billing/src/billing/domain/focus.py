"""Rows of a FOCUS 1.2 cost-and-usage dataset, one per charge and per non-usage line.

Rules followed (checked column by column in tests):
- all 21 mandatory columns are present; own columns are prefixed `x_`;
- BilledCost is in BillingCurrency and, per InvoiceId (document), sums to its total:
  charges at full precision, plus close lines, plus one `Adjustment` row carrying the
  document's rounding difference. Showback is shown, not billed: BilledCost 0, the
  shown amount in EffectiveCost/ListCost/ContractedCost;
- Billing and Charge periods are UTC (`YYYY-MM-DDTHH:MM:SSZ`), start inclusive and end
  exclusive; a charge's period is its event's second; a late charge keeps the period
  it happened in and is marked ChargeClass `Correction`, like credit-note rows;
- PricingQuantity/PricingUnit are the rated quantity and unit;
- SubAccountId/SubAccountName are the cost center: a charge's own for its row, the
  document's (that of the terms closing its period) for lines without charges.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Protocol

from billing.domain.focus_columns import ColumnValues, DocumentContext, base_columns

ONE_SECOND = timedelta(seconds=1)
_PERIODIC = ("commitment_shortfall",)


class ChargeLike(Protocol):
    service: str
    meter: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    event_source: str
    event_id: str
    event_time: datetime
    price_book_version: str
    period: str  # usage period
    cost_center: str | None  # the one the charge was made for


def utc_text(moment: datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _costs(ctx: DocumentContext, amount: Decimal) -> ColumnValues:
    text = format(amount, "f")
    billed = "0" if ctx.document_type == "showback" else text
    return {"BilledCost": billed, "EffectiveCost": text, "ListCost": text, "ContractedCost": text}


def charge_row(
    ctx: DocumentContext, charge: ChargeLike, base: ColumnValues | None = None
) -> ColumnValues:
    """The row of one charge; `base` (the document's columns for its service) may be reused."""
    late = charge.period != ctx.period
    start = charge.event_time.astimezone(UTC).replace(microsecond=0)
    quantity = format(charge.quantity, "f")
    return {
        **(base if base is not None else base_columns(ctx, charge.service)),
        **_costs(ctx, charge.amount),
        "SubAccountId": charge.cost_center,
        "SubAccountName": charge.cost_center,
        "ChargeCategory": "Usage",
        "ChargeClass": "Correction" if late else None,
        "ChargeDescription": f"{charge.service} {charge.meter} usage ({charge.unit})"
        + (f", late usage of {charge.period}" if late else ""),
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodStart": utc_text(start),
        "ChargePeriodEnd": utc_text(start + ONE_SECOND),
        "PricingQuantity": quantity,
        "PricingUnit": charge.unit,
        "ConsumedQuantity": quantity,
        "ConsumedUnit": charge.unit,
        "x_LineKind": "adjustment" if late else "usage",
        "x_UsagePeriod": charge.period,
        "x_Meter": charge.meter,
        "x_EventSource": charge.event_source,
        "x_EventId": charge.event_id,
        "x_PriceBookVersion": charge.price_book_version,
        "x_UnitPrice": format(charge.unit_price, "f"),
    }


def line_row(
    ctx: DocumentContext,
    *,
    kind: str,
    service: str,
    meter: str,
    unit: str,
    quantity: Decimal | None,
    amount: Decimal,
    description: str,
    usage_period: str | None = None,
) -> ColumnValues:
    """A row for a line with no charge behind it: close lines, credits, rounding."""
    credit = kind == "credit"
    signed = amount.copy_negate() if credit else amount
    return {
        **base_columns(ctx, service),
        **_costs(ctx, signed),
        "ChargeCategory": "Credit" if credit else "Adjustment",
        "ChargeClass": "Correction" if credit else None,
        "ChargeDescription": description or kind.replace("_", " "),
        "ChargeFrequency": "Recurring" if kind in _PERIODIC else "One-Time",
        "ChargePeriodStart": utc_text(ctx.period_start),
        "ChargePeriodEnd": utc_text(ctx.period_end),
        "PricingQuantity": None if quantity is None else format(quantity, "f"),
        "PricingUnit": unit,
        "ConsumedQuantity": None,
        "ConsumedUnit": None,
        "x_LineKind": kind,
        "x_UsagePeriod": usage_period or ctx.period,
        "x_Meter": meter,
        "x_EventSource": None,
        "x_EventId": None,
        "x_PriceBookVersion": None,
        "x_UnitPrice": None,
    }

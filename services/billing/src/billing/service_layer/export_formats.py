"""Export rows written out: CSV (FOCUS or billing's columns) and a JSON array, in chunks."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence

from billing.domain.focus_columns import ColumnValues

CHUNK_ROWS = 2000
# Billing's own export: one row per charge or charge-less line, from the FOCUS row.
LEDGER_COLUMNS = {
    "customer": "BillingAccountId",
    "cost_center": "SubAccountId",  # the charge's own; the document's for other lines
    "document_type": "x_DocumentType",
    "document_number": "InvoiceId",
    "status": "x_DocumentStatus",
    "period": "BillingPeriodStart",
    "currency": "BillingCurrency",
    "line_kind": "x_LineKind",
    "service": "ServiceName",
    "meter": "x_Meter",
    "unit": "PricingUnit",
    "quantity": "PricingQuantity",
    "unit_price": "x_UnitPrice",
    "amount": "EffectiveCost",
    "usage_period": "x_UsagePeriod",
    "event_source": "x_EventSource",
    "event_id": "x_EventId",
    "event_time": "ChargePeriodStart",
    "price_book_version": "x_PriceBookVersion",
    "description": "ChargeDescription",
}


def ledger_rows(rows: Iterable[ColumnValues], period: str) -> Iterator[ColumnValues]:
    for row in rows:
        mine = {name: row[source] for name, source in LEDGER_COLUMNS.items()}
        mine["period"] = period
        if mine["event_id"] is None:
            mine["event_time"] = None  # charge-less lines cover the whole period
        yield mine


def csv_chunks(columns: Sequence[str], rows: Iterable[ColumnValues]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(rows: Iterable[ColumnValues]) -> Iterator[str]:
    """A JSON array, one object per row; amounts stay decimal strings."""
    yield "["
    parts: list[str] = []
    first = True
    for row in rows:
        parts.append(("" if first else ",") + json.dumps(row, separators=(",", ":")))
        first = False
        if len(parts) == CHUNK_ROWS:
            yield "".join(parts)
            parts = []
    yield "".join(parts) + "]"

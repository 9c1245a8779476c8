"""Exports of a period: CSV and JSON (billing's columns) and FOCUS 1.2 (CSV), streamed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from billing.adapters.ledger import SqlLedger
from billing.domain.focus_columns import COLUMNS
from billing.entrypoints.http.deps import (
    Caller,
    Ledger,
    Registry,
    Settings,
    scope_customer,
    valid_period,
)
from billing.service_layer.export_formats import (
    LEDGER_COLUMNS,
    csv_chunks,
    json_chunks,
    ledger_rows,
)
from billing.service_layer.exports import ExportScope, focus_rows
from chargeback.web import errors
from chargeback.web.params import OptionalCustomerQuery, PeriodQuery

router = APIRouter(prefix="/v1/exports", tags=["exports"])
MEDIA = {"csv": "text/csv", "focus": "text/csv", "json": "application/json"}


def _stream(ledger: SqlLedger, scope: ExportScope, fmt: str) -> Iterator[str]:
    # One connection for the whole stream; StreamingResponse runs this in a worker thread.
    with ledger.reading() as conn:
        rows = focus_rows(conn, scope)
        if fmt == "focus":
            yield from csv_chunks(COLUMNS, rows)
        elif fmt == "csv":
            yield from csv_chunks(list(LEDGER_COLUMNS), ledger_rows(rows, str(scope.period)))
        else:
            yield from json_chunks(ledger_rows(rows, str(scope.period)))


EXPORTED = {
    "description": "Rows of the period: CSV (csv, focus) or a JSON array (json)",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    },
}


@router.get(
    "/{fmt}",
    response_class=StreamingResponse,
    responses={200: EXPORTED, **errors(400, 403)},
)
async def export(
    caller: Caller,
    ledger: Ledger,
    registry: Registry,
    settings: Settings,
    fmt: Literal["csv", "json", "focus"],
    period: PeriodQuery,
    customer: OptionalCustomerQuery = None,
) -> StreamingResponse:
    """Every document of the period (one customer's, or all for finance), row by row.

    Everything is checked before the first row is sent (a bad period is a 400, never a
    stream cut off half-way)."""
    customer = scope_customer(caller, customer)
    month = valid_period(period)
    catalog = await registry.refresh()
    scope = ExportScope(month, customer, settings.provider_name, catalog)
    name = f"billing-{fmt}-{scope.period}{'-' + customer if customer else ''}"
    extension = "json" if fmt == "json" else "csv"
    return StreamingResponse(
        _stream(ledger, scope, fmt),
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{extension}"'},
    )

"""Cost definitions per service (and optionally per period) as stored in the ledger."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select

from billing.adapters.ledger.accounting_schema import billing_service_costs as t
from billing.adapters.ledger.dialect import upsert
from billing.domain.costs import ServiceCost, cost_to_raw, parse_service_cost

EVERY_PERIOD = "*"


def save(conn: Connection, cost: ServiceCost, *, period: str, source: str, now: datetime) -> bool:
    """Store a definition; the file never overwrites what finance set through the API."""
    insert = upsert(conn, t)
    values = {
        "definition": json.dumps(cost_to_raw(cost)),
        "settings_source": source,
        "updated_at": now,
    }
    statement = insert.on_conflict_do_update(
        index_elements=["service", "period"],
        set_=values,
        where=(t.c.settings_source != "api") if source != "api" else None,
    )
    result = conn.execute(statement, {**values, "service": cost.service, "period": period})
    return bool(result.rowcount)


def costs_for(conn: Connection, period: str) -> dict[str, ServiceCost]:
    """Each service's definition for the period: its own row, else the every-period one."""
    rows = conn.execute(
        select(t.c.service, t.c.period, t.c.definition)
        .where(t.c.period.in_([period, EVERY_PERIOD]))
        .order_by(t.c.service, t.c.period)
    )
    found: dict[str, ServiceCost] = {}
    for row in rows:
        if row.period == period or row.service not in found:
            found[row.service] = parse_service_cost(row.service, json.loads(row.definition))
    return found


def all_definitions(conn: Connection) -> list[tuple[str, str, ServiceCost]]:
    rows = conn.execute(select(t).order_by(t.c.service, t.c.period))
    return [
        (r.service, r.period, parse_service_cost(r.service, json.loads(r.definition))) for r in rows
    ]

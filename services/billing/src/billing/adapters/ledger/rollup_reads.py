"""Read-only SQL for spend by cost-centre node and month: charges with their context.

A charge is under a node when its cost-centre path names the node. SQL narrows the rows
(the node as a JSON string in the stored path, or the cost centre itself); Python decides
exactly, from the decoded path. Amounts are summed in Python, never by SQL (SQLite keeps
them as text).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, or_, select

from billing.adapters.ledger.schema import rated_charges as rc
from billing.domain.rollup import charge_nodes

BATCH_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Scope:
    """Which charges: any field left None does not narrow."""

    customer: str | None = None
    cost_center: str | None = None  # a node: its own charges and all below it
    service: str | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class ChargeRow:
    period: str  # the billing period the charge carries
    customer: str
    service: str
    nodes: tuple[str, ...]
    amount: Decimal
    currency: str


def under(query: Select[tuple[object, ...]], node: str) -> Select[tuple[object, ...]]:
    """Rows that may be under `node` (confirmed from the decoded path by the reader)."""
    named = rc.c.cost_center_path.contains(json.dumps(node), autoescape=True)
    return query.where(or_(rc.c.cost_center == node, named))


def nodes_of(row: Any) -> tuple[str, ...]:
    """The nodes a stored charge counts for (a row with `cost_center`, `cost_center_path`)."""
    path = json.loads(row.cost_center_path) if row.cost_center_path else None
    return charge_nodes(row.cost_center, path)


def is_under(row: Any, node: str) -> bool:
    return node in nodes_of(row)


def charge_rows(conn: Connection, first: str, last: str, scope: Scope) -> Iterator[ChargeRow]:
    """The charges of billing periods `first` to `last` (YYYY-MM, both included) in `scope`."""
    query = select(
        rc.c.period,
        rc.c.customer,
        rc.c.service,
        rc.c.cost_center,
        rc.c.cost_center_path,
        rc.c.amount,
        rc.c.currency,
    ).where(rc.c.period >= first, rc.c.period <= last)
    for column, value in (
        (rc.c.customer, scope.customer),
        (rc.c.service, scope.service),
        (rc.c.currency, scope.currency),
    ):
        if value is not None:
            query = query.where(column == value)
    if scope.cost_center is not None:
        query = under(query, scope.cost_center)
    for row in conn.execution_options(yield_per=BATCH_ROWS).execute(query):
        nodes = nodes_of(row)
        if scope.cost_center is None or scope.cost_center in nodes:
            yield ChargeRow(row.period, row.customer, row.service, nodes, row.amount, row.currency)

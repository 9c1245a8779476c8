"""Spend by cost-centre node and by month, read from the ledger for the APIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from billing.adapters.ledger.rollup_reads import Scope, charge_rows
from billing.domain.actuals import Actuals, monthly_actuals, months_between
from billing.domain.customers import book_at
from billing.domain.rollup import Charged, Rollup, roll_up
from terms.domain import Period, PriceBookCatalog
from terms.domain.cost_centers import CostCenterTree

INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class TreeSpend:
    period: Period
    version: str | None  # the price-book version whose tree is shown (closing the period)
    rollup: Rollup


def actuals(engine: Engine, first: Period, last: Period, scope: Scope) -> Actuals:
    """Spend per month from `first` to `last` (ValueError for a range too long or backwards)."""
    months = months_between(first, last)
    with engine.connect() as conn:
        rows = [
            (r.period, r.customer, r.service, r.amount)
            for r in charge_rows(conn, str(first), str(last), scope)
        ]
    return monthly_actuals(rows, months)


def tree_spend(
    engine: Engine, catalog: PriceBookCatalog, period: Period, scope: Scope
) -> TreeSpend:
    """Each node's spend in `period`, on the tree of the terms closing the period."""
    book = book_at(catalog, period.end - INSTANT)
    tree = book.cost_centers if book is not None else CostCenterTree()
    with engine.connect() as conn:
        charged = [
            Charged(r.customer, r.nodes, r.amount)
            for r in charge_rows(conn, str(period), str(period), scope)
        ]
    return TreeSpend(period, book.version if book else None, roll_up(tree, charged))

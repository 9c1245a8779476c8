"""Fixed-cost allocation and cost recovery of a period, from the ledger and the journal."""

from __future__ import annotations

from decimal import Decimal

from billing.adapters.ledger import SqlBooks
from billing.domain.allocation import Allocation, allocate
from billing.domain.recovery import Recovery, recover
from chargeback.money import EXACT, ZERO


def allocations(books: SqlBooks, period: str, service: str | None = None) -> list[Allocation]:
    """Each costed service's fixed cost of the period spread over its consumers."""
    found = []
    for name, cost in sorted(books.costs_for(period).items()):
        if service is not None and name != service:
            continue
        usage: dict[str, tuple[Decimal, Decimal]] = {}
        for row in books.period_usage(period, name):
            if row.currency != cost.currency:
                continue
            quantity, amount = usage.get(row.customer, (ZERO, ZERO))
            if cost.basis_meter in (None, row.meter):
                quantity = EXACT.add(quantity, row.quantity)
            usage[row.customer] = (quantity, EXACT.add(amount, row.amount))
        if cost.basis_meter:  # consumers are those who used the basis meter
            usage = {c: qa for c, qa in usage.items() if qa[0] > 0}
        found.append(allocate(cost, period, usage))
    return found


def _income(
    books: SqlBooks, period: str
) -> tuple[dict[tuple[str, str], Decimal], dict[tuple[str, str], Decimal]]:
    """(service, currency) -> income, and -> shown (showback), from the period's journal."""
    income: dict[tuple[str, str], Decimal] = {}
    shown: dict[tuple[str, str], Decimal] = {}
    for account, currency, debit, credit in books.postings(period):
        kind, _, service = account.partition(":")
        if kind == "showback-offset" and service != "rounding":
            target = shown
        elif kind in ("revenue", "adjustments", "credit-notes"):
            target = income
        else:
            continue  # customers' accounts, rounding
        net = EXACT.subtract(credit, debit)
        target[(service, currency)] = EXACT.add(target.get((service, currency), ZERO), net)
    return income, shown


def cost_recovery(books: SqlBooks, period: str) -> list[Recovery]:
    """Recovery of every service that has costs or income in the period."""
    costs = books.costs_for(period)
    income, shown = _income(books, period)
    quantities: dict[tuple[str, str], dict[str, Decimal]] = {}
    for row in books.period_usage(period):
        meters = quantities.setdefault((row.service, row.currency), {})
        meters[row.meter] = EXACT.add(meters.get(row.meter, ZERO), row.quantity)
    keys = set(income) | set(shown) | {(s, c.currency) for s, c in costs.items()}
    report = []
    for service, currency in sorted(keys):
        cost = costs.get(service)
        if cost is not None and cost.currency != currency:
            cost = None  # costs are stated in one currency; other currencies carry none
        report.append(
            recover(
                service=service,
                period=period,
                currency=currency,
                cost=cost,
                income=income.get((service, currency), ZERO),
                shown=shown.get((service, currency), ZERO),
                quantities=quantities.get((service, currency), {}),
            )
        )
    return report

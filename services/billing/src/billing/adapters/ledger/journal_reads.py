"""Reading the journal: entries with their lines, postings of a period, charges behind one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, or_, select

from billing.adapters.ledger.accounting_schema import journal_entries as entries_t
from billing.adapters.ledger.accounting_schema import journal_lines as lines_t
from billing.adapters.ledger.reads import _CHARGE_COLUMNS, StoredCharge
from billing.adapters.ledger.schema import rated_charges


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: int
    period: str
    customer: str
    currency: str
    source: str
    description: str
    service: str | None
    usage_period: str | None
    memo: bool
    batch_id: int | None
    document_id: int | None
    posted_at: datetime
    lines: tuple[tuple[str, Decimal, Decimal], ...]  # (account, debit, credit)


def entries(
    conn: Connection,
    *,
    period: str | None = None,
    customer: str | None = None,
    account: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[StoredEntry]:
    t = entries_t
    query = select(t).where(t.c.id > after)
    if period is not None:
        query = query.where(t.c.period == period)
    if customer is not None:
        query = query.where(t.c.customer == customer)
    if account is not None:
        query = query.where(
            t.c.id.in_(select(lines_t.c.entry_id).where(lines_t.c.account == account))
        )
    rows = conn.execute(query.order_by(t.c.id).limit(limit)).all()
    lines: dict[int, list[tuple[str, Decimal, Decimal]]] = {row.id: [] for row in rows}
    if rows:
        found = conn.execute(
            select(lines_t).where(lines_t.c.entry_id.in_(list(lines))).order_by(lines_t.c.id)
        )
        for line in found:
            lines[line.entry_id].append((line.account, line.debit, line.credit))
    return [StoredEntry(**{**row._asdict(), "lines": tuple(lines[row.id])}) for row in rows]


def postings(conn: Connection, period: str) -> list[tuple[str, str, Decimal, Decimal]]:
    """(account, currency, debit, credit) of every journal line of the period."""
    query = (
        select(lines_t.c.account, entries_t.c.currency, lines_t.c.debit, lines_t.c.credit)
        .join(entries_t, entries_t.c.id == lines_t.c.entry_id)
        .where(entries_t.c.period == period)
    )
    return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def charges_of_entry(
    conn: Connection, entry: StoredEntry, *, after: int, limit: int
) -> list[StoredCharge]:
    """The charges a usage entry posted: its batch's, of its customer, period and service
    (and, posted to a chargeback account, of the cost center that account names)."""
    if entry.batch_id is None:
        return []
    t = rated_charges
    query = select(*_CHARGE_COLUMNS).where(
        t.c.batch_id == entry.batch_id,
        t.c.customer == entry.customer,
        t.c.billed_period == entry.period,
        t.c.service == entry.service,
        t.c.currency == entry.currency,
        t.c.period == entry.usage_period,
        t.c.id > after,
    )
    accounts = [account for account, _, _ in entry.lines]
    center = next((a.partition(":")[2] for a in accounts if a.startswith("chargeback:")), None)
    if center is not None:  # charges without a cost center are charged back to the customer
        own = t.c.cost_center == center
        query = query.where(
            or_(own, t.c.cost_center.is_(None)) if center == entry.customer else own
        )
    return [
        StoredCharge(**row._asdict()) for row in conn.execute(query.order_by(t.c.id).limit(limit))
    ]

"""Running totals of draft lines, added to in the transaction that stores their charges."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, bindparam, select, tuple_, update

from billing.adapters.ledger.dialect import upsert
from billing.adapters.ledger.schema import LINE_KEY_COLUMNS, draft_invoice_lines
from billing.adapters.ledger.types import ExactDecimal
from billing.domain.ledger import LineKey, LineTotals

_KEYS_PER_QUERY = 400  # 7 parameters a key, well under SQLite's and PostgreSQL's limits


def add_to_lines(conn: Connection, deltas: Mapping[LineKey, LineTotals], now: datetime) -> None:
    """Add to the line totals; read-add-write in Python so sums stay exact on SQLite too."""
    if not deltas:
        return
    keys = sorted(deltas)  # one lock order for every writer
    zero = {"quantity": 0, "amount": 0, "charge_count": 0, "updated_at": now}
    ensure = upsert(conn, draft_invoice_lines).on_conflict_do_nothing(
        index_elements=list(LINE_KEY_COLUMNS)
    )
    conn.execute(ensure, [{**key._asdict(), **zero} for key in keys])
    key_columns = [draft_invoice_lines.c[name] for name in LINE_KEY_COLUMNS]
    changes = []
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        current = conn.execute(
            select(draft_invoice_lines)
            .where(tuple_(*key_columns).in_(chunk))
            .order_by(*key_columns)
            .with_for_update()
        )
        for row in current:
            key = LineKey(*(getattr(row, name) for name in LINE_KEY_COLUMNS))
            total = LineTotals(row.quantity, row.amount, row.charge_count) + deltas[key]
            changes.append(
                {"line_id": row.id, "q": total.quantity, "a": total.amount, "n": total.charges}
            )
    conn.execute(
        update(draft_invoice_lines)
        .where(draft_invoice_lines.c.id == bindparam("line_id"))
        .values(
            quantity=bindparam("q", type_=ExactDecimal()),
            amount=bindparam("a", type_=ExactDecimal()),
            charge_count=bindparam("n"),
            updated_at=now,
        ),
        changes,
    )

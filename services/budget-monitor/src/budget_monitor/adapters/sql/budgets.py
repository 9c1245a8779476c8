"""Budgets in SQL, kept as the documents they were made from (re-read into the domain).

Every change bumps the `config` revision in the same transaction, so every worker
can tell, by one cheap read, that its budgets are stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from budget_monitor.adapters.sql.schema import budgets, revision
from budget_monitor.domain.budget_fields import BUDGET_FIELDS

LISTS = ("thresholds", "forecast_thresholds")


class AlreadyExistsError(ValueError):
    pass


@dataclass(frozen=True)
class StoredBudget:
    document: dict[str, Any]  # only the fields given; decimals as strings, times ISO UTC
    origin: str
    created_at: str
    updated_at: str


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def bump(conn: Connection) -> None:
    conn.execute(
        update(revision).where(revision.c.name == "config").values(value=revision.c.value + 1)
    )


def _row(document: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {k: document.get(k) for k in BUDGET_FIELDS}
    for name in LISTS:
        values = document.get(name)
        if values is not None:
            row[name] = json.dumps([str(v) for v in values])
    return row


def _stored(row: Any) -> StoredBudget:
    data = dict(row._mapping)
    document = {k: data[k] for k in BUDGET_FIELDS if data[k] is not None}
    for name in LISTS:
        if name in document:
            document[name] = json.loads(document[name])
    return StoredBudget(document, data["origin"], data["created_at"], data["updated_at"])


def put_documents(conn: Connection, documents: Iterable[Mapping[str, Any]], *, origin: str) -> None:
    """Create or replace each budget (by id) in the caller's transaction (no revision bump)."""
    stamp = now_iso()
    for document in documents:
        values = _row(document) | {"origin": origin, "updated_at": stamp}
        found = conn.execute(update(budgets).where(budgets.c.id == document["id"]).values(**values))
        if found.rowcount == 0:
            conn.execute(insert(budgets).values(**values, created_at=stamp))


class SqlBudgets:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def revision(self) -> int:
        with self.engine.connect() as conn:
            query = select(revision.c.value).where(revision.c.name == "config")
            return int(conn.execute(query).scalar_one())

    def all(self) -> list[StoredBudget]:
        with self.engine.connect() as conn:
            return [_stored(r) for r in conn.execute(select(budgets).order_by(budgets.c.id))]

    def get(self, budget_id: str) -> StoredBudget | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(budgets).where(budgets.c.id == budget_id)).first()
        return None if row is None else _stored(row)

    def create(self, document: Mapping[str, Any], *, origin: str = "api") -> StoredBudget:
        stamp = now_iso()
        with self.engine.begin() as conn:
            if conn.execute(select(budgets.c.id).where(budgets.c.id == document["id"])).first():
                raise AlreadyExistsError(f"budget {document['id']!r} already exists")
            values = _row(document) | {"origin": origin, "created_at": stamp, "updated_at": stamp}
            conn.execute(insert(budgets).values(**values))
            bump(conn)
        return StoredBudget(dict(document), origin, stamp, stamp)

    def replace(self, document: Mapping[str, Any]) -> StoredBudget | None:
        """The budget changed to `document` (None if there is no such budget)."""
        stamp = now_iso()
        with self.engine.begin() as conn:
            query = update(budgets).where(budgets.c.id == document["id"])
            values = _row(document) | {"origin": "api", "updated_at": stamp}
            if conn.execute(query.values(**values)).rowcount == 0:
                return None
            bump(conn)
            row = conn.execute(select(budgets).where(budgets.c.id == document["id"])).one()
        return _stored(row)

    def delete(self, budget_id: str) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(delete(budgets).where(budgets.c.id == budget_id)).rowcount > 0
            if gone:
                bump(conn)
        return gone

    def seed(self, documents: Iterable[Mapping[str, Any]]) -> int:
        """Upserts the budgets file's budgets (the file wins over API changes); how many."""
        stamp, count = now_iso(), 0
        with self.engine.begin() as conn:
            for document in documents:
                values = _row(document) | {"origin": "file", "updated_at": stamp}
                found = conn.execute(
                    update(budgets).where(budgets.c.id == document["id"]).values(**values)
                )
                if found.rowcount == 0:
                    conn.execute(insert(budgets).values(**values, created_at=stamp))
                count += 1
            bump(conn)
        return count

"""The little that differs between the ledger's two backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

_INSERTS: dict[str, Any] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT into `table`, which has ON CONFLICT (same syntax on both)."""
    try:
        return _INSERTS[conn.dialect.name](table)
    except KeyError:
        raise RuntimeError(
            f"the ledger runs on SQLite or PostgreSQL, not {conn.dialect.name}"
        ) from None

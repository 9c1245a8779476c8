"""Bring the ledger's schema to the latest migration, at start-up, on SQLite or PostgreSQL.

Alembic runs programmatically with the scripts shipped in this package. Ledgers made
before migrations existed (by `metadata.create_all`) hold exactly the first revision's
tables: they are stamped at it, then upgraded like any other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, text

VERSION_TABLE = "billing_alembic_version"  # not alembic_version: the database may be shared
MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
# Any constant shared by billing's replicas: only one of them migrates at a time.
_PG_MIGRATION_LOCK = 0x62696C6C


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, _other: Any) -> bool:
    """Only billing's own tables: others in a shared database are not billing's to compare."""
    from billing.adapters.ledger.tables import metadata

    if type_ == "table":
        return name in metadata.tables
    table = getattr(obj, "table", None)
    return table is None or table.name in metadata.tables


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied, in one transaction where the database allows."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        config = alembic_config(conn)
        tables = set(inspect(conn).get_table_names())
        if VERSION_TABLE not in tables and "rated_charges" in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()

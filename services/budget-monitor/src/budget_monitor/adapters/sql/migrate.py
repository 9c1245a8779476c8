"""Brings the database to the latest migration at start (programmatic `alembic upgrade`).

The version table has its own name, so billing's migrations can share a PostgreSQL
database. On PostgreSQL an advisory lock lets several replicas start at once.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x626D6D69  # "bmmi": the budget monitor's migrations


def upgrade(engine: Engine, target: str = "head") -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("select pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        config.attributes["connection"] = conn
        command.upgrade(config, target)

"""Alembic environment: run on the connection `migrate.upgrade` passes in."""

from __future__ import annotations

from alembic import context

from budget_monitor.adapters.sql.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()

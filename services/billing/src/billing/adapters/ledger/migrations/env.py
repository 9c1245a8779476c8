"""Alembic environment of the ledger: run programmatically by `billing.adapters.ledger.migrate`.

The caller hands over an open connection (config.attributes["connection"]). The
version table is billing's own, so another service's migrations can share the
database; ALTERs run in batch mode, which SQLite needs (it recreates the table).
"""

from __future__ import annotations

from alembic import context

from billing.adapters.ledger.migrate import VERSION_TABLE, include_object
from billing.adapters.ledger.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
    include_object=include_object,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""The budget monitor's schema comes from its migrations, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from budget_monitor.adapters.sql import make_engine, upgrade
from budget_monitor.adapters.sql.schema import VERSION_TABLE, metadata

pytestmark = pytest.mark.integration


def test_the_migrated_schema_is_the_one_the_monitor_uses(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a restart migrates nothing
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "version_table": VERSION_TABLE,
                    "include_object": lambda obj, name, kind, *_: (
                        kind != "table" or name in metadata.tables
                    ),
                },
            )
            assert compare_metadata(context, metadata) == []
            revisions = conn.execute(sa.text("select name, value from bm_revision")).all()
        assert sorted(revisions) == [("config", 0), ("plans", 0)]
    finally:
        engine.dispose()

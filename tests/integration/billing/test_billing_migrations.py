"""The ledger schema comes from migrations, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from billing.adapters.ledger import make_engine, migrate
from billing.adapters.ledger.tables import metadata

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": migrate.include_object,
                "version_table": migrate.VERSION_TABLE,
            },
        )
        return compare_metadata(context, metadata)


def test_an_empty_database_migrated_to_head_matches_the_tables_billing_uses(engine):
    with engine.begin() as conn:  # another service's table in the same database
        conn.execute(sa.text("CREATE TABLE other_service_state (id INTEGER PRIMARY KEY)"))

    migrate.upgrade(engine)
    migrate.upgrade(engine)  # idempotent: a restart migrates nothing

    assert differences(engine) == []
    assert migrate.current_revision(engine) == "0004"
    tables = set(sa.inspect(engine).get_table_names())
    assert {"billing_alembic_version", "other_service_state"} <= tables
    assert "alembic_version" not in tables  # left free for another service's migrations


def test_a_ledger_made_before_migrations_is_upgraded_keeping_its_rows(engine):
    migrate.upgrade(engine, "0001")
    now = datetime(2024, 5, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP TABLE {migrate.VERSION_TABLE}"))  # as create_all left it
        charges = sa.table(
            "rated_charges", *(sa.column(c) for c in ("id", "customer", "period")),
        )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO rated_charges (event_source, event_id, customer, period, service,"
                " meter, unit, quantity, unit_price, amount, currency, price_book_version,"
                " event_time, rated_at, recorded_at, dimensions, breakdown, kafka_topic,"
                " kafka_partition, kafka_offset) VALUES ('s', 'e1', 'acme', '2024-05', 'compute',"
                " 'cpu', 'h', 1, 1, 1, 'USD', 'v', :t, :t, :t, '{}', '[]', 'usage.rated', 0, 0)"
            ),
            {"t": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO draft_invoice_lines (customer, period, service, meter, unit,"
                " currency, quantity, amount, charge_count, updated_at) VALUES ('acme',"
                " '2024-05', 'compute', 'cpu', 'h', 'USD', 1, 1, 1, :t)"
            ),
            {"t": now.replace(tzinfo=None) if engine.dialect.name == "sqlite" else now},
        )
        assert conn.execute(sa.select(charges.c.customer)).scalars().all() == ["acme"]

    migrate.upgrade(engine)

    assert differences(engine) == []
    with engine.connect() as conn:
        charge = conn.execute(
            sa.text("SELECT period, billed_period, time_zone, cost_center FROM rated_charges")
        ).one()
        line = conn.execute(sa.text("SELECT period, usage_period FROM draft_invoice_lines")).one()
    assert tuple(charge) == ("2024-05", "2024-05", "UTC", None)
    assert tuple(line) == ("2024-05", "2024-05")


def test_charges_keep_the_context_billing_held_and_customers_lose_their_terms(engine):
    migrate.upgrade(engine, "0002")
    at = {"t": datetime(2024, 5, 2, tzinfo=UTC)}
    if engine.dialect.name == "sqlite":
        at = {"t": at["t"].replace(tzinfo=None)}
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO billing_customers (customer, name, kind, statement_type, cost_center,"
                " time_zone, currency, grace_seconds, commitments, settings_source, closed_through,"
                " lock_version, updated_at) VALUES ('research', 'Research', 'internal',"
                " 'chargeback', 'CC-7', 'Europe/Berlin', NULL, 3600, '[]', 'api', '2024-04', 0,"
                " :t)"
            ),
            at,
        )
        for event, customer in (("e1", "research"), ("e2", "newco")):
            conn.execute(
                sa.text(
                    "INSERT INTO rated_charges (event_source, event_id, customer, period,"
                    " billed_period, service, meter, unit, quantity, unit_price, amount, currency,"
                    " price_book_version, event_time, rated_at, recorded_at, dimensions,"
                    " breakdown, kafka_topic, kafka_partition, kafka_offset) VALUES ('s', :e, :c,"
                    " '2024-05', '2024-05', 'compute', 'cpu', 'h', 1, 1, 1, 'USD', 'v', :t, :t,"
                    " :t, '{}', '[]', 'usage.rated', 0, 0)"
                ),
                {**at, "e": event, "c": customer},
            )

    migrate.upgrade(engine)

    assert differences(engine) == []
    with engine.connect() as conn:
        charges = conn.execute(
            sa.text("SELECT event_id, time_zone, cost_center FROM rated_charges ORDER BY event_id")
        ).all()
        customer = conn.execute(sa.text("SELECT * FROM billing_customers")).mappings().one()
    assert [tuple(c) for c in charges] == [("e1", "Europe/Berlin", "CC-7"), ("e2", "UTC", None)]
    assert set(customer) == {
        "customer", "kind", "statement_type", "grace_seconds", "settings_source",
        "closed_through", "lock_version", "updated_at",
    }  # fmt: skip
    assert (customer["statement_type"], customer["grace_seconds"]) == ("chargeback", 3600)
    assert customer["closed_through"] == "2024-04"


def test_downgrade_and_upgrade_again_leave_the_same_schema(engine):
    migrate.upgrade(engine)
    with engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0001")
    assert "journal_entries" not in sa.inspect(engine).get_table_names()

    migrate.upgrade(engine)

    assert differences(engine) == []

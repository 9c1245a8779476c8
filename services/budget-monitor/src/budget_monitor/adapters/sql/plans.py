"""Plans in SQL, read and changed through a unit of work: one transaction in which a
plan's checks (overlaps, state) and its writes (versions, history, the budgets approval
makes) happen together, serialised with every other plan write by the `plans` revision
row (updated first: on SQLite that takes the write lock, on PostgreSQL the row lock)."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from budget_monitor.adapters.sql.budgets import bump, put_documents
from budget_monitor.adapters.sql.plan_rows import (
    event_row,
    plan_row,
    read_event,
    read_plan,
    read_version,
    version_row,
)
from budget_monitor.adapters.sql.schema import budgets, plan_events, plan_versions, plans, revision
from budget_monitor.domain.documents import iso
from budget_monitor.domain.plans import Plan, PlanEvent, PlanVersion, State


class PlanUnit:
    """What a plan transaction reads and writes."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def plans(self, plan_id: str | None = None) -> list[Plan]:
        query, versions = (
            select(plans).order_by(plans.c.created_at, plans.c.id),
            select(plan_versions),
        )
        if plan_id is not None:
            query = query.where(plans.c.id == plan_id)
            versions = versions.where(plan_versions.c.plan_id == plan_id)
        found: dict[str, list[PlanVersion]] = defaultdict(list)
        for row in self.conn.execute(versions.order_by(plan_versions.c.number)):
            found[row.plan_id].append(read_version(row))
        return [read_plan(row, found[row.id]) for row in self.conn.execute(query)]

    def get(self, plan_id: str) -> Plan | None:
        found = self.plans(plan_id)
        return found[0] if found else None

    def history(self, plan_id: str) -> list[PlanEvent]:
        query = select(plan_events).where(plan_events.c.plan_id == plan_id)
        return [read_event(r) for r in self.conn.execute(query.order_by(plan_events.c.id))]

    def add(self, plan: Plan) -> None:
        self.conn.execute(insert(plans).values(**plan_row(plan)))
        for version in plan.versions:
            self.add_version(plan.id, version, plan.updated_at)

    def add_version(self, plan_id: str, version: PlanVersion, at: datetime) -> None:
        self.conn.execute(insert(plan_versions).values(**version_row(plan_id, version)))
        self.conn.execute(update(plans).where(plans.c.id == plan_id).values(updated_at=iso(at)))

    def move(self, plan_id: str, state: State, at: datetime) -> None:
        values = {"state": state, "updated_at": iso(at)}
        self.conn.execute(update(plans).where(plans.c.id == plan_id).values(**values))

    def log(self, event: PlanEvent) -> None:
        self.conn.execute(insert(plan_events).values(**event_row(event)))

    def budget_origins(self, prefix: str) -> dict[str, str]:
        """Budget ids starting with `prefix`, with their origin (api, file or plan)."""
        query = select(budgets.c.id, budgets.c.origin).where(budgets.c.id.startswith(prefix))
        return {row.id: row.origin for row in self.conn.execute(query)}

    def origin_of(self, ids: Iterable[str]) -> dict[str, str]:
        query = select(budgets.c.id, budgets.c.origin).where(budgets.c.id.in_(list(ids)))
        return {row.id: row.origin for row in self.conn.execute(query)}

    def set_budgets(self, documents: Iterable[Mapping[str, Any]], gone: Iterable[str]) -> None:
        """Create or replace the plan's budgets and delete `gone`; workers reload them."""
        put_documents(self.conn, documents, origin="plan")
        self.conn.execute(delete(budgets).where(budgets.c.id.in_(list(gone))))
        bump(self.conn)


class SqlPlans:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextlib.contextmanager
    def unit(self) -> Iterator[PlanUnit]:
        """A transaction for a change: committed if the block ends, rolled back if it raises."""
        with self.engine.begin() as conn:
            query = update(revision).where(revision.c.name == "plans")
            conn.execute(query.values(value=revision.c.value + 1))
            yield PlanUnit(conn)

    @contextlib.contextmanager
    def reading(self) -> Iterator[PlanUnit]:
        with self.engine.connect() as conn:
            yield PlanUnit(conn)

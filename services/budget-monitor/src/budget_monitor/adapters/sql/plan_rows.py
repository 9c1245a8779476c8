"""Plans, versions and history events to and from their rows (decimals as exact strings,
times as ISO 8601 UTC, lists as JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from budget_monitor.domain import Scope
from budget_monitor.domain.documents import iso
from budget_monitor.domain.plans import FiscalYear, Plan, PlanEvent, PlanVersion


def _decimals(values: Sequence[Decimal] | None) -> str | None:
    return None if values is None else json.dumps([format(v, "f") for v in values])


def _read_decimals(text: str | None) -> tuple[Decimal, ...] | None:
    return None if text is None else tuple(Decimal(v) for v in json.loads(text))


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def plan_row(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.id,
        **{k: getattr(plan.scope, k) for k in ("customer", "cost_center", "service")},
        "fiscal_year": plan.year.year,
        "first_month": plan.year.first_month,
        "currency": plan.currency,
        "time_zone": plan.time_zone,
        "state": plan.state,
        "lineage": plan.lineage,
        "supersedes": plan.supersedes,
        "thresholds": _decimals(plan.thresholds),
        "forecast_thresholds": _decimals(plan.forecast_thresholds),
        "variance_threshold": None
        if plan.variance_threshold is None
        else format(plan.variance_threshold, "f"),
        "created_by": plan.created_by,
        "created_at": iso(plan.created_at),
        "updated_at": iso(plan.updated_at),
    }


def version_row(plan_id: str, version: PlanVersion) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "number": version.number,
        "amount": format(version.amount, "f"),
        "months": json.dumps([[m, format(a, "f")] for m, a in version.months]),
        "phasing": version.phasing,
        "basis": version.basis,
        "kind": version.kind,
        "author": version.author,
        "role": version.role,
        "comment": version.comment,
        "created_at": iso(version.created_at),
    }


def event_row(event: PlanEvent) -> dict[str, Any]:
    return {**{k: getattr(event, k) for k in PlanEvent.__slots__}, "at": iso(event.at)}


def read_version(row: Any) -> PlanVersion:
    return PlanVersion(
        number=row.number,
        amount=Decimal(row.amount),
        months=tuple((m, Decimal(a)) for m, a in json.loads(row.months)),
        phasing=row.phasing,
        basis=row.basis,
        kind=row.kind,
        author=row.author,
        role=row.role,
        comment=row.comment,
        created_at=_time(row.created_at),
    )


def read_plan(row: Any, versions: Sequence[PlanVersion]) -> Plan:
    return Plan(
        id=row.id,
        scope=Scope(row.customer, row.service, row.cost_center),
        year=FiscalYear(row.fiscal_year, row.first_month),
        currency=row.currency,
        time_zone=row.time_zone,
        state=row.state,
        lineage=row.lineage,
        created_by=row.created_by,
        created_at=_time(row.created_at),
        updated_at=_time(row.updated_at),
        thresholds=_read_decimals(row.thresholds),
        forecast_thresholds=_read_decimals(row.forecast_thresholds),
        variance_threshold=None
        if row.variance_threshold is None
        else Decimal(row.variance_threshold),
        supersedes=row.supersedes,
        versions=tuple(versions),
    )


def read_event(row: Any) -> PlanEvent:
    values = {k: getattr(row, k) for k in PlanEvent.__slots__}
    return PlanEvent(**(values | {"at": _time(row.at)}))

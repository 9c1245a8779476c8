"""What the plan routes share: the caller as an actor, errors as HTTP answers, a plan's
public form, and who may read it."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import Iterator

from fastapi import HTTPException

from budget_monitor.domain import FieldError
from budget_monitor.domain.plans import (
    Actor,
    Plan,
    PlanError,
    PlanForbidden,
    PlanStateError,
    Variance,
    budget_documents,
)
from budget_monitor.entrypoints.deps import Parts, field_error
from budget_monitor.entrypoints.plan_schemas import PlanPublic
from budget_monitor.service_layer.actuals import ActualsUnavailable
from budget_monitor.service_layer.plan_access import may_see
from budget_monitor.service_layer.plan_parts import PlanNotFound, PlanParts, load, terms_now
from chargeback.auth import ApiKey
from chargeback.web import forbid


def actor_of(caller: ApiKey) -> Actor:
    name = f"{caller.name[:200]} ({caller.key_id})" if caller.name else caller.key_id
    return Actor(name[:256], caller.role, caller.customer)


def plan_parts(parts: Parts) -> PlanParts:
    assert parts.plans is not None, "the app is built with its plan parts"
    return parts.plans


@contextlib.contextmanager
def plan_errors() -> Iterator[None]:
    """422 naming the field, 409 for a step the state forbids, 403 (counted), 404, 502."""
    try:
        yield
    except PlanError as exc:
        raise field_error(FieldError(exc.field, exc.reason)) from None
    except PlanStateError as exc:
        raise HTTPException(409, str(exc)) from None
    except PlanForbidden as exc:
        raise forbid(str(exc)) from None
    except PlanNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except ActualsUnavailable as exc:
        raise HTTPException(502, str(exc)) from None


async def readable(plan_id: str, caller: ApiKey, parts: PlanParts) -> Plan:
    """The plan, if the caller may read it (403, counted, if not: before any work)."""
    with plan_errors():
        plan = await load(plan_id, parts)
    catalog, now = await terms_now(parts)
    if not may_see(plan, actor_of(caller), catalog, now):
        raise forbid(f"plan {plan_id!r} is not for this key's business unit")
    return plan


async def public(plan: Plan, parts: PlanParts) -> PlanPublic:
    def history() -> list:  # type: ignore[type-arg]
        with parts.store.reading() as unit:
            return unit.history(plan.id)

    budgets = [document["id"] for document in budget_documents(plan)]
    return PlanPublic.of(plan, await asyncio.to_thread(history), budgets)


CSV_COLUMNS = ("period", "plan", "actual", "forecast", "variance", "variance_percent", "last_year")


def variance_csv(found: Variance) -> str:
    """Months, then year to date and full year, one row each; empty cells where none."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in (*found.months, found.year_to_date, found.full_year):
        amounts = [getattr(line, column) for column in CSV_COLUMNS[1:]]
        writer.writerow([line.period, *("" if v is None else format(v, "f") for v in amounts)])
    return out.getvalue()

"""HTTP API: budgets (finance writes; customers read their own), with their spend."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from fastapi import APIRouter, HTTPException, Response

from budget_monitor.adapters.sql.budgets import AlreadyExistsError, StoredBudget
from budget_monitor.domain import FieldError
from budget_monitor.entrypoints.budget_views import (
    READ_ERRORS,
    PeriodQuery,
    one_budget,
    period_of,
    public_budget,
    visible,
)
from budget_monitor.entrypoints.deps import Finance, PartsDep, Reader, field_error, not_found
from budget_monitor.entrypoints.schemas import BudgetIn, BudgetList, BudgetPublic
from budget_monitor.service_layer import budgets as service
from chargeback.web import errors

router = APIRouter(prefix="/v1", tags=["budgets"])


@router.get(
    "/budgets",
    response_model=BudgetList,
    responses=errors(400, r400=READ_ERRORS[400]["description"]),
)
async def list_budgets(caller: Reader, parts: PartsDep, period: PeriodQuery = None) -> BudgetList:
    """Each budget the caller may see, with its spend in the current (or given) period."""
    shown = [b for b in parts.registry.book if visible(caller, b)]
    keys = [(b.id, period_of(b, period, parts.clock())) for b in shown]
    spent = await parts.spend.spent(keys)
    stored = {s.document["id"]: s for s in await _stored(parts)}
    return BudgetList(
        budgets=[
            public_budget(b, stored.get(b.id), k[1], spent[k])
            for b, k in zip(shown, keys, strict=True)
        ]
    )


async def _stored(parts: PartsDep) -> list[StoredBudget]:
    return await asyncio.to_thread(parts.budgets.all)


@router.get("/budgets/{budget_id}", response_model=BudgetPublic, responses=READ_ERRORS)
async def get_budget(
    budget_id: str, caller: Reader, parts: PartsDep, period: PeriodQuery = None
) -> BudgetPublic:
    budget = await one_budget(parts, budget_id, caller)
    key = (budget.id, period_of(budget, period, parts.clock()))
    spent = (await parts.spend.spent([key]))[key]
    return public_budget(
        budget, await asyncio.to_thread(parts.budgets.get, budget_id), key[1], spent
    )


def _document(body: BudgetIn, budget_id: str | None = None) -> dict[str, Any]:
    document = body.model_dump(exclude_none=True)
    document["id"] = budget_id or body.id or "bgt_" + secrets.token_hex(6)
    return document


async def _answer(parts: PartsDep, stored: StoredBudget) -> BudgetPublic:
    budget = parts.registry.book.get(stored.document["id"])
    if budget is None:  # stored but not loadable: should not happen after validation
        raise RuntimeError(f"budget {stored.document['id']!r} stored but not loaded")
    key = (budget.id, period_of(budget, None, parts.clock()))
    return public_budget(budget, stored, key[1], (await parts.spend.spent([key]))[key])


@router.post(
    "/budgets",
    response_model=BudgetPublic,
    status_code=201,
    responses=errors(409, r409="A budget with this id exists"),
)
async def create_budget(body: BudgetIn, _: Finance, parts: PartsDep) -> BudgetPublic:
    """A new budget; 409 if its id is taken, 422 naming the field that is wrong."""
    try:
        stored = await service.create(
            _document(body), registry=parts.registry, store=parts.budgets, announce=parts.announce
        )
    except FieldError as exc:
        raise field_error(exc) from None
    except AlreadyExistsError as exc:
        raise HTTPException(409, str(exc)) from None
    return await _answer(parts, stored)


@router.put("/budgets/{budget_id}", response_model=BudgetPublic, responses=errors(404))
async def replace_budget(
    budget_id: str, body: BudgetIn, _: Finance, parts: PartsDep
) -> BudgetPublic:
    """Change a budget (the whole document). Its spend in the current period is kept."""
    if body.id is not None and body.id != budget_id:
        raise field_error(FieldError("id", "differs from the id in the URL"))
    try:
        stored = await service.replace(
            _document(body, budget_id),
            registry=parts.registry,
            store=parts.budgets,
            announce=parts.announce,
        )
    except FieldError as exc:
        raise field_error(exc) from None
    if stored is None:
        raise not_found("budget", budget_id)
    return await _answer(parts, stored)


@router.delete("/budgets/{budget_id}", status_code=204, responses=errors(404))
async def delete_budget(budget_id: str, _: Finance, parts: PartsDep) -> Response:
    if not await service.delete(budget_id, store=parts.budgets, announce=parts.announce):
        raise not_found("budget", budget_id)
    return Response(status_code=204)

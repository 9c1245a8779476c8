"""Creating, changing and deleting budgets: validated, stored, announced to every worker."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from budget_monitor.adapters.sql import SqlBudgets, StoredBudget
from budget_monitor.domain import Budget, budget_from_document
from budget_monitor.domain.documents import document_of
from budget_monitor.service_layer.registry import Registry

Announce = Callable[[], Awaitable[None]]


def validate(document: Mapping[str, Any], registry: Registry) -> tuple[Budget, dict[str, Any]]:
    """The budget of `document` and its canonical form; FieldError names a bad field."""
    budget = budget_from_document(document, time_zones=registry.time_zones)
    return budget, document_of(budget, document)


async def create(
    document: Mapping[str, Any], *, registry: Registry, store: SqlBudgets, announce: Announce
) -> StoredBudget:
    """Store a new budget (AlreadyExistsError if its id is taken)."""
    _, canonical = validate(document, registry)
    stored = await asyncio.to_thread(store.create, canonical)
    await announce()
    return stored


async def replace(
    document: Mapping[str, Any], *, registry: Registry, store: SqlBudgets, announce: Announce
) -> StoredBudget | None:
    """Change a budget to `document` (None: no such budget). Spend so far is kept when
    the period stays the same; thresholds already alerted in this period stay alerted."""
    _, canonical = validate(document, registry)
    stored = await asyncio.to_thread(store.replace, canonical)
    if stored is not None:
        await announce()
    return stored


async def delete(budget_id: str, *, store: SqlBudgets, announce: Announce) -> bool:
    gone = await asyncio.to_thread(store.delete, budget_id)
    if gone:
        await announce()
    return gone

"""HTTP API: webhook subscriptions (finance only) and their delivery logs.

The secret is made here and shown once, in the answer to the POST; no other
answer (nor any log line) ever carries it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response

from budget_monitor.adapters.sql.subscriptions import StoredSubscription
from budget_monitor.domain import ConfigError
from budget_monitor.entrypoints.deps import Finance, PartsDep, not_found
from budget_monitor.entrypoints.schemas import (
    DeliveryLog,
    DeliveryPublic,
    SubscriptionChange,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionList,
    SubscriptionPublic,
)
from budget_monitor.service_layer import subscriptions as service
from chargeback.web import errors, field_problem

router = APIRouter(prefix="/v1/subscriptions", tags=["webhooks"])
NOT_FOUND = errors(404, r404="No such subscription")


def _public(stored: StoredSubscription) -> SubscriptionPublic:
    sub = stored.subscription
    return SubscriptionPublic(
        id=sub.id,
        url=sub.url,
        budget_ids=list(sub.budget_ids),
        scopes=[dict(s) for s in sub.scopes],
        description=stored.description,
        enabled=sub.enabled,
        disabled_reason=stored.disabled_reason,
        origin=stored.origin,
    )


async def _get(parts: PartsDep, sub_id: str) -> StoredSubscription:
    stored = await asyncio.to_thread(parts.subscriptions.get, sub_id)
    if stored is None:
        raise not_found("subscription", sub_id)
    return stored


@router.post("", response_model=SubscriptionCreated, status_code=201)
async def create_subscription(
    body: SubscriptionIn, _: Finance, parts: PartsDep
) -> SubscriptionCreated:
    """Subscribe a URL to alerts (all, or those of some budgets or scopes)."""
    try:
        sub = await service.create(
            url=body.url,
            budget_ids=body.budget_ids,
            scopes=[s.model_dump(exclude_none=True) for s in body.scopes],
            description=body.description,
            guard=parts.guard,
            store=parts.subscriptions,
            announce=parts.announce,
        )
    except ConfigError as exc:
        field, _sep, reason = str(exc).partition(": ")
        raise field_problem(f"body.{field.split('[')[0]}", reason) from None
    stored = await _get(parts, sub.id)
    return SubscriptionCreated(**_public(stored).model_dump(), secret=sub.secret)


@router.get("", response_model=SubscriptionList)
async def list_subscriptions(_: Finance, parts: PartsDep) -> SubscriptionList:
    stored = await asyncio.to_thread(parts.subscriptions.all)
    return SubscriptionList(subscriptions=[_public(s) for s in stored])


@router.get("/{sub_id}", response_model=SubscriptionPublic, responses=NOT_FOUND)
async def get_subscription(sub_id: str, _: Finance, parts: PartsDep) -> SubscriptionPublic:
    return _public(await _get(parts, sub_id))


@router.patch("/{sub_id}", response_model=SubscriptionPublic, responses=NOT_FOUND)
async def change_subscription(
    sub_id: str, body: SubscriptionChange, _: Finance, parts: PartsDep
) -> SubscriptionPublic:
    """Enable or disable (a disabled subscription's queued alerts are dropped)."""
    found = await service.set_enabled(
        sub_id, body.enabled, store=parts.subscriptions, queue=parts.queue, announce=parts.announce
    )
    if not found:
        raise not_found("subscription", sub_id)
    return _public(await _get(parts, sub_id))


@router.delete("/{sub_id}", status_code=204, responses=NOT_FOUND)
async def delete_subscription(sub_id: str, _: Finance, parts: PartsDep) -> Response:
    gone = await service.delete(
        sub_id, store=parts.subscriptions, queue=parts.queue, announce=parts.announce
    )
    if not gone:
        raise not_found("subscription", sub_id)
    return Response(status_code=204)


@router.get("/{sub_id}/deliveries", response_model=DeliveryLog, responses=NOT_FOUND)
async def delivery_log(
    sub_id: str,
    _: Finance,
    parts: PartsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DeliveryLog:
    """Every attempt to deliver to this subscription, newest first: outcome, status, latency."""
    await _get(parts, sub_id)
    attempts = await asyncio.to_thread(parts.subscriptions.deliveries, sub_id, limit=limit)
    return DeliveryLog(
        subscription_id=sub_id,
        queued=await parts.queue.count(sub_id),
        deliveries=[
            DeliveryPublic(**{k: v for k, v in vars(a).items() if k != "subscription_id"})
            for a in attempts
        ],
    )

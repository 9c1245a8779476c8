"""Webhook subscriptions: made with a fresh secret (shown once), filtered, removed."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import Mapping, Sequence

from budget_monitor.adapters.delivery_queue import RedisDeliveryQueue
from budget_monitor.adapters.network_guard import NetworkGuard, RefusedAddressError
from budget_monitor.adapters.sql import SqlSubscriptions
from budget_monitor.domain import ConfigError, Subscription, check_url
from budget_monitor.domain.subscriptions import check_scopes
from budget_monitor.service_layer.budgets import Announce


def new_secret() -> str:
    """A Standard Webhooks secret: whsec_ + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def create(
    *,
    url: str,
    budget_ids: Sequence[str],
    scopes: Sequence[Mapping[str, str]],
    description: str,
    guard: NetworkGuard,
    store: SqlSubscriptions,
    announce: Announce,
) -> Subscription:
    """A new subscription; ConfigError (naming url or scopes) if it cannot be."""
    check_url(url)
    try:
        await guard.check(url)
    except RefusedAddressError as exc:
        raise ConfigError(f"url: {exc}") from None
    sub = Subscription(
        "sub_" + secrets.token_hex(8), url, new_secret(), tuple(budget_ids), check_scopes(scopes)
    )
    await asyncio.to_thread(store.save, sub, description=description)
    await announce()
    return sub


async def set_enabled(
    sub_id: str,
    enabled: bool,
    *,
    store: SqlSubscriptions,
    queue: RedisDeliveryQueue,
    announce: Announce,
) -> bool:
    found = await asyncio.to_thread(store.set_enabled, sub_id, enabled, None)
    if found and not enabled:
        await queue.drop_subscription(sub_id)
    if found:
        await announce()
    return found


async def delete(
    sub_id: str, *, store: SqlSubscriptions, queue: RedisDeliveryQueue, announce: Announce
) -> bool:
    gone = await asyncio.to_thread(store.delete, sub_id)
    if gone:
        await queue.drop_subscription(sub_id)
        await announce()
    return gone

"""Webhook subscriptions and their delivery log in SQL. Secrets are stored (deliveries
are signed with them) but never read back into an API answer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update

from budget_monitor.adapters.sql.budgets import bump, now_iso
from budget_monitor.adapters.sql.schema import delivery_log, subscriptions
from budget_monitor.domain import Subscription


@dataclass(frozen=True)
class StoredSubscription:
    subscription: Subscription
    description: str
    disabled_reason: str | None
    origin: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class DeliveryAttempt:
    subscription_id: str
    alert_id: str
    attempt: int
    outcome: str  # delivered, http_error, network_error, gone, refused, expired
    status_code: int | None
    error: str | None
    latency_ms: float
    at: str


def _stored(row: object) -> StoredSubscription:
    data = dict(row._mapping)  # type: ignore[attr-defined]
    sub = Subscription(
        data["id"],
        data["url"],
        data["secret"],
        tuple(json.loads(data["budget_ids"])),
        tuple(json.loads(data["scopes"])),
        bool(data["enabled"]),
    )
    return StoredSubscription(
        sub,
        data["description"],
        data["disabled_reason"],
        data["origin"],
        data["created_at"],
        data["updated_at"],
    )


class SqlSubscriptions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def all(self) -> list[StoredSubscription]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(subscriptions).order_by(subscriptions.c.created_at))
            return [_stored(r) for r in rows]

    def get(self, sub_id: str) -> StoredSubscription | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(subscriptions).where(subscriptions.c.id == sub_id)).first()
        return None if row is None else _stored(row)

    def save(self, sub: Subscription, *, description: str = "", origin: str = "api") -> None:
        """Creates `sub`, or (same id) replaces its URL, secret and filters."""
        stamp = now_iso()
        values = {
            "url": sub.url,
            "secret": sub.secret,
            "budget_ids": json.dumps(list(sub.budget_ids)),
            "scopes": json.dumps([dict(s) for s in sub.scopes]),
            "description": description,
            "enabled": sub.enabled,
            "disabled_reason": None,
            "origin": origin,
            "updated_at": stamp,
        }
        with self.engine.begin() as conn:
            query = update(subscriptions).where(subscriptions.c.id == sub.id)
            if conn.execute(query.values(**values)).rowcount == 0:
                conn.execute(insert(subscriptions).values(id=sub.id, created_at=stamp, **values))
            bump(conn)

    def set_enabled(self, sub_id: str, enabled: bool, reason: str | None = None) -> bool:
        with self.engine.begin() as conn:
            query = update(subscriptions).where(subscriptions.c.id == sub_id)
            values = {"enabled": enabled, "disabled_reason": reason, "updated_at": now_iso()}
            found = conn.execute(query.values(**values)).rowcount > 0
            if found:
                bump(conn)
        return found

    def delete(self, sub_id: str) -> bool:
        with self.engine.begin() as conn:
            gone = (
                conn.execute(delete(subscriptions).where(subscriptions.c.id == sub_id)).rowcount > 0
            )
            if gone:
                conn.execute(delete(delivery_log).where(delivery_log.c.subscription_id == sub_id))
                bump(conn)
        return gone

    def log(self, attempts: Iterable[DeliveryAttempt]) -> None:
        rows = [vars(a) for a in attempts]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(delivery_log), rows)

    def deliveries(self, sub_id: str, *, limit: int = 100) -> Sequence[DeliveryAttempt]:
        """The latest attempts to deliver to `sub_id`, newest first."""
        query = (
            select(delivery_log)
            .where(delivery_log.c.subscription_id == sub_id)
            .order_by(delivery_log.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [DeliveryAttempt(**{k: v for k, v in r._mapping.items() if k != "id"}) for r in rows]

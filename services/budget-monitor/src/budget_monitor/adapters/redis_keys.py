"""Every Redis key the budget monitor writes, named in one place (prefix `bm:`)."""

from __future__ import annotations

import hashlib

VERSION_FIELD = "v"  # in a spend hash: bumped on every write, for compare-and-set
PENDING_ALERTS = "bm:alerts:pending"  # hash alert id -> alert JSON, crossed but not yet raised
RECENT_ALERTS = "bm:alerts:recent"  # list of alert JSON, newest first, capped
LIVE_ALERTS = "bm:alerts:live"  # pub/sub channel: each alert JSON as it is raised
CONFIG_CHANGED = "bm:config:changed"  # pub/sub channel: budgets or subscriptions changed
DELIVERIES_DUE = "bm:wh:due"  # sorted set "subscription alert" -> when to try (ms)


def _digest(text: str, size: int = 32) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:size]


def positions(topic: str, group: str) -> str:
    """Hash partition -> next offset to apply, for one topic and consumer group."""
    return f"bm:pos:{group}:{topic}"


def spend(budget_id: str, period: str) -> str:
    """Hash partition -> decimal sub-total of a budget in a period (plus VERSION_FIELD)."""
    return f"bm:spend:{budget_id}|{period}"


def seen(event_key: str) -> str:
    """Set while a rated event (source + id) counts in spend."""
    return f"bm:seen:{_digest(event_key)}"


def raised(alert_id: str) -> str:
    return f"bm:alerts:raised:{alert_id}"


def hook_id(url: str) -> str:
    """A short stable name of a webhook endpoint (its URL may be long or sensitive)."""
    return _digest(url, 16)


def delivered(subscription: str, alert_id: str) -> str:
    return f"bm:wh:delivered:{subscription}:{alert_id}"


def job(subscription: str, alert_id: str) -> str:
    """Hash of one queued delivery: body, attempts, created (ms)."""
    return f"bm:wh:job:{subscription}:{alert_id}"

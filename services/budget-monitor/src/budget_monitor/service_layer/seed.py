"""The budgets file (or a book handed to `build_app`) seeds the database at start.

Its budgets are upserted (the file wins over API changes to the same id; budgets
made over the API are left alone). Its webhooks become subscriptions with a stable
id derived from the URL; one already stored with the same URL and secret is kept as
it is (a subscription that answered 410 stays disabled).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from budget_monitor.adapters import redis_keys
from budget_monitor.adapters.budget_file import load_seed
from budget_monitor.domain import Budget, BudgetBook, Subscription
from budget_monitor.domain.documents import document_of
from budget_monitor.service_layer.registry import Registry

log = logging.getLogger(__name__)


def _canonical(budget: Budget) -> dict[str, Any]:
    named = {
        "time_zone": budget.period.time_zone,
        "thresholds": budget.thresholds,
        "forecast_thresholds": budget.forecast_thresholds,
    }
    return document_of(budget, named)


def seed(registry: Registry, budgets_file: Path | None, given: BudgetBook | None) -> None:
    """Blocking (SQL): run it in a thread."""
    if given is not None:
        documents, book = [_canonical(b) for b in given], given
    elif budgets_file is not None:
        documents, book = load_seed(budgets_file, registry.time_zones)
    else:
        log.warning("BUDGET_MONITOR_BUDGETS_FILE is not set: budgets come from the API only")
        return
    if documents:
        registry.budgets.seed(documents)
    for hook in book.webhooks:
        sub_id = "file-" + redis_keys.hook_id(hook.url)
        known = registry.subscriptions.get(sub_id)
        if known and (known.subscription.url, known.subscription.secret) == (hook.url, hook.secret):
            continue
        sub = Subscription(sub_id, hook.url, hook.secret)
        registry.subscriptions.save(sub, description="from the budgets file", origin="file")
    log.info("seeded %d budgets and %d webhooks", len(documents), len(book.webhooks))

"""The demo budgets are sized to the demo's traffic: at `chargeback up`'s default rate
their thresholds are crossed one after another over the first minutes, not all at once
in the first seconds (the oracle rates twelve minutes of demo usage)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from budget_monitor.adapters.budget_file import load_budget_book
from chargeback.contracts import UsageEvent
from chargeback_cli.demo import DemoCatalog, demo_events
from chargeback_cli.stack import DEFAULT_BUDGETS, DEFAULT_PRICE_BOOK
from terms.adapters.files import load_catalog
from terms.domain import rate_events

RATE = 20  # events a second: `chargeback up`'s default --rate
MINUTES = 12


def crossing_minutes() -> dict[tuple[str, Decimal], float]:
    start = datetime.now(UTC).replace(day=2, hour=12, minute=0, second=0, microsecond=0)
    raws = itertools.islice(
        demo_events(DemoCatalog.from_price_book(DEFAULT_PRICE_BOOK), seed=7), RATE * 60 * MINUTES
    )
    events = [
        UsageEvent.model_validate(raw | {"time": (start + timedelta(seconds=i / RATE)).isoformat()})
        for i, raw in enumerate(raws)
    ]
    charges, _ = rate_events(events, load_catalog(DEFAULT_PRICE_BOOK))
    crossed: dict[tuple[str, Decimal], float] = {}
    spent: dict[str, Decimal] = {}
    budgets = load_budget_book(DEFAULT_BUDGETS).budgets
    for order, charge in enumerate(charges):
        for budget in budgets:
            if not budget.scope.covers(charge.customer, charge.service, charge.cost_center):
                continue
            spent[budget.id] = spent.get(budget.id, Decimal(0)) + charge.amount
            for threshold in budget.crossed(spent[budget.id]):
                crossed.setdefault((budget.id, threshold), order / RATE / 60)
    return crossed


def test_thresholds_are_crossed_one_after_another_over_the_first_minutes() -> None:
    crossed = crossing_minutes()
    budgets = load_budget_book(DEFAULT_BUDGETS).budgets
    every = {(b.id, t) for b in budgets for t in b.thresholds}
    assert set(crossed) == every, every - set(crossed)  # all of them, within twelve minutes
    assert min(crossed.values()) > 0.5  # none in the first half minute
    full = sorted(crossed[(b.id, Decimal(100))] for b in budgets)
    assert all(later - earlier > 0.5 for earlier, later in itertools.pairwise(full))
    by_minute = [sum(1 for m in crossed.values() if n <= m < n + 1) for n in range(MINUTES)]
    assert max(by_minute) <= 4 and sum(1 for c in by_minute if c) >= 8, by_minute

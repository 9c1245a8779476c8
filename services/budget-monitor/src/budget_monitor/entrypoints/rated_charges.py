"""Consumes `usage.rated`: each partition's batch evaluated, applied atomically, alerts raised.

One attempt per partition batch (the shared consumer's policy handles the rest): the
spend it starts from is read, the charges evaluated in order, and the new sub-totals,
counted event ids, crossed alerts and the next offset written in one Lua step behind
the fence, and only if no other partition changed a shared total meanwhile (a
conflict: the consumer fetches the batch again and it is evaluated anew at once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from decimal import Decimal

from aiokafka import TopicPartition

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.spend_store import Applied, RedisSpendStore
from budget_monitor.domain import BudgetBook, ForecastRule, evaluate, spend_keys
from budget_monitor.entrypoints.messages import alert_message, charge_facts
from budget_monitor.metrics import CHARGES_EVALUATED, EVALUATION_SECONDS
from chargeback.clock import Clock, utc_now
from chargeback.tracking import (
    APPLIED,
    Conflict,
    Failed,
    Fenced,
    Outcome,
    PartitionBatch,
    Poisoned,
    admits,
)

log = logging.getLogger(__name__)


class RatedChargeHandler:
    """The rated-charges consumer's state for the shared consumer: spend in Redis."""

    def __init__(
        self,
        book: Callable[[], BudgetBook],
        store: RedisSpendStore,
        outbox: AlertOutbox,
        *,
        forecast_min_elapsed_percent: Decimal,
        clock: Clock = utc_now,
    ) -> None:
        self.book = book  # the current budgets: they change while the consumer runs
        self.store = store
        self.outbox = outbox
        self.min_elapsed = forecast_min_elapsed_percent
        self.clock = clock

    async def positions(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, int]:
        return await self.store.positions(partitions)

    async def apply(self, batches: Sequence[PartitionBatch]) -> dict[TopicPartition, Outcome]:
        """Each partition on its own: one that fails does not hold the others back."""
        outcomes: dict[TopicPartition, Outcome] = {}
        for batch in batches:
            try:
                with EVALUATION_SECONDS.time():
                    outcome, alert_ids = await self.apply_one(batch)
            except Poisoned:
                raise
            except Exception as error:
                outcomes[batch.tp] = Failed(error)
                continue
            outcomes[batch.tp] = outcome
            if alert_ids:
                try:
                    await self.outbox.flush(alert_ids)
                except Exception:  # they stay pending; the periodic flush retries them
                    log.exception("alerts not raised yet")
        return outcomes

    async def apply_one(self, batch: PartitionBatch) -> tuple[Outcome, list[str]]:
        """Apply one partition's batch once: its outcome, and the alerts it crossed."""
        charges = charge_facts(batch)
        book = self.book()
        partition = batch.tp.partition
        state = await self.store.read(
            partition, spend_keys((c for _, c in charges), book), [c.event_key for _, c in charges]
        )
        if not admits(state.next_offset, batch.first):
            return Fenced(state.next_offset or 0), []
        now = self.clock()
        rule = ForecastRule(now, self.min_elapsed)
        evaluation = evaluate([c for _, c in charges], book, state.opening, state.seen, rule)
        alerts: dict[str, str] = {}
        for triggered in evaluation.crossings:  # the first charge to cross names the alert
            alerts.setdefault(triggered.crossing.alert_id, alert_message(triggered, book, now))
        applied, stored = await self.store.apply(
            partition,
            first_offset=batch.first,
            next_offset=batch.next,
            state=state,
            evaluation=evaluation,
            alerts=list(alerts.items()),
        )
        if applied is Applied.FENCED:
            return Fenced(stored or 0), []
        if applied is Applied.SPEND_CHANGED:
            return Conflict("another partition changed a shared total"), []
        for outcome, count in evaluation.outcomes.items():
            CHARGES_EVALUATED.labels(outcome).inc(count)
        return APPLIED, list(alerts)

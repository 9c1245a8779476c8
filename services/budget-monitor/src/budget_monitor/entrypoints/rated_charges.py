"""Consumes `usage.rated`: each partition's batch evaluated, applied atomically, alerts raised."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from decimal import Decimal

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.spend_store import Applied, RedisSpendStore
from budget_monitor.domain import BudgetBook, ForecastRule, evaluate, spend_keys
from budget_monitor.entrypoints.messages import alert_message, charge_facts
from budget_monitor.metrics import APPLY_RETRIES, CHARGES_EVALUATED, EVALUATION_SECONDS
from chargeback.clock import Clock, utc_now

log = logging.getLogger(__name__)
MAX_TRIES = 50  # refusals only repeat while other workers keep writing the same totals


class RatedChargeHandler:
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

    async def __call__(
        self, batch: dict[TopicPartition, list[ConsumerRecord]]
    ) -> dict[TopicPartition, int]:
        unfinished: dict[TopicPartition, int] = {}
        for tp, records in batch.items():
            try:
                with EVALUATION_SECONDS.time():
                    alert_ids = await self.apply(tp.partition, records)
            except Exception:
                log.exception(
                    "batch not applied; fetching it again",
                    extra={"topic": tp.topic, "partition": tp.partition},
                )
                unfinished[tp] = records[0].offset
                continue
            if alert_ids:
                try:
                    await self.outbox.flush(alert_ids)
                except Exception:  # they stay pending; the periodic flush retries them
                    log.exception("alerts not raised yet")
        return unfinished

    async def apply(self, partition: int, records: Sequence[ConsumerRecord]) -> list[str]:
        """Apply records (in offset order) once; the ids of the alerts they crossed."""
        charges = charge_facts(records)
        book = self.book()
        for _ in range(MAX_TRIES):
            state = await self.store.read(
                partition,
                spend_keys((c for _, c in charges), book),
                [c.event_key for _, c in charges],
            )
            if state.next_offset is not None and state.next_offset > records[0].offset:
                records = [r for r in records if r.offset >= state.next_offset]
                if not records:
                    return []  # all applied already (a replay)
                charges = [(o, c) for o, c in charges if o >= state.next_offset]
                APPLY_RETRIES.labels("offset_moved").inc()
                continue
            now = self.clock()
            rule = ForecastRule(now, self.min_elapsed)
            evaluation = evaluate([c for _, c in charges], book, state.opening, state.seen, rule)
            alerts: dict[str, str] = {}
            for triggered in evaluation.crossings:  # the first charge to cross names the alert
                alerts.setdefault(triggered.crossing.alert_id, alert_message(triggered, book, now))
            answer = await self.store.apply(
                partition,
                first_offset=records[0].offset,
                next_offset=records[-1].offset + 1,
                state=state,
                evaluation=evaluation,
                alerts=list(alerts.items()),
            )
            if answer is Applied.OK:
                for outcome, count in evaluation.outcomes.items():
                    CHARGES_EVALUATED.labels(outcome).inc(count)
                return list(alerts)
            APPLY_RETRIES.labels(answer.name.lower()).inc()
        raise RuntimeError(f"partition {partition}: spend kept changing under {MAX_TRIES} tries")

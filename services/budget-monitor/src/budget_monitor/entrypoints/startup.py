"""Starts the budget monitor's background work, wired to its parts."""

from __future__ import annotations

import httpx

from budget_monitor.adapters.alert_outbox import AlertOutbox
from budget_monitor.adapters.alert_publisher import KafkaAlertPublisher
from budget_monitor.adapters.webhook_sender import RetryPolicy, WebhookSender
from budget_monitor.entrypoints.alert_deliveries import AlertDeliveryHandler
from budget_monitor.entrypoints.deps import Parts
from budget_monitor.entrypoints.rated_charges import RatedChargeHandler
from budget_monitor.entrypoints.workers import GROUP, WEBHOOK_GROUP, Workers
from budget_monitor.metrics import CONSUMER
from budget_monitor.service_layer.dispatcher import Dispatcher
from chargeback.contracts import Topics
from chargeback.kafka import make_producer
from chargeback.tracking import ConsumerConfig, Tracked, TrackingConsumer


async def start_workers(parts: Parts, bootstrap: str) -> Workers:
    """The consumers, the dispatcher, the outbox retry and the sweep, on `parts`."""
    settings, registry, queue = parts.settings, parts.registry, parts.queue
    producer = make_producer(bootstrap)
    await producer.start()
    http = httpx.AsyncClient(timeout=settings.webhook_timeout_s, follow_redirects=False)
    dispatcher = Dispatcher(
        queue,
        WebhookSender(http, parts.guard, timeout_s=settings.webhook_timeout_s),
        registry,
        parts.subscriptions,
        RetryPolicy(settings.webhook_backoff_s, settings.webhook_backoff_max_s),
        lease_s=settings.webhook_lease_s,
        max_age_s=settings.webhook_max_age_s,
        on_change=parts.announce,
        per_subscription=settings.webhook_per_subscription,
    )
    delivery = AlertDeliveryHandler(registry, queue, dispatcher.wake)
    outbox = AlertOutbox(parts.alerts, KafkaAlertPublisher(producer), on_raised=delivery.queue_now)
    workers = Workers(
        settings,
        registry,
        parts.spend,
        parts.alerts,
        producer,
        http,
        outbox,
        dispatcher,
        parts.clock,
    )

    def consumer(topic: str, group: str, tracked: Tracked) -> TrackingConsumer:
        config = ConsumerConfig(
            bootstrap,
            topic,
            group,
            stage="budget-monitor",
            max_records=settings.max_records,
            session_timeout_ms=settings.consumer_session_timeout_ms,
        )
        return TrackingConsumer(config, tracked, metrics=CONSUMER, clock=parts.clock)

    charges = RatedChargeHandler(
        lambda: registry.book,
        parts.spend,
        outbox,
        forecast_min_elapsed_percent=settings.forecast_min_elapsed_percent,
        clock=parts.clock,
    )
    rated = consumer(Topics.RATED, GROUP, charges)
    deliveries = consumer(Topics.ALERTS, WEBHOOK_GROUP, delivery)
    workers.consumers = (rated, deliveries)
    try:
        await outbox.flush()  # whatever a previous process left pending
        for consumer in workers.consumers:
            await consumer.start()
    except BaseException:
        await workers.stop()
        raise
    workers.spawn(workers.retry_outbox(), "alert-outbox")
    workers.spawn(workers.sweep_now_and_then(), "budget-sweep")
    workers.spawn(dispatcher.run(), "webhook-dispatcher")
    return workers

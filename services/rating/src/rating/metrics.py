"""Every Prometheus metric of the rating service, named once."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from chargeback.contracts import Topics
from chargeback.metrics import ConsumerMetrics, preset

# Why an event went to usage.rejected (RejectedEvent.reason at the rating stage).
REJECTION_REASONS = (
    "duplicate",
    "undecodable",
    "unknown_service",
    "unknown_meter",
    "no_price_book_in_force",
    "amount_out_of_range",
    "time_out_of_range",
    "rating_failed",
    "internal_error",
)

EVENTS_CONSUMED = Counter(
    "rating_events_consumed_total",
    "Records of usage.events applied (rated + rejected; a batch redone counts once)",
)
EVENTS_RATED = Counter("rating_events_rated_total", "Usage events priced into usage.rated")
EVENTS_REJECTED = Counter(
    "rating_events_rejected_total",
    "Usage events sent to usage.rejected, by reason (duplicate: already charged)",
    ["reason"],
)
CONSUMER = ConsumerMetrics("rating", [Topics.EVENTS])
PRICE_BOOK_GENERATION = Gauge(
    "rating_price_book_generation", "Publications of price-book versions this worker has loaded"
)
PRICE_BOOKS_PUBLISHED = Counter(
    "rating_price_books_published_total", "Price-book versions published through this worker"
)
BATCH_SIZE = Histogram(
    "rating_batch_size",
    "Records rated per batch",
    buckets=(1, 10, 50, 100, 250, 500, 1000, 2000, 5000),
)
BATCH_SECONDS = Histogram(
    "rating_batch_seconds",
    "Seconds to load state, rate a batch, have it acknowledged by the broker and commit it",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
RATING_LATENCY = Histogram(
    "rating_latency_seconds",
    "Seconds from an event's acceptance by metering (ingesttime) to its charge being published",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)

preset(EVENTS_REJECTED, REJECTION_REASONS)

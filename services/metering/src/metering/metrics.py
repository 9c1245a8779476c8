"""Every Prometheus metric of the metering service, named once."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from chargeback.contracts import Topics
from chargeback.metrics import ConsumerMetrics, preset

PATHS = ("http", "kafka")
REFUSAL_REASONS = (
    "missing_field",
    "unknown_field",
    "wrong_type",
    "invalid_value",
    "not_an_object",
    "malformed_json",
    "forbidden_source",
    "time_out_of_range",
)
REQUEST_OUTCOMES = (
    "accepted",
    "invalid_event",
    "malformed_json",
    "body_too_large",
    "batch_too_large",
    "unsupported_media_type",
    "forbidden",
    "unavailable",
)

# `path` is how the events came: "http" (the API) or "kafka" (the usage.ingest validator).
ACCEPTED = Counter(
    "metering_events_accepted_total",
    "Usage events accepted and produced to usage.events",
    ["path"],
)
DUPLICATES = Counter(
    "metering_events_duplicate_total",
    "Usage events dropped as duplicates (same source + id)",
    ["path"],
)
REFUSED = Counter(
    "metering_events_refused_total",
    "Usage events refused, by reason (missing_field, unknown_field, wrong_type, "
    "invalid_value, not_an_object, malformed_json, forbidden_source, time_out_of_range)",
    ["path", "reason"],
)
REQUESTS = Counter(
    "metering_requests_total",
    "POST /v1/events requests by outcome (accepted, invalid_event, malformed_json, "
    "body_too_large, batch_too_large, unsupported_media_type, forbidden, unavailable)",
    ["outcome"],
)
INGEST_SECONDS = Histogram(
    "metering_ingest_seconds",
    "Time to handle POST /v1/events, from the body read to the answer",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
BATCH_EVENTS = Histogram(
    "metering_request_events",
    "Events per POST /v1/events request",
    buckets=(1, 10, 100, 500, 1000, 2500, 5000, 10000),
)
PRODUCED = Counter(
    "metering_produced_total",
    "Records acknowledged by the broker, by topic",
    ["topic"],
)
CONSUMER = ConsumerMetrics("metering", [Topics.INGEST])  # the usage.ingest validator

preset(ACCEPTED, PATHS)
preset(DUPLICATES, PATHS)
preset(REFUSED, PATHS, REFUSAL_REASONS)
preset(REQUESTS, REQUEST_OUTCOMES)

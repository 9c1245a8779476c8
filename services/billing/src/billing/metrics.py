"""Every Prometheus metric billing exposes, named once."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from chargeback.contracts import Topics
from chargeback.metrics import ConsumerMetrics

CHARGES_WRITTEN = Counter(
    "billing_ledger_charges_written_total", "Rated charges newly stored in the ledger"
)
DUPLICATES_SKIPPED = Counter(
    "billing_ledger_duplicates_skipped_total",
    "Rated charges not stored because their event (source + id) already was",
)
BATCH_SIZE = Histogram(
    "billing_ledger_batch_records",
    "Records per consumed batch",
    buckets=(1, 10, 50, 100, 500, 1000, 2000, 5000, 10000),
)
WRITE_SECONDS = Histogram(
    "billing_ledger_write_seconds",
    "Time to write one batch to the ledger (one transaction)",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RATED_TO_RECORDED_SECONDS = Histogram(
    "billing_rated_to_recorded_seconds",
    "Delay from a charge being rated to it being in the ledger",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
CONSUMER = ConsumerMetrics("billing", [Topics.RATED])
LATE_CHARGES = Counter(
    "billing_late_charges_total",
    "Charges whose usage period was already finalized, billed as adjustments on a later one",
)
DOCUMENTS_FINALIZED = Counter(
    "billing_documents_finalized_total", "Invoices and statements finalized by the scheduler"
)
FINALIZATION_FAILURES = Counter(
    "billing_finalization_failures_total", "Scheduled finalization rounds that failed"
)

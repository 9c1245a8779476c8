"""The one exactly-once consumer every stage uses: see `consumer` (the loop), `batches`
(what a stage applies, and the fence), `policy` (failures) and `quarantine` (dead letters)."""

from chargeback.tracking.batches import (
    APPLIED,
    FENCE_LUA,
    Applied,
    Conflict,
    Failed,
    Fenced,
    Outcome,
    PartitionBatch,
    Poisoned,
    Tracked,
    admits,
)
from chargeback.tracking.consumer import ConsumerConfig, TrackingConsumer
from chargeback.tracking.policy import FailurePolicy, Unavailable

__all__ = [
    "APPLIED",
    "FENCE_LUA",
    "Applied",
    "Conflict",
    "ConsumerConfig",
    "Failed",
    "FailurePolicy",
    "Fenced",
    "Outcome",
    "PartitionBatch",
    "Poisoned",
    "Tracked",
    "TrackingConsumer",
    "Unavailable",
    "admits",
]

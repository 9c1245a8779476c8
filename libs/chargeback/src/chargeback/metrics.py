"""What every service's metrics module shares: preset label sets and the consumers' metrics.

Metric names are listed once per service (`<service>/metrics.py`) and documented in
`contracts/metrics.yaml`; a contract test keeps the two the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from aiokafka import TopicPartition
from prometheus_client import REGISTRY, Counter, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.registry import Collector

# No `<counter>_created` series: they double the series count and Prometheus' text parser
# reads them as families of their own.
disable_created_metrics()


def preset(metric: MetricWrapperBase, *values: Sequence[str]) -> None:
    """Create every combination of these values (one list per label) at zero, so a scrape
    shows them before the first increment (a rate over a series that appears mid-way
    misses its first step)."""
    for labels in itertools.product(*values):
        metric.labels(*labels)


class LaggingConsumer(Protocol):
    def lag(self) -> Mapping[TopicPartition, int]:
        """Records behind the high watermark, per assigned partition."""


class ConsumerLag(Collector):
    """`<service>_consumer_lag_records{topic, partition}`, read from the live consumers at
    scrape time: never stale, and a partition that moved to another worker disappears."""

    def __init__(self, service: str) -> None:
        self.name = f"{service}_consumer_lag_records"
        self._consumers: list[LaggingConsumer] = []
        REGISTRY.register(self)

    def watch(self, consumer: LaggingConsumer) -> None:
        self._consumers.append(consumer)

    def forget(self, consumer: LaggingConsumer) -> None:
        if consumer in self._consumers:
            self._consumers.remove(consumer)

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(
            self.name,
            "Records behind the high watermark, per consumed topic and assigned partition",
            labels=["topic", "partition"],
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield self._family()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = self._family()
        for consumer in self._consumers:
            for tp, behind in consumer.lag().items():
                family.add_metric([tp.topic, str(tp.partition)], behind)
        yield family


# Why the tracking consumer did not simply move on (see chargeback.tracking.policy).
RETRY_CAUSES = ("unavailable", "failed", "fenced", "conflict")


class ConsumerMetrics:
    """A service's tracking consumers: lag, retries by cause, records quarantined."""

    def __init__(self, service: str, topics: Sequence[str]) -> None:
        self.lag = ConsumerLag(service)
        self.retries = Counter(
            f"{service}_consumer_retries_total",
            "Batches not applied as fetched, by topic and cause (unavailable: a part did not "
            "answer; failed: the batch raised; fenced: the store had moved on; conflict: "
            "state changed meanwhile, redone at once)",
            ["topic", "cause"],
        )
        self.quarantined = Counter(
            f"{service}_consumer_quarantined_total",
            "Records that failed alone after bounded tries, sent to usage.rejected and passed",
            ["topic"],
        )
        preset(self.retries, topics, RETRY_CAUSES)
        preset(self.quarantined, topics)

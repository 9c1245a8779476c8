"""Consumer lag read at scrape time, and label sets preset at zero."""

from __future__ import annotations

from aiokafka import TopicPartition
from prometheus_client import REGISTRY, Counter, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from chargeback.metrics import ConsumerLag, preset


class FakeConsumer:
    def __init__(self, lag: dict[TopicPartition, int]) -> None:
        self.current = lag

    def lag(self) -> dict[TopicPartition, int]:
        return self.current


def scraped(name: str) -> dict[tuple[str, str], float]:
    text = generate_latest(REGISTRY).decode()
    (family,) = [f for f in text_string_to_metric_families(text) if f.name == name]
    return {(s.labels["topic"], s.labels["partition"]): s.value for s in family.samples}


def test_lag_is_read_from_every_watched_consumer_at_scrape_time():
    lag = ConsumerLag("unit_lag_a")
    first = FakeConsumer({TopicPartition("usage.rated", 0): 5})
    second = FakeConsumer({TopicPartition("budget.alerts", 3): 2})
    lag.watch(first)
    lag.watch(second)
    assert scraped("unit_lag_a_consumer_lag_records") == {
        ("usage.rated", "0"): 5,
        ("budget.alerts", "3"): 2,
    }
    first.current = {TopicPartition("usage.rated", 1): 0}  # partition 0 moved to another worker
    lag.forget(second)
    assert scraped("unit_lag_a_consumer_lag_records") == {("usage.rated", "1"): 0}


def test_an_idle_lag_metric_is_still_exposed_without_samples():
    ConsumerLag("unit_lag_b")
    assert scraped("unit_lag_b_consumer_lag_records") == {}


def test_preset_label_sets_are_scraped_at_zero():
    counter = Counter("unit_preset_things_total", "things", ["kind", "path"])
    preset(counter, ("a", "b"), ("http",))
    text = generate_latest(REGISTRY).decode()
    assert 'unit_preset_things_total{kind="a",path="http"} 0.0' in text
    assert 'unit_preset_things_total{kind="b",path="http"} 0.0' in text
    assert "unit_preset_things_created" not in text  # created series are off

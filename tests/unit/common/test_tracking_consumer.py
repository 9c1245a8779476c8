"""The one tracking consumer, driven batch by batch: fence, outage policy, poison records.

The consumer is not started (no broker): `_process` is what its loop calls for every
fetched batch, and `position` is where it would fetch next. The store is an in-memory
`Tracked` with the platform's fence; a record whose value is b"boom" fails, as a bug
triggered by one event would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from chargeback.contracts import RejectedEvent
from chargeback.tracking import (
    APPLIED,
    Conflict,
    ConsumerConfig,
    FailurePolicy,
    Fenced,
    Outcome,
    PartitionBatch,
    Poisoned,
    TrackingConsumer,
    Unavailable,
    admits,
)

TP = TopicPartition("usage.rated", 0)
OTHER = TopicPartition("usage.rated", 1)
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def record(offset: int, value: bytes = b"{}", tp: TopicPartition = TP) -> ConsumerRecord:
    return ConsumerRecord(tp.topic, tp.partition, offset, 0, 0, b"k", value, None, 0, 0, ())


def batch(first: int, *values: bytes, tp: TopicPartition = TP) -> PartitionBatch:
    records = [record(first + i, v, tp) for i, v in enumerate(values)]
    return PartitionBatch(tp, first, first + len(values), records)


@dataclass
class Store:
    """Applied offsets per partition, behind the fence; fails on poison or when down."""

    positions_: dict[TopicPartition, int] = field(default_factory=dict)
    applied: list[tuple[TopicPartition, int]] = field(default_factory=list)
    down: bool = False
    conflicts: int = 0
    calls: int = 0

    async def positions(self, tps: Sequence[TopicPartition]) -> Mapping[TopicPartition, int]:
        if self.down:
            raise ConnectionError("store away")
        return {tp: self.positions_[tp] for tp in tps if tp in self.positions_}

    async def apply(self, batches: Sequence[PartitionBatch]) -> Mapping[TopicPartition, Outcome]:
        self.calls += 1
        if self.down:
            raise Unavailable("store away")
        if any(r.value == b"boom" for b in batches for r in b.records):
            raise ArithmeticError("a bug this record triggers")
        for b in batches:
            for r in b.records:
                if r.value == b"unreadable":
                    raise Poisoned(b.tp, r.offset, ValueError("not JSON"))
        outcomes: dict[TopicPartition, Outcome] = {}
        for b in batches:
            stored = self.positions_.get(b.tp)
            if not admits(stored, b.first):
                outcomes[b.tp] = Fenced(stored or 0)
            elif self.conflicts:
                self.conflicts -= 1
                outcomes[b.tp] = Conflict("a shared total moved")
            else:
                self.applied += [(b.tp, r.offset) for r in b.records]
                self.positions_[b.tp] = b.next
                outcomes[b.tp] = APPLIED
        return outcomes


@dataclass
class Letters:
    sent: list[RejectedEvent] = field(default_factory=list)

    async def publish(self, letter: RejectedEvent, key: bytes | None) -> None:
        self.sent.append(letter)


def consumer(store: Store) -> TrackingConsumer:
    policy = FailurePolicy(max_tries=3, first_pause_s=0.001, max_pause_s=0.002)
    config = ConsumerConfig("unused:9092", "usage.rated", "g", stage="billing", policy=policy)
    made = TrackingConsumer(config, store, clock=lambda: NOW)
    made.dead_letters = Letters()
    return made


def test_the_fence_admits_only_the_stored_position_or_none() -> None:
    assert admits(None, 0) and admits(None, 17) and admits(5, 5)
    assert not admits(6, 5)  # a replay or a zombie: the store has moved on
    assert not admits(4, 5)  # a gap: records 4 and on are not applied yet


async def test_a_stale_batch_is_fenced_and_the_consumer_resumes_at_the_stored_position() -> None:
    store = Store(positions_={TP: 7})
    tracking = consumer(store)
    await tracking._process([batch(3, b"{}", b"{}")])  # a zombie's or a replay's batch
    assert store.applied == [] and tracking.position[TP] == 7


async def test_a_replay_of_an_applied_batch_applies_nothing() -> None:
    store = Store()
    tracking = consumer(store)
    await tracking._process([batch(0, b"a", b"b", b"c")])
    await tracking._process([batch(0, b"a", b"b", b"c")])  # delivered again (at least once)
    assert store.applied == [(TP, 0), (TP, 1), (TP, 2)]
    assert store.positions_ == {TP: 3} and tracking.position[TP] == 3


async def test_an_outage_is_waited_out_never_counted_against_the_data() -> None:
    store = Store(down=True)
    tracking = consumer(store)
    for _ in range(10):  # far more than max_tries: an outage never quarantines
        await tracking._process([batch(0, b"a", b"b")])
    assert tracking.dead_letters.sent == [] and store.applied == []  # type: ignore[union-attr]
    assert tracking.position[TP] == 0  # back where the store is
    store.down = False
    await tracking._process([batch(0, b"a", b"b")])
    assert store.applied == [(TP, 0), (TP, 1)]


async def test_a_poison_record_is_quarantined_and_everything_around_it_applied() -> None:
    store = Store()
    tracking = consumer(store)
    values = [b"a", b"b", b"c", b"boom", b"d", b"e", b"f"]
    for _ in range(3):  # max_tries: retried as a whole twice, then isolated
        await tracking._process([batch(0, *values)])
    assert [offset for _, offset in store.applied] == [0, 1, 2, 4, 5, 6]
    assert store.positions_[TP] == 7 and tracking.position[TP] == 7
    (letter,) = tracking.dead_letters.sent  # type: ignore[union-attr]
    assert (letter.stage, letter.reason, letter.exception) == (
        "billing",
        "unprocessable",
        "ArithmeticError",
    )
    assert letter.origin is not None and (letter.origin.partition, letter.origin.offset) == (0, 3)
    assert "a bug this record triggers" in letter.errors[0].reason


async def test_a_record_the_stage_calls_poison_is_quarantined_at_once() -> None:
    store = Store()
    tracking = consumer(store)
    await tracking._process([batch(10, b"a", b"unreadable", b"b")])
    assert [offset for _, offset in store.applied] == [10]  # what came before it
    assert tracking.position[TP] == 12  # past it: the rest is fetched again
    await tracking._process([batch(12, b"b")])
    assert [offset for _, offset in store.applied] == [10, 12]
    assert [letter.origin.offset for letter in tracking.dead_letters.sent] == [11]  # type: ignore[union-attr]


async def test_with_several_partitions_only_the_poisoned_one_quarantines() -> None:
    store = Store()
    tracking = consumer(store)
    fetched = [batch(0, b"a", b"boom"), batch(0, b"x", b"y", tp=OTHER)]
    for _ in range(3):
        await tracking._process(fetched)
    assert sorted(store.applied) == [(TP, 0), (OTHER, 0), (OTHER, 1)]
    assert [letter.origin.offset for letter in tracking.dead_letters.sent] == [1]  # type: ignore[union-attr]
    assert tracking.position == {TP: 2, OTHER: 2}


async def test_a_conflict_is_redone_from_the_batch_start() -> None:
    store = Store(conflicts=1)
    tracking = consumer(store)
    await tracking._process([batch(0, b"a")])
    assert store.applied == [] and tracking.position[TP] == 0
    await tracking._process([batch(0, b"a")])
    assert store.applied == [(TP, 0)]


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (ConnectionResetError(), True),
        (TimeoutError(), True),
        (Unavailable("redis"), True),
        (ValueError("bad data"), False),
        (OverflowError("date value out of range"), False),
    ],
)
def test_what_counts_as_a_part_being_away(error: Exception, transient: bool) -> None:
    assert FailurePolicy().is_transient(error) is transient
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = error
    assert FailurePolicy().is_transient(wrapped) is transient


def test_pauses_double_up_to_a_bound() -> None:
    policy = FailurePolicy(first_pause_s=1, max_pause_s=4)
    pauses = [policy.next_pause() for _ in range(5)]
    assert 0.8 <= pauses[0] <= 1.2 and 1.6 <= pauses[1] <= 2.4
    assert all(3.2 <= p <= 4.8 for p in pauses[2:])
    policy.recovered()
    assert policy.next_pause() <= 1.2


async def test_when_every_record_fails_the_stage_is_failing_and_nothing_more_is_set_aside() -> None:
    """A bug or a bad configuration fails every record: after a few quarantined in a row
    the failures are waited out like an outage, not used to empty the partition."""
    store = Store()
    tracking = consumer(store)
    poison = [b"boom"] * 20
    for _ in range(10):
        await tracking._process(
            [batch(tracking.position.get(TP, 0), *poison[: 20 - tracking.position.get(TP, 0)])]
        )
    assert len(tracking.dead_letters.sent) == 5  # type: ignore[union-attr]  # then it stopped
    assert tracking.failing and tracking.position[TP] == 5
    await tracking._process([batch(5, b"fine")])  # the stage works again: back to normal
    assert not tracking.failing and store.applied == [(TP, 5)]

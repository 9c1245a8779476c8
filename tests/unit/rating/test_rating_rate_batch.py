"""One batch rated exactly once: load, rate, publish, then commit behind the offset fence."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest
from aiokafka import TopicPartition
from rating_fakes import FixedCatalogs, InMemoryRatingStore, Record, RecordingPublisher
from rating_helpers import QUIET, RATED_AT, EventFactory, rules_book

from chargeback import codec
from chargeback.contracts import RatedCharge, RejectedEvent, Topics, UsageEvent
from chargeback.tracking import APPLIED, Conflict, Fenced, PartitionBatch
from rating.service_layer.ports import PartitionCommit, Snapshot
from rating.service_layer.rate_batch import BatchReport, rate_batch
from terms.domain import PriceBookCatalog, rate_events, totals


@pytest.fixture
def catalogs() -> FixedCatalogs:
    return FixedCatalogs(PriceBookCatalog([rules_book()]))


def records(events: Sequence[UsageEvent], first: int = 0) -> list[Record]:
    return [Record(first + i, codec.encode(event)) for i, event in enumerate(events)]


async def run(
    batch: dict[int, list[Record]],
    store: InMemoryRatingStore,
    publisher: RecordingPublisher,
    catalogs: FixedCatalogs,
) -> BatchReport:
    batches = [
        PartitionBatch(TopicPartition(Topics.EVENTS, p), rs[0].offset, rs[-1].offset + 1, rs)
        for p, rs in batch.items()
    ]
    return await rate_batch(
        batches, store=store, publisher=publisher, catalogs=catalogs, rated_at=RATED_AT
    )


def charges(publisher: RecordingPublisher) -> list[RatedCharge]:
    return [codec.decode(RatedCharge, m.value) for m in publisher.sent if m.topic == Topics.RATED]


def tiered(make_event: EventFactory, count: int, prefix: str = "e") -> list[UsageEvent]:
    """vCPU-hours crossing the graduated tiers (100, 200) of the rules book."""
    return [
        make_event(id=f"{prefix}{i}", customer="initech", quantity="45", time=QUIET)
        for i in range(count)
    ]


async def test_tiers_continue_from_the_stored_totals_batch_after_batch(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    events = tiered(make_event, 6)
    store, publisher = InMemoryRatingStore(), RecordingPublisher()
    await run({2: records(events[:3])}, store, publisher, catalogs)
    report = await run({2: records(events[3:], first=3)}, store, publisher, catalogs)
    assert report.outcomes == {2: APPLIED} and list(report.applied) == [2]
    oracle, _ = rate_events(events, catalogs.catalog)
    assert [c.amount for c in charges(publisher)] == [c.amount for c in oracle]
    assert [c.amount for c in oracle] == [
        Decimal(x) for x in ("45", "45", "27.5", "22.5", "16.25", "11.25")
    ]
    assert store.offsets == {2: 6}
    assert list(store.usage.values()) == [Decimal(270)]


async def test_a_crash_between_publish_and_commit_republishes_the_same_charges(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    events = tiered(make_event, 5)
    store, publisher = InMemoryRatingStore(), RecordingPublisher()

    class CrashingStore(InMemoryRatingStore):
        async def commit(self, commits: Sequence[PartitionCommit]) -> dict:  # type: ignore[type-arg]
            raise ConnectionError("killed before the commit")

    crashing = CrashingStore()
    with pytest.raises(ConnectionError):
        await run({0: records(events)}, crashing, publisher, catalogs)
    first_run = charges(publisher)
    assert crashing.offsets == {} and crashing.usage == {}  # nothing applied
    await run({0: records(events)}, store, publisher, catalogs)  # the restart replays
    copies = charges(publisher)
    assert len(copies) == 10
    key = [(c.event_id, c.amount) for c in first_run]
    assert key == [(c.event_id, c.amount) for c in copies[5:]]  # identical: billing keeps one
    assert len(store.commits) == 1


async def test_a_replayed_batch_is_fenced_and_skipped_without_publishing(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    store, publisher = InMemoryRatingStore(), RecordingPublisher()
    batch = {1: records(tiered(make_event, 4))}
    await run(batch, store, publisher, catalogs)
    published = len(publisher.sent)
    report = await run(batch, store, publisher, catalogs)
    assert report.outcomes == {1: Fenced(4)} and not report.applied
    assert len(publisher.sent) == published


async def test_a_zombie_that_read_state_before_the_new_owner_committed_is_fenced(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    events = tiered(make_event, 4)
    store, owner, zombie = InMemoryRatingStore(), RecordingPublisher(), RecordingPublisher()
    stale = await store.snapshot([3], set(), set())

    class StaleReads(InMemoryRatingStore):
        async def snapshot(self, *args: object) -> Snapshot:
            return stale

    await run({3: records(events)}, store, owner, catalogs)  # the new owner applies it
    zombie_store = StaleReads(offsets=store.offsets, usage=store.usage, seen=store.seen)
    report = await run({3: records(events)}, zombie_store, zombie, catalogs)
    assert report.outcomes == {3: Fenced(4)} and not report.applied
    # What the zombie published before it was refused is what the owner published.
    assert [(c.event_id, c.amount) for c in charges(zombie)] == [
        (c.event_id, c.amount) for c in charges(owner)
    ]
    assert store.usage == {("initech", "compute", "cpu_hours", "2024-06"): Decimal(180)}


async def test_a_partition_behind_or_ahead_of_the_store_resumes_where_the_store_is(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    store, publisher = InMemoryRatingStore(offsets={0: 10}), RecordingPublisher()
    report = await run({0: records(tiered(make_event, 3), first=4)}, store, publisher, catalogs)
    assert report.outcomes == {0: Fenced(10)} and publisher.sent == []


async def test_duplicates_are_charged_once_and_the_copies_rejected(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    first, second = tiered(make_event, 2)
    store, publisher = InMemoryRatingStore(), RecordingPublisher()
    await run({0: records([first, second, first])}, store, publisher, catalogs)
    report = await run({0: records([second], first=3)}, store, publisher, catalogs)
    assert [c.event_id for c in charges(publisher)] == ["e0", "e1"]
    rejected = [codec.decode(RejectedEvent, m.value) for m in publisher.sent[2:]]
    assert [(r.event_id, r.reason) for r in rejected] == [("e0", "duplicate"), ("e1", "duplicate")]
    assert report.applied[0].rejected == {"duplicate": 1}
    assert rejected[0].errors[0].field == "id"


async def test_an_event_charged_meanwhile_through_another_partition_makes_the_batch_redo(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    event = tiered(make_event, 1)[0]
    publisher = RecordingPublisher()

    class RacedStore(InMemoryRatingStore):
        async def snapshot(self, *args: object) -> Snapshot:
            found = await super().snapshot(*args)  # type: ignore[arg-type]
            self.seen.add(event.key)  # another worker commits it right after our read
            return found

    raced = RacedStore()
    report = await run({0: records([event])}, raced, publisher, catalogs)
    assert isinstance(report.outcomes[0], Conflict) and raced.offsets == {}


async def test_nothing_is_committed_when_the_broker_does_not_take_the_charges(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    store = InMemoryRatingStore()
    with pytest.raises(ConnectionError):
        await run(
            {0: records(tiered(make_event, 2))}, store, RecordingPublisher(failing=True), catalogs
        )
    assert store.offsets == {} and store.commits == []


async def test_a_new_price_book_generation_is_loaded_before_rating(
    make_event: EventFactory,
) -> None:
    store = InMemoryRatingStore(generation=3)
    catalogs = FixedCatalogs(PriceBookCatalog([rules_book()]), store=store)
    await run({0: records(tiered(make_event, 1))}, store, RecordingPublisher(), catalogs)
    assert (catalogs.reloads, catalogs.generation) == (1, 3)


async def test_a_large_batch_equals_the_oracle_across_partitions(
    catalogs: FixedCatalogs, make_event: EventFactory
) -> None:
    customers = ["acme", "globex", "initech"]
    events = [
        make_event(id=f"x{i}", customer=customers[i % 3], quantity=str(i % 17), time=QUIET)
        for i in range(1300)
    ]
    by_partition = {p: [e for e in events if e.customer == c] for p, c in enumerate(customers)}
    store, publisher = InMemoryRatingStore(), RecordingPublisher()
    await run({p: records(evs) for p, evs in by_partition.items()}, store, publisher, catalogs)
    oracle, _ = rate_events(events, catalogs.catalog)
    assert totals(charges(publisher)) == totals(oracle)


async def test_an_empty_batch_moves_the_position_past_a_quarantined_record(
    catalogs: FixedCatalogs,
) -> None:
    """How the tracking consumer passes a quarantined record: bounds and no records."""
    store, publisher = InMemoryRatingStore(offsets={2: 3}), RecordingPublisher()
    passing = [PartitionBatch(TopicPartition(Topics.EVENTS, 2), 3, 4, [])]
    rate = {"store": store, "publisher": publisher, "catalogs": catalogs, "rated_at": RATED_AT}
    report = await rate_batch(passing, **rate)  # type: ignore[arg-type]
    assert report.outcomes == {2: APPLIED} and store.offsets == {2: 4} and publisher.sent == []
    replayed = await rate_batch(passing, **rate)  # type: ignore[arg-type]
    assert replayed.outcomes == {2: Fenced(4)}  # already passed: the fence says where

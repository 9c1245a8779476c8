"""Which events are new, and the claim / produce / confirm-or-release protocol."""

from __future__ import annotations

import pytest
from metering_fakes import FakeDedupStore, FakePublisher, raw_event

from chargeback.contracts import UsageEvent
from metering.domain.dedup import Claim, distinct_keys, sort_claims
from metering.service_layer.ingest import DedupPolicy, EventsInFlight, NotEnqueued, ingest

POLICY = DedupPolicy(window_s=3600, hold_s=60)


def event(number: int, source: str = "src-a") -> UsageEvent:
    return UsageEvent.model_validate(raw_event(number, source=source))


def test_identity_is_source_and_id() -> None:
    events = [event(1), event(1), event(1, source="src-b"), event(2)]
    assert distinct_keys(events) == ["src-a evt-1", "src-b evt-1", "src-a evt-2"]


def test_sorting_keeps_the_first_of_a_claimed_identity_and_flags_the_rest() -> None:
    events = [event(1), event(2), event(1), event(3)]
    claims = {
        "src-a evt-1": Claim.CLAIMED,
        "src-a evt-2": Claim.SEEN,
        "src-a evt-3": Claim.IN_FLIGHT,
    }
    sorting = sort_claims(events, claims)
    assert [e.id for e in sorting.new] == ["evt-1"]
    assert [e.id for e in sorting.duplicates] == ["evt-2", "evt-1"]
    assert [e.id for e in sorting.in_flight] == ["evt-3"]
    assert sorting.claimed_keys == ["src-a evt-1"]


async def test_new_events_are_produced_then_remembered(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    sorting = await ingest(
        [event(1), event(2), event(1)], store=store, publisher=publisher, policy=POLICY
    )
    assert [e.id for e in publisher.events] == ["evt-1", "evt-2"]
    assert [e.id for e in sorting.duplicates] == ["evt-1"]
    assert store.held == {"src-a evt-1": "done", "src-a evt-2": "done"}
    assert set(store.windows.values()) == {3600}


async def test_a_second_request_reports_duplicates_and_produces_nothing(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    await ingest([event(1)], store=store, publisher=publisher, policy=POLICY)
    again = await ingest([event(1), event(2)], store=store, publisher=publisher, policy=POLICY)
    assert [e.id for e in again.new] == ["evt-2"]
    assert [e.id for e in again.duplicates] == ["evt-1"]
    assert [e.id for e in publisher.events] == ["evt-1", "evt-2"]


async def test_a_failed_produce_releases_the_claims_so_a_retry_is_new(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    publisher.fail = True
    with pytest.raises(NotEnqueued):
        await ingest([event(1), event(2)], store=store, publisher=publisher, policy=POLICY)
    assert store.held == {}
    assert sorted(store.released) == ["src-a evt-1", "src-a evt-2"]
    publisher.fail = False
    retry = await ingest([event(1), event(2)], store=store, publisher=publisher, policy=POLICY)
    assert len(retry.new) == 2 and not retry.duplicates


async def test_a_failed_produce_does_not_release_what_was_already_remembered(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    await ingest([event(1)], store=store, publisher=publisher, policy=POLICY)
    publisher.fail = True
    with pytest.raises(NotEnqueued):
        await ingest([event(1), event(2)], store=store, publisher=publisher, policy=POLICY)
    assert store.held == {"src-a evt-1": "done"}


async def test_events_another_request_is_producing_refuse_the_request(
    store: FakeDedupStore, publisher: FakePublisher
) -> None:
    store.held["src-a evt-1"] = "other-request"
    with pytest.raises(EventsInFlight, match="evt-1"):
        await ingest([event(1), event(2)], store=store, publisher=publisher, policy=POLICY)
    assert publisher.events == []
    assert store.held == {"src-a evt-1": "other-request"}  # evt-2's claim was released

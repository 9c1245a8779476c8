"""The spend store on a real Redis: atomic, offset-guarded, exact, idempotent."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from aiokafka import TopicPartition
from redis.asyncio import Redis

from budget_monitor.adapters.alert_store import RedisAlertStore
from budget_monitor.adapters.spend_store import Applied, RedisSpendStore
from budget_monitor.domain import Budget, BudgetBook, ChargeFacts, Scope, evaluate, spend_keys

pytestmark = pytest.mark.integration
D = Decimal
BOOK = BudgetBook((Budget("acme", Scope("acme"), D("10"), "USD"),))
KEY = ("acme", "2026-11")


def charge(n: int, amount: str) -> ChargeFacts:
    when = datetime(2026, 11, 5, tzinfo=UTC)
    return ChargeFacts(f"src e{n}", f"e{n}", "acme", "compute", D(amount), "USD", when)


@pytest.fixture
async def redis(redis_url):
    client = Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def apply(
    store: RedisSpendStore, partition: int, first: int, charges, alerts=(), next_offset=None
):
    state = await store.read(partition, spend_keys(charges, BOOK), [c.event_key for c in charges])
    result = evaluate(charges, BOOK, state.opening, state.seen)
    pending = list(alerts) or [(t.crossing.alert_id, "{}") for t in result.crossings]
    applied, _ = await store.apply(
        partition,
        first_offset=first,
        next_offset=first + len(charges) if next_offset is None else next_offset,
        state=state,
        evaluation=result,
        alerts=pending,
    )
    return applied, result


async def test_sub_totals_are_exact_decimal_strings_per_partition(redis):
    store = RedisSpendStore(redis, topic="usage.rated", group="g", seen_ttl_s=3600)
    answer, _ = await apply(store, 0, 0, [charge(1, "0.1"), charge(2, "0.2")])
    assert answer is Applied.OK
    await apply(store, 3, 0, [charge(3, "0.000000000000000000000000000001")])
    stored = await redis.hgetall("bm:spend:acme|2026-11")
    assert stored["0"] == "0.3"  # 0.1 + 0.2 exactly; a float would say 0.30000000000000004
    assert (await store.spent([KEY]))[KEY] == D("0.300000000000000000000000000001")
    assert await redis.ttl(next(iter(await redis.keys("bm:seen:*")))) > 3000


async def test_only_a_batch_starting_at_the_stored_offset_is_applied(redis):
    store = RedisSpendStore(redis, topic="usage.rated", group="g", seen_ttl_s=3600)
    assert (await apply(store, 1, 0, [charge(1, "2"), charge(2, "2")]))[0] is Applied.OK
    tp = TopicPartition("usage.rated", 1)
    assert await store.positions([tp]) == {tp: 2}
    # A stale worker re-applying offset 1..: refused, nothing written.
    assert (await apply(store, 1, 1, [charge(2, "2"), charge(3, "5")]))[0] is Applied.FENCED
    # A batch beyond the stored offset (records 2..4 not applied): refused too.
    assert (await apply(store, 1, 5, [charge(4, "1")]))[0] is Applied.FENCED
    assert (await store.spent([KEY]))[KEY] == D(4)
    # Fetched from the stored offset, its records starting later (none exist between): applies.
    assert (await apply(store, 1, 2, [charge(4, "1")], next_offset=6))[0] is Applied.OK
    assert (await store.spent([KEY]))[KEY] == D(5)
    assert await store.positions([tp]) == {tp: 6}


async def test_a_total_changed_by_another_partition_since_the_read_is_refused(redis):
    store = RedisSpendStore(redis, topic="usage.rated", group="g", seen_ttl_s=3600)
    charges = [charge(1, "6")]
    state = await store.read(0, spend_keys(charges, BOOK), ["src e1"])
    await apply(store, 2, 0, [charge(9, "3")])  # another partition writes the shared total
    result = evaluate(charges, BOOK, state.opening, state.seen)
    answer, _ = await store.apply(
        0, first_offset=0, next_offset=1, state=state, evaluation=result, alerts=[]
    )
    assert answer is Applied.SPEND_CHANGED
    assert (await store.spent([KEY]))[KEY] == D(3)
    answer, again = await apply(store, 0, 0, charges)  # re-read: 3 + 6 crosses 50 and 80
    assert answer is Applied.OK
    assert [t.crossing.threshold_percent for t in again.crossings] == [D(50), D(80)]


async def test_an_event_counted_once_is_not_counted_again_at_another_offset(redis):
    store = RedisSpendStore(redis, topic="usage.rated", group="g", seen_ttl_s=3600)
    await apply(store, 0, 0, [charge(1, "4")])
    answer, result = await apply(store, 0, 1, [charge(1, "4"), charge(2, "1")])
    assert answer is Applied.OK and result.outcomes == {"duplicate": 1, "counted": 1}
    assert (await store.spent([KEY]))[KEY] == D(5)


async def test_crossed_alerts_wait_in_the_outbox_until_raised_once(redis):
    store = RedisSpendStore(redis, topic="usage.rated", group="g", seen_ttl_s=3600)
    alerts = RedisAlertStore(redis, recent_cap=2)
    await apply(store, 0, 0, [charge(1, "6")], alerts=[("a1", '{"n": 1}')])
    assert await alerts.pending() == {"a1": '{"n": 1}'}
    assert await alerts.mark_raised("a1", '{"n": 1}') is True
    assert await alerts.mark_raised("a1", '{"n": 1}') is False
    assert await alerts.pending() == {} and await alerts.recent() == ['{"n": 1}']
    # Crossed again (a replay): already raised, so it is not pending again.
    await apply(store, 0, 1, [charge(2, "1")], alerts=[("a1", '{"n": 1}')])
    assert await alerts.pending() == {}
    for n in (2, 3, 4):
        await alerts.mark_raised(f"a{n}", f'{{"n": {n}}}')
    assert await alerts.recent() == ['{"n": 4}', '{"n": 3}']  # newest first, capped

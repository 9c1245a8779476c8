"""usage.rated on the embedded broker -> the ledger -> the invoice API, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext

import httpx
import pytest
from billing_support import price_book
from sqlalchemy import delete, func, select

from billing import metrics
from billing.adapters.ledger import SqlLedger, make_engine
from billing.adapters.ledger.schema import consumer_positions, rated_charges
from billing.bootstrap import build_app
from billing.settings import BillingSettings
from chargeback import codec
from chargeback.contracts import Topics
from chargeback.kafka import ensure_topics, make_producer
from chargeback.settings import InfraSettings
from terms.adapters.files import parse_price_book

pytestmark = pytest.mark.integration
CUSTOMERS = ("acme", "globex", "initech")
PARAMS = {"period": "2024-05"}


def expected_totals(charges):
    """The oracle: exact sums per customer line, each rounded once (half up), then added."""
    with localcontext() as ctx:
        ctx.prec = 100
        lines = defaultdict(Decimal)
        for c in charges:
            lines[(c.customer, c.service, c.meter)] += c.amount
        totals = defaultdict(Decimal)
        for (customer, _, _), amount in lines.items():
            totals[customer] += amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return {customer: f"{total:.2f}" for customer, total in totals.items()}


async def produce(bootstrap, values):
    """Send (key, value) pairs; the next offset per (topic, partition) afterwards."""
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        sent = [await producer.send(Topics.RATED, value, key=key.encode()) for key, value in values]
        done = await asyncio.gather(*sent)
    finally:
        await producer.stop()
    ends = {}
    for meta in done:
        ends[(meta.topic, meta.partition)] = max(
            ends.get((meta.topic, meta.partition), 0), meta.offset + 1
        )
    return ends


@contextlib.asynccontextmanager
async def running_billing(bootstrap, database_url, redis_url, keys, engine, tmp_path):
    infra = InfraSettings(
        _env_file=None,
        kafka_bootstrap_servers=bootstrap,
        database_url=database_url,
        redis_url=redis_url,
        chargeback_keys_file=tmp_path / "keys.json",
    )
    book = price_book()  # every customer on list terms: UTC months
    app = build_app(
        BillingSettings(consumer_session_timeout_ms=6000, finalize_every_s=0),
        infra=infra,
        keys=keys.store,
        seed=[(parse_price_book(book), book)],
        engine=engine,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://billing") as client:
            yield client


async def eventually(check, *, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def invoices(client, keys):
    found = {}
    for customer in CUSTOMERS:
        answer = await client.get(
            "/v1/invoices",
            params={**PARAMS, "customer": customer},
            headers=keys.bearer(keys.finance),
        )
        assert answer.status_code == 200, answer.text
        found[customer] = answer.json()
    return found


async def caught_up(ledger, ends):
    partitions = list(ends)
    return await asyncio.to_thread(ledger.positions, "billing", partitions) == ends


async def lag_is_zero(client):
    text = (await client.get("/metrics")).text
    lags = re.findall(
        r'^billing_consumer_lag_records\{[^}]*topic="usage.rated"[^}]*\} (\S+)$', text, re.M
    )
    return bool(lags) and all(float(v) == 0 for v in lags)


def counters():
    return (
        metrics.CHARGES_WRITTEN._value.get(),
        metrics.DUPLICATES_SKIPPED._value.get(),
        metrics.CONSUMER.quarantined.labels("usage.rated")._value.get(),
    )


async def test_rated_charges_are_invoiced_exactly_once_across_duplicates_and_restarts(
    broker, database_url, redis_url, keys, rated_charge, tmp_path
):
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    rng = random.Random(7)
    charges = [
        rated_charge(
            f"e{i}",
            customer=CUSTOMERS[i % 3],
            meter=("cpu", "ram")[i % 2],
            amount=f"{rng.randint(0, 3)}.{rng.randint(0, 10**15):015d}",
        )
        for i in range(90)
    ]
    repeats = charges[::4]
    first_wave = [(c.customer, codec.encode(c)) for c in charges + repeats]
    ends = await produce(bootstrap, [*first_wave, ("acme", b"not a rated charge")])
    expected = expected_totals(charges)
    engine = make_engine(database_url)
    ledger = SqlLedger(engine)
    try:
        before = counters()
        async with running_billing(
            bootstrap, database_url, redis_url, keys, engine, tmp_path
        ) as client:

            async def all_in():
                found = await invoices(client, keys)
                return found if sum(i["charge_count"] for i in found.values()) == 90 else None

            first = await eventually(all_in, what="all 90 charges on invoices")
            await eventually(lambda: caught_up(ledger, ends), what="positions at the log end")
            assert (await client.get("/readyz")).status_code == 200
            await eventually(lambda: lag_is_zero(client), timeout=10, what="lag gauge at 0")
        written, skipped, quarantined = (a - b for a, b in zip(counters(), before, strict=True))
        assert {c: inv["total"] for c, inv in first.items()} == expected
        # At least: a rebalance may replay a batch (at-least-once), never charge it twice.
        assert written == 90
        assert skipped >= len(repeats)
        assert quarantined >= 1  # the record that is no rated charge, set aside

        # Restart with the positions lost, so the new instance replays the whole topic,
        # and with every repeat sent once more: nothing on any invoice may move.
        with engine.begin() as conn:
            conn.execute(delete(consumer_positions))
        ends = await produce(bootstrap, [(c.customer, codec.encode(c)) for c in repeats])
        before = counters()
        async with running_billing(
            bootstrap, database_url, redis_url, keys, engine, tmp_path
        ) as client:
            await eventually(lambda: caught_up(ledger, ends), what="the replay to finish")
            second = await invoices(client, keys)
        written, skipped, _ = (a - b for a, b in zip(counters(), before, strict=True))
        assert second == first
        assert written == 0
        assert skipped >= len(charges) + 2 * len(repeats)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(rated_charges)).scalar() == 90
    finally:
        engine.dispose()

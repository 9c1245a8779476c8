"""A version published while a worker runs prices events from its time on: no restart, no gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from rating_process import rating_process, read_outputs, wait_ready

from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge, Topics, UsageEvent
from chargeback.kafka import ensure_topics, make_producer
from chargeback_cli.embedded import EmbeddedBroker

pytestmark = pytest.mark.integration

SEED = """
version: "seed"
effective_from: 2024-01-01T00:00:00Z
currency: USD
services:
  ci: {meters: {build_minutes: {unit: minute, price: "0.010"}}}
"""


def usage(ident: str, when: datetime) -> UsageEvent:
    return UsageEvent.model_validate(
        {
            "specversion": "1.0",
            "id": ident,
            "source": "//itest/ci",
            "type": "dev.chargeback.usage.v1",
            "subject": "acme",
            "time": when,
            "data": {"service": "ci", "meter": "build_minutes", "quantity": "100"},
        }
    )


async def produce(bootstrap: str, events: list[UsageEvent]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(Topics.EVENTS, codec.encode(event), key=b"acme")
    finally:
        await producer.stop()


async def test_a_published_version_is_used_by_the_running_worker(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    (tmp_path / "seed.yaml").write_text(SEED)
    keys = KeyStore(tmp_path / "keys.json")
    finance, _ = keys.create("finance")
    await ensure_topics(broker.bootstrap_servers)
    worker, base = rating_process(
        "rating",
        bootstrap=broker.bootstrap_servers,
        redis_url=redis_url,
        price_book=tmp_path / "seed.yaml",
        keys=keys.path,
        logs=tmp_path,
    )
    worker.start()
    try:
        await wait_ready(worker, base, tmp_path / "rating.log")
        now = datetime.now(UTC).replace(microsecond=0)
        await produce(broker.bootstrap_servers, [usage("before", now - timedelta(hours=1))])
        await read_outputs(broker.bootstrap_servers, 1, 0)  # rated under the seed

        starts = now + timedelta(minutes=5)
        newer = SEED.replace('"seed"', '"2.0"').replace("0.010", "0.008")
        newer = newer.replace("2024-01-01T00:00:00Z", starts.isoformat())
        headers = {"Authorization": f"Bearer {finance}", "Content-Type": "application/yaml"}
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            published = await http.post("/v1/price-books", content=newer, headers=headers)
            assert published.status_code == 201, published.text
            # Right away: a late event (its usage before the switch) and one after it.
            await produce(
                broker.bootstrap_servers,
                [usage("late", starts - timedelta(seconds=1)), usage("after", starts)],
            )
            rated, _ = await read_outputs(broker.bootstrap_servers, 3, 0)
            charges = {c.event_id: c for c in (codec.decode(RatedCharge, r.value) for r in rated)}
            assert {i: (c.price_book_version, c.amount) for i, c in charges.items()} == {
                "before": ("seed", Decimal("1.000")),
                "late": ("seed", Decimal("1.000")),
                "after": ("2.0", Decimal("0.800")),
            }
            listed = (await http.get("/v1/price-book", headers=headers)).json()
            assert [v["version"] for v in listed["versions"]] == ["seed", "2.0"]
            assert "rating_price_book_generation 2.0" in (await http.get("/metrics")).text
        assert worker.alive()  # no restart
    finally:
        worker.stop()

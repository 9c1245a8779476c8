"""`python -m rating` against the real embedded broker: what it publishes equals the oracle."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from rating_process import rating_process, read_outputs, wait_ready

from chargeback import codec
from chargeback.auth import KeyStore
from chargeback.contracts import RatedCharge, RejectedEvent, Topics, UsageEvent
from chargeback.kafka import ensure_topics, make_producer, partition_for
from chargeback_cli.embedded import EmbeddedBroker
from terms.adapters.files import load_catalog
from terms.domain import rate_events

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "contracts" / "pricebooks" / "example.yaml"
CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli"]
METERS = [
    ("compute", "cpu_hours"),
    ("compute", "memory_gb_hours"),
    ("storage", "gb_hours"),
    ("storage", "requests"),
    ("ci", "build_minutes"),
    ("api_gateway", "requests"),
    ("network", "egress_gb"),
]


def write_price_books(folder: Path) -> Path:
    """Two versions: the example (2020) and a cheaper compute price from July 2024."""
    folder.mkdir()
    example = EXAMPLE.read_text()
    (folder / "2020.yaml").write_text(example)
    later = (
        example.replace('version: "2020.1"', 'version: "2024.7"')
        .replace("effective_from: 2020-01-01T00:00:00Z", "effective_from: 2024-07-01T00:00:00Z")
        .replace('price: "0.0416"', 'price: "0.0399"')
    )
    assert later != example
    (folder / "2024-07.yaml").write_text(later)
    return folder


def usage_events(count: int) -> list[UsageEvent]:
    rng = random.Random(7)
    start = datetime(2024, 6, 1, tzinfo=UTC)
    events = []
    for index in range(count):
        service, meter = rng.choice(METERS)
        when = start + timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        quantity = Decimal(rng.randrange(0, 10**9)).scaleb(-rng.randrange(0, 7))
        events.append(event(f"evt-{index}", rng.choice(CUSTOMERS), service, meter, quantity, when))
    return events


def event(
    ident: str, customer: str, service: str, meter: str, quantity: Decimal, when: datetime
) -> UsageEvent:
    return UsageEvent.model_validate(
        {
            "specversion": "1.0",
            "id": ident,
            "source": f"//itest/{customer}",
            "type": "dev.chargeback.usage.v1",
            "subject": customer,
            "time": when,
            "data": {"service": service, "meter": meter, "quantity": quantity},
            "ingesttime": when + timedelta(seconds=1),
        }
    )


async def test_the_worker_rates_what_the_oracle_rates(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    books = write_price_books(tmp_path / "books")
    keys = KeyStore(tmp_path / "keys.json")
    finance_key, _ = keys.create("finance")

    events = usage_events(300)
    unknown_meter = event("bad-meter", "acme", "compute", "gpu_hours", Decimal(3), events[0].time)
    unknown_service = event("bad-svc", "acme", "quantum", "qubits", Decimal(1), events[0].time)
    too_early = event(
        "early", "globex", "ci", "build_minutes", Decimal(5), datetime(2019, 12, 31, tzinfo=UTC)
    )
    resent = events[:5]  # at-least-once upstream: charged once, the copies rejected as duplicates
    produced = [*events, unknown_meter, unknown_service, too_early, *resent]

    await ensure_topics(bootstrap)
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        for usage in produced:
            await producer.send(Topics.EVENTS, codec.encode(usage), key=usage.customer.encode())
        await producer.send(Topics.EVENTS, b"{not json", key=b"acme")
        await producer.flush()
    finally:
        await producer.stop()

    worker, base = rating_process(
        "rating",
        bootstrap=bootstrap,
        redis_url=redis_url,
        price_book=books,
        keys=keys.path,
        logs=tmp_path,
    )
    worker.start()
    try:
        await wait_ready(worker, base, tmp_path / "rating.log")
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            rated, rejected = await read_outputs(bootstrap, len(events), 4 + len(resent))

            # usage.rated: exactly the oracle's charges, each event once.
            catalog = load_catalog(books)
            expected, oracle_rejections = rate_events(produced, catalog)
            by_key = {charge.event_key: charge for charge in expected}
            charges = [codec.decode(RatedCharge, record.value) for record in rated]
            assert len(charges) == len(events)
            assert {charge.event_key for charge in charges} == set(by_key)
            for record, charge in zip(rated, charges, strict=True):
                oracle = by_key[charge.event_key]
                assert charge.amount == oracle.amount, charge.event_key
                assert charge.model_dump(exclude={"rated_at"}) == oracle.model_dump(
                    exclude={"rated_at"}
                )
                assert record.key == charge.customer.encode()
                assert record.partition == partition_for(charge.customer, 4)
            versions = {charge.price_book_version for charge in charges}
            assert versions == {"2020.1", "2024.7"}  # the event's time picked the version

            # usage.rejected: each with its reason; the oracle agrees on the rateable ones.
            rejections = [codec.decode(RejectedEvent, record.value) for record in rejected]
            duplicates = [r.event_id for r in rejections if r.reason == "duplicate"]
            assert sorted(duplicates) == sorted(e.id for e in resent)
            reasons = {r.event_id: r.reason for r in rejections if r.reason != "duplicate"}
            assert reasons == {
                "bad-meter": "unknown_meter",
                "bad-svc": "unknown_service",
                "early": "no_price_book_in_force",
                None: "undecodable",
            }
            assert {(r.event.id, r.reason) for r in oracle_rejections} == {
                (ident, reason) for ident, reason in reasons.items() if ident
            }
            assert all(r.stage == "rating" and r.errors for r in rejections)

            # The API and the counters tell the same story.
            price_book = await http.get(
                "/v1/price-book", headers={"Authorization": f"Bearer {finance_key}"}
            )
            assert [v["version"] for v in price_book.json()["versions"]] == ["2020.1", "2024.7"]
            metrics = (await http.get("/metrics")).text
            assert f"rating_events_consumed_total {float(len(produced) + 1)}" in metrics
            assert f"rating_events_rated_total {float(len(charges))}" in metrics
            assert 'rating_events_rejected_total{reason="unknown_meter"} 1.0' in metrics
            assert 'rating_events_rejected_total{reason="duplicate"} 5.0' in metrics

        # SIGTERM stops it cleanly and quickly.
        stopping = time.monotonic()
        worker.stop(timeout=15)
        assert time.monotonic() - stopping < 5
        log = (tmp_path / "rating.log").read_text()
        assert "Application shutdown complete" in log
        assert '"level": "error"' not in log
    finally:
        worker.stop()

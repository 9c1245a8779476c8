"""The whole platform against events no stage can process, and commitments computed once.

- Poison: an event dated 9999-12-31T20:00:00Z for a customer in Tokyo (already year
  10000 there) once stopped rating and the budget monitor for good. Here it is produced
  straight to usage.events between ordinary events, with an unreadable record on
  usage.rated: the ordinary events reach the ledger within seconds, and the bad ones end
  in usage.rejected with their stage and reason.
- Commitments: rating's GET /v1/commitments and the shortfall line of the finalized
  invoice are one computation, for a graduated and a volume meter.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from chargeback import codec
from chargeback.contracts import RejectedEvent, Topics
from chargeback.emitter import usage_event
from chargeback.kafka import make_producer
from chargeback.settings import InfraSettings
from chargeback_cli.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

BOOK = """
version: "poison-1"
effective_from: "2020-01-01T00:00:00Z"
currency: USD
services:
  compute:
    meters:
      cpu_hours:
        unit: hour
        pricing:
          model: graduated
          tiers: [{up_to: "100", price: "0.05"}, {price: "0.04"}]
  storage:
    meters:
      gb_hours:
        unit: GB-hour
        free_allowance: "10"
        pricing:
          model: volume
          tiers: [{up_to: "1000", price: "0.002"}, {price: "0.001"}]
customers:
  acme: {name: Acme}
  umbrella: {name: Umbrella, time_zone: Asia/Tokyo}
  initech:
    name: Initech
    discount_percent: "10"
    overrides:
      compute: {cpu_hours: {committed: "150"}}
      storage: {gb_hours: {committed: "2000"}}
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("poison")
    book, budgets = tmp / "book.yaml", tmp / "budgets.yaml"
    book.write_text(BOOK)
    budgets.write_text(
        "budgets:\n  - {id: acme-m, customer: acme, amount: '1000', currency: USD}\n"
    )
    config = StackConfig(
        run_dir=tmp / "run",
        infra=InfraSettings(_env_file=None),
        price_book=book,
        budgets_file=budgets,
        extra_env={"billing": {"BILLING_FINALIZE_EVERY_S": "0"}},  # finalized by the test
    )
    with Stack(config).start() as running:
        yield running


def send(stack: Stack, events: list[dict]) -> None:
    answer = httpx.post(
        f"{stack.url('metering')}/v1/events",
        content=json.dumps(events),
        headers={
            "Authorization": f"Bearer {stack.emitter_key}",
            "content-type": "application/cloudevents-batch+json",
        },
        timeout=30,
    )
    assert answer.status_code == 202, answer.text


async def produce(stack: Stack, topic: str, key: bytes, value: bytes) -> None:
    producer = make_producer(stack.kafka)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def rejections(stack: Stack) -> list[RejectedEvent]:
    consumer = AIOKafkaConsumer(
        Topics.REJECTED, bootstrap_servers=stack.kafka, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        fetched = await consumer.getmany(timeout_ms=3000)
        return [codec.decode(RejectedEvent, r.value) for rs in fetched.values() for r in rs]
    finally:
        await consumer.stop()


def finance(stack: Stack, service: str) -> httpx.Client:
    return httpx.Client(
        base_url=stack.url(service),
        timeout=30,
        headers={"Authorization": f"Bearer {stack.finance_key}"},
    )


def charges_in_ledger(billing: httpx.Client, customer: str, period: str) -> int:
    doc = billing.get("/v1/invoices", params={"customer": customer, "period": period}).json()
    return sum(line["charges"] for line in doc["lines"])


async def test_poison_events_are_set_aside_and_the_ordinary_ones_charged_within_seconds(
    stack: Stack,
) -> None:
    now = datetime.now(UTC)
    period = now.strftime("%Y-%m")

    def ordinary(n: int) -> dict:
        return usage_event(
            source="e2e://poison",
            customer="acme",
            service="compute",
            meter="cpu_hours",
            quantity="1",
            time=now,
            event_id=f"ordinary-{n}",
        )

    # The door refuses it over HTTP (400, naming the field and the limit)...
    far = usage_event(
        source="e2e://poison",
        customer="umbrella",
        service="compute",
        meter="cpu_hours",
        quantity="1",
        time=datetime(9999, 12, 31, 20, tzinfo=UTC),
        event_id="year-10000",
    )
    refused = httpx.post(
        f"{stack.url('metering')}/v1/events",
        content=json.dumps(far),
        headers={
            "Authorization": f"Bearer {stack.emitter_key}",
            "content-type": "application/cloudevents+json",
        },
        timeout=30,
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "time"

    # ...so it is produced behind metering's back, between ordinary events, with a record
    # on usage.rated that is no rated charge at all.
    send(stack, [ordinary(n) for n in range(50)])
    await produce(stack, Topics.EVENTS, b"umbrella", json.dumps(far).encode())
    await produce(stack, Topics.RATED, b"acme", b'{"not": "a rated charge"}')
    poisoned_at = time.monotonic()
    send(stack, [ordinary(n) for n in range(50, 100)])

    with finance(stack, "billing") as billing:
        deadline = poisoned_at + 60
        while charges_in_ledger(billing, "acme", period) < 100:
            assert time.monotonic() < deadline, "ordinary events stuck behind the poison"
            await asyncio.sleep(0.2)
        took = time.monotonic() - poisoned_at
        assert charges_in_ledger(billing, "acme", period) == 100
    print(f"ordinary events in the ledger {took:.1f} s after the poison")
    assert took < 30

    found = await rejections(stack)
    rated_stage = [r for r in found if r.stage == "rating" and r.event_id == "year-10000"]
    assert [(r.reason, r.errors[0].field) for r in rated_stage] == [("time_out_of_range", "time")]
    for stage in ("billing", "budget-monitor"):
        (letter,) = [r for r in found if r.stage == stage]
        assert (letter.reason, letter.exception) == ("unprocessable", "ValidationError")
        assert letter.origin is not None and letter.origin.topic == Topics.RATED
        assert letter.payload == {"not": "a rated charge"}

    # The budget monitor counted every ordinary charge too.
    with finance(stack, "budget-monitor") as monitor:
        deadline = time.monotonic() + 60
        while True:
            (budget,) = monitor.get("/v1/budgets").json()["budgets"]
            if Decimal(budget["spent"]) == Decimal("5.00"):  # 100 hours at 0.05
                break
            assert time.monotonic() < deadline, budget
            await asyncio.sleep(0.2)


def last_day_of_previous_month(now: datetime) -> datetime:
    first = now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    return first - timedelta(days=1)


async def test_the_invoice_shortfall_is_the_commitments_figure_for_tiered_meters(
    stack: Stack,
) -> None:
    when = last_day_of_previous_month(datetime.now(UTC))
    period = when.strftime("%Y-%m")
    used = [("compute", "cpu_hours", "60"), ("storage", "gb_hours", "300")]
    send(
        stack,
        [
            usage_event(
                source="e2e://commit",
                customer="initech",
                service=service,
                meter=meter,
                quantity=quantity,
                time=when,
                event_id=f"commit-{service}",
            )
            for service, meter, quantity in used
        ],
    )
    with finance(stack, "billing") as billing, finance(stack, "rating") as rating:
        deadline = time.monotonic() + 60
        while charges_in_ledger(billing, "initech", period) < 2:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        expected = rating.get("/v1/commitments", params={"customer": "initech", "period": period})
        assert expected.status_code == 200, expected.text
        owed = {(c["service"], c["meter"]): c for c in expected.json()["commitments"]}
        # graduated: 90 unused hours, 40 at 0.05 and 50 at 0.04 = 4.00, less 10 % = 3.60
        assert Decimal(owed["compute", "cpu_hours"]["shortfall_amount"]) == Decimal("3.6")
        # volume: 2,000 committed (1,990 billable at 0.001) against 300 used (290 at 0.002)
        # = 1.99 - 0.58 = 1.41, less 10 % = 1.269
        assert Decimal(owed["storage", "gb_hours"]["shortfall_amount"]) == Decimal("1.269")

        done = billing.post(f"/v1/invoices/initech/{period}/finalize")
        assert done.status_code == 200, done.text
        doc = billing.get("/v1/invoices", params={"customer": "initech", "period": period}).json()
        assert doc["status"] == "finalized"
        lines = {
            (line["service"], line["meter"]): line
            for line in doc["lines"]
            if line["kind"] == "commitment_shortfall"
        }
        assert set(lines) == set(owed)
        for key, commitment in owed.items():
            line = lines[key]
            assert Decimal(line["exact_amount"]) == Decimal(commitment["shortfall_amount"])
            assert Decimal(line["quantity"]) == Decimal(commitment["shortfall_quantity"])


def test_the_stack_wrote_no_tracebacks_for_the_poison(stack: Stack) -> None:
    """Quarantine is logged as an error naming the event, not as a crash loop."""
    log = Path(stack.config.run_dir / "logs" / "billing.log").read_text()
    assert log.count("record quarantined") == 1

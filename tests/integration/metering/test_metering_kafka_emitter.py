"""`chargeback emit --kafka`: `KafkaEmitter` (kafka-python) produces to usage.ingest on
the embedded broker, and metering's validator takes what it produced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from metering_io import raw_event, read_topic, running_metering
from typer.testing import CliRunner

from chargeback import codec
from chargeback.contracts import Topics, UsageEvent
from chargeback.kafka import ensure_topics
from chargeback_cli.cli import app
from chargeback_cli.embedded import EmbeddedBroker

pytestmark = pytest.mark.integration


async def test_emit_kafka_produces_with_the_kafka_emitter(
    broker: EmbeddedBroker, redis_url: str, tmp_path: Path
) -> None:
    bootstrap = broker.bootstrap_servers
    await ensure_topics(bootstrap)
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(raw_event(n)) for n in range(5)))
    result = CliRunner().invoke(app, ["emit", "--kafka", bootstrap, "--file", str(events)])
    assert result.exit_code == 0, result.output
    assert "produced 5 to usage.ingest" in result.output

    produced = await read_topic(bootstrap, Topics.INGEST, until=5)
    assert sorted(codec.decode(UsageEvent, r.value).id for r in produced) == [
        f"evt-{n}" for n in range(5)
    ]
    assert {r.key for r in produced} == {b"acme"}  # keyed by customer, as metering keys
    async with running_metering(bootstrap, redis_url, tmp_path, validator=True):
        accepted = await read_topic(bootstrap, Topics.EVENTS, until=5, timeout_s=30)
    assert len(accepted) == 5

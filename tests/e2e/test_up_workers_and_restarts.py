"""`chargeback up --rating-workers 2`: both workers share usage.events; a service that dies
is restarted by the supervisor, and the platform goes on charging."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from chargeback.emitter import HttpEmitter, usage_event
from chargeback.settings import InfraSettings
from chargeback_cli.stack import Stack, StackConfig
from chargeback_cli.supervision import Supervisor

pytestmark = pytest.mark.e2e


def billed_quantity(stack: Stack, period: str) -> str:
    answer = httpx.get(
        f"{stack.url('billing')}/v1/invoices",
        params={"customer": "acme", "period": period},
        headers={"Authorization": f"Bearer {stack.finance_key}"},
        timeout=10,
    )
    lines = answer.json()["lines"] if answer.status_code == 200 else []
    return next((line["quantity"] for line in lines if line["meter"] == "cpu_hours"), "0")


def wait_for_quantity(stack: Stack, period: str, expected: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while billed_quantity(stack, period) != expected:
        assert time.monotonic() < deadline, billed_quantity(stack, period)
        time.sleep(0.5)


def test_two_rating_workers_and_a_killed_service_restarted(tmp_path: Path) -> None:
    config = StackConfig(run_dir=tmp_path, infra=InfraSettings(), rating_workers=2)
    with Stack(config).start() as stack:
        assert {"rating", "rating-2"} <= set(stack.processes)
        assert stack.ports["rating"] != stack.ports["rating-2"]
        period = datetime.now(UTC).strftime("%Y-%m")
        events = [
            usage_event(
                source="e2e://up",
                customer="acme",
                service="compute",
                meter="cpu_hours",
                quantity="1",
                event_id=f"up-{n}",
            )
            for n in range(20)
        ]
        with HttpEmitter(stack.url("metering"), stack.emitter_key) as emitter:
            emitter.send(events[:10])
        wait_for_quantity(stack, period, "10")

        supervisor = Supervisor(stack)
        os.killpg(stack.processes["rating"].pid, signal.SIGKILL)
        os.killpg(stack.processes["billing"].pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while not supervisor.restarts:
            assert time.monotonic() < deadline
            messages = supervisor.check()
            time.sleep(0.2)
        assert all("restarted it" in m for m in messages)
        supervisor.check()  # the second one, if it was seen dead a moment later
        assert set(supervisor.restarts) == {"rating", "billing"}
        stack.wait_ready("billing")
        stack.wait_ready("rating")
        with HttpEmitter(stack.url("metering"), stack.emitter_key) as emitter:
            emitter.send(events)  # ten duplicates, ten new
        wait_for_quantity(stack, period, "20")
        assert "billing ×1" in supervisor.summary() and "rating ×1" in supervisor.summary()

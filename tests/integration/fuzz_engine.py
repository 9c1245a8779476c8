"""Schemathesis' own engine (what `schemathesis run` runs) over an in-process ASGI app.

Every phase (examples, coverage, fuzzing, stateful) and every check is on; the run is
bounded by `max_examples` per operation so the suite stays fast. The numbers it reports
(cases run, failures) are the ones the CLI prints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi import FastAPI
from schemathesis.engine import events, from_schema
from schemathesis.engine.statistic import Statistic
from schemathesis.python import asgi

# Rules no JSON Schema can state, answered as documented; the fuzzer is told to expect
# these statuses for schema-valid requests of these operations, and nothing else.
Expectation = tuple[str, str, tuple[int, ...], str]  # method, path, statuses, why


@dataclass
class FuzzReport:
    service: str
    role: str
    cases: int
    operations: int
    seconds: float
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"{self.service} ({self.role}): {self.cases} cases, {len(self.failures)} failures"]
        return "\n".join([*lines, *self.failures, *self.errors])


ACCEPTED = ["2xx", "3xx", 401, 403, 404, 409, 429]
FEED_READ_S = 1.0


def _feeds(app: FastAPI) -> list[dict[str, Any]]:
    """Live feeds never end: each case reads what a feed sends in a moment, then stops."""
    return [
        {"include-method": method.upper(), "include-path": path, "request-timeout": FEED_READ_S}
        for path, item in app.openapi().get("paths", {}).items()
        for method, operation in item.items()
        if "text/event-stream" in operation.get("responses", {}).get("200", {}).get("content", {})
    ]


def config(
    app: FastAPI, key: str, max_examples: int, expectations: list[Expectation], every_phase: bool
) -> schemathesis.Config:
    operations: list[dict[str, Any]] = _feeds(app) + [
        {
            "include-method": method,
            "include-path": path,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, *statuses]}},
        }
        for method, path, statuses, _why in expectations
    ]
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"apiKey": {"bearer": key}}},
            "generation": {"max-examples": max_examples, "deterministic": True},
            "checks": {"enabled": True},
            "phases": {
                "examples": {"enabled": every_phase},
                "coverage": {"enabled": every_phase},
                "stateful": {"enabled": every_phase, "max-steps": 6},
            },
            "max-stream-events": 2,
            "request-timeout": 10,
            "operations": operations,
            "suppress-health-check": ["all"],
        }
    )


def wait_ready(app: FastAPI, timeout_s: float = 60.0) -> None:
    """Start the app's lifespan (in schemathesis' own event loop) and wait for /readyz."""
    deadline = time.monotonic() + timeout_s
    with asgi.get_client(app) as client:
        while client.get("http://testserver/readyz").status_code != 200:
            if time.monotonic() > deadline:
                raise TimeoutError("the app is not ready")
            time.sleep(0.2)


def run(
    service: str,
    app: FastAPI,
    *,
    key: str,
    role: str = "finance",
    max_examples: int,
    expectations: list[Expectation] = (),  # type: ignore[assignment]
    every_phase: bool = True,
) -> FuzzReport:
    """One run of the engine; `every_phase=False` runs the fuzzing phase alone."""
    settings = config(app, key, max_examples, list(expectations), every_phase)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=settings)
    statistic, report = Statistic(), FuzzReport(service, role, 0, 0, 0.0)
    started = time.monotonic()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            error = f"error: {getattr(event, 'label', '')}: {getattr(event, 'value', event)!r}"
            if error not in report.errors:
                report.errors.append(error[:400])
    report.seconds = time.monotonic() - started
    report.cases = statistic.total_cases
    report.operations = len(statistic.tested_operations)
    for failure in statistic.unique_failures_map:
        message = (failure.message or "").strip().replace("\n", " ")[:400]
        report.failures.append(f"- {failure.operation}: {failure.title}: {message}")
    return report


def stop_apps() -> None:
    asgi.shutdown_lifespans()

"""Every operation of every service answers as its OpenAPI says: a property-based fuzzer
(schemathesis, all phases, all checks) over each app with its lifespan and real parts.

Routes added later are fuzzed too: the operations come from each app's own document.
The numbers of each run are written to build/fuzz/<service>.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import fuzz_apps
import fuzz_engine
import pytest
from fastapi import FastAPI

from chargeback.auth import KeyStore
from chargeback_cli.embedded import EmbeddedBroker, EmbeddedRedis

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = 12  # per operation and phase: bounded, so the suite stays fast
ROLE_EXAMPLES = 2  # the other roles' runs look for undocumented refusals (403)

# Rules of request bodies that no JSON Schema can state. A schema-valid request that
# breaks one is refused with the status named (documented on the operation); the fuzzer
# accepts that status for positive data of these operations only.
EXPECTATIONS: dict[str, list[fuzz_engine.Expectation]] = {
    "metering": [
        (
            "POST",
            "/v1/events",
            (400,),
            "an event's time lies within 35 days before and 5 minutes after its arrival",
        ),
    ],
    "rating": [
        (
            "POST",
            "/v1/price-books",
            (422,),
            "a price book's rules beyond its schema: known "
            "IANA zones, ascending tiers, effective after the versions already in force",
        ),
    ],
    "billing": [
        (
            "PUT",
            "/v1/costs/{service}",
            (422,),
            "fixed costs in whole minor units of the "
            "currency; a split allocation needs a positive share",
        ),
        (
            "PUT",
            "/v1/customers/{customer}",
            (422,),
            "a statement type that fits the kind "
            "(invoice for external customers); grace at most 60 days",
        ),
        ("POST", "/v1/credit-notes", (422,), "credit amounts above zero"),
        *[
            (
                "GET",
                path,
                (400,),
                "passed on from the budget monitor: a period of the budget's own kind",
            )
            for path in (
                "/v1/budget-monitor/budgets",
                "/v1/budget-monitor/budgets/{budget_id}/status",
            )
        ],
    ],
    "budget-monitor": [
        *[
            (
                method,
                path,
                (422,),
                "a budget's rules across its fields: one scope, a known "
                "currency and IANA zone, custom periods with both dates, thresholds above 0",
            )
            for method, path in (("POST", "/v1/budgets"), ("PUT", "/v1/budgets/{budget_id}"))
        ],
        *[
            ("GET", path, (400,), "a period named must be of the budget's own kind")
            for path in ("/v1/budgets", "/v1/budgets/{budget_id}", "/v1/budgets/{budget_id}/status")
        ],
        ("POST", "/v1/subscriptions", (422,), "a webhook URL the network guard allows"),
    ],
}


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fuzz_apps.Parts]:
    folder = tmp_path_factory.mktemp("fuzz")
    with (
        EmbeddedBroker(log_path=folder / "broker.log") as broker,
        EmbeddedRedis(log_path=folder / "redis.log") as redis,
    ):
        yield fuzz_apps.Parts(
            broker.bootstrap_servers, redis.url, folder, KeyStore(folder / "keys.json")
        )


def _app(service: str, parts: fuzz_apps.Parts, monitor_url: str) -> FastAPI:
    if service == "billing":
        return fuzz_apps.billing(parts, monitor_url)
    builder = {
        "metering": fuzz_apps.metering,
        "rating": fuzz_apps.rating,
        "budget-monitor": fuzz_apps.budget_monitor,
    }[service]
    return builder(parts)


def _record(reports: list[fuzz_engine.FuzzReport]) -> None:
    folder = REPO / "build" / "fuzz"
    folder.mkdir(parents=True, exist_ok=True)
    figures = [
        {
            "role": r.role,
            "cases": r.cases,
            "operations": r.operations,
            "failures": len(r.failures),
            "seconds": round(r.seconds, 1),
        }
        for r in reports
    ]
    (folder / f"{reports[0].service}.json").write_text(json.dumps(figures, indent=2) + "\n")


@pytest.mark.parametrize("service", ["metering", "rating", "billing", "budget-monitor"])
def test_every_operation_answers_as_documented(service: str, parts: fuzz_apps.Parts) -> None:
    finance, _ = parts.keys.create("finance", name="fuzz")
    customer, _ = parts.keys.create("customer", name="fuzz", customer="globex")
    emitter, _ = parts.keys.create("emitter", name="fuzz", sources=("fuzz://elsewhere",))
    monitor = fuzz_apps.budget_monitor(parts)
    with fuzz_apps.served(monitor) as monitor_url:
        app = _app(service, parts, monitor_url)
        try:
            fuzz_engine.wait_ready(app)
            expected = EXPECTATIONS[service]
            reports = [
                fuzz_engine.run(
                    service, app, key=finance, max_examples=MAX_EXAMPLES, expectations=expected
                )
            ]
            for role, key in (("customer", customer), ("emitter", emitter)):
                reports.append(
                    fuzz_engine.run(
                        service,
                        app,
                        key=key,
                        role=role,
                        max_examples=ROLE_EXAMPLES,
                        expectations=expected,
                        every_phase=False,
                    )
                )
        finally:
            fuzz_engine.stop_apps()
    _record(reports)
    print("\n".join(r.text().splitlines()[0] for r in reports))
    assert all(r.cases > 0 for r in reports)
    problems = [r.text() for r in reports if r.failures or r.errors]
    assert not problems, "\n\n".join(problems)

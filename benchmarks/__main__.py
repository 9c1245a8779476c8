"""Run every benchmark once, print the figures and ratios, write build/bench.json.

`python -m benchmarks` runs them all; `python -m benchmarks pipeline rating` runs some.
Each area's module can also run alone (`python -m benchmarks.rating`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

OUTPUT = Path("build/bench.json")


def pipeline() -> dict[str, float]:
    from benchmarks.broker_baseline import produce_consume_rate
    from benchmarks.pipeline import measure
    from chargeback.settings import InfraSettings
    from chargeback_cli.embedded import EmbeddedBroker
    from chargeback_cli.stack import Stack, StackConfig

    events = 20_000
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, EmbeddedBroker(log_path=Path(tmp) / "b.log") as b:
        figures["broker_baseline_events_per_s"] = asyncio.run(
            produce_consume_rate(b.bootstrap_servers, events * 5)
        )
    with tempfile.TemporaryDirectory() as tmp:
        config = StackConfig(run_dir=Path(tmp), infra=InfraSettings())
        with Stack(config).start() as stack:
            figures.update(vars(measure(stack, events)))
    figures["pipeline_to_broker_ratio"] = (
        figures["pipeline_events_per_s"] / figures["broker_baseline_events_per_s"]
    )
    print(
        f"broker baseline (aiokafka produce→consume): "
        f"{figures['broker_baseline_events_per_s']:,.0f} events/s\n"
        f"HTTP ingestion (batches of 500):   {figures['ingest_events_per_s']:,.0f} events/s\n"
        f"end to end, ingestion to ledger:   {figures['pipeline_events_per_s']:,.0f} events/s\n"
        f"pipeline / raw broker:             {figures['pipeline_to_broker_ratio']:.3f}\n"
        f"ingestion to ledger latency at {figures['paced_events_per_s']:,.0f} events/s: "
        f"p50 {figures['ingest_to_ledger_p50_ms']:,.0f} ms, "
        f"p99 {figures['ingest_to_ledger_p99_ms']:,.0f} ms\n"
        f"ingestion to ledger latency, saturated: "
        f"p50 {figures['ingest_to_ledger_p50_ms_saturated']:,.0f} ms, "
        f"p99 {figures['ingest_to_ledger_p99_ms_saturated']:,.0f} ms",
        flush=True,
    )
    return figures


def rating() -> dict[str, float]:
    from benchmarks import rating as area

    return area.run()


def billing() -> dict[str, float]:
    from benchmarks import billing as area

    return area.run()


def alerts() -> dict[str, float]:
    from benchmarks import alerts as area

    figures = area.run()
    area.report(figures)
    return figures


AREAS: dict[str, Callable[[], dict[str, float]]] = {
    "pipeline": pipeline,
    "rating": rating,
    "billing": billing,
    "alerts": alerts,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("areas", nargs="*", help=f"some of {', '.join(AREAS)} (default: all)")
    chosen = parser.parse_args().areas or list(AREAS)
    if unknown := [name for name in chosen if name not in AREAS]:
        parser.error(f"unknown area {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        print(f"== {name}", flush=True)
        figures = AREAS[name]()
        existing = json.loads(OUTPUT.read_text()) if OUTPUT.exists() else {}
        OUTPUT.write_text(json.dumps({**existing, **figures}, indent=2) + "\n")
    print(f"written to {OUTPUT}")


if __name__ == "__main__":
    main()

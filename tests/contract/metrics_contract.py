"""The metric contract (contracts/metrics.yaml) and reading a /metrics page against it.

A plain module (not conftest.py): the contract tests and the end-to-end test share it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

METRICS_FILE = Path(__file__).resolve().parents[2] / "contracts" / "metrics.yaml"
SERVICES = ("metering", "rating", "billing", "budget-monitor")
PREFIXES = {"metering": "metering_", "rating": "rating_", "billing": "billing_"}
PREFIXES |= {"budget-monitor": "budget_monitor_", "shared": "chargeback_"}


@dataclass(frozen=True)
class Documented:
    name: str  # as scraped: counters end in _total
    type: str
    help: str
    labels: dict[str, list[str] | None]

    @property
    def family(self) -> str:
        """The family name the exposition parser reports (a counter's without `_total`)."""
        return self.name.removesuffix("_total") if self.type == "counter" else self.name

    def preset_label_sets(self) -> list[dict[str, str]]:
        """Every combination of the listed label values (present from start-up)."""
        if not self.labels or any(v is None for v in self.labels.values()):
            return []
        names = list(self.labels)
        values = [self.labels[n] or [] for n in names]
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def documented() -> dict[str, list[Documented]]:
    raw = yaml.safe_load(METRICS_FILE.read_text())
    return {
        group: [
            Documented(name, spec["type"], spec["help"], spec.get("labels") or {})
            for name, spec in entries.items()
        ]
        for group, entries in raw.items()
    }


def for_service(service: str) -> list[Documented]:
    """What one service's /metrics must show: its own metrics and the shared ones."""
    contract = documented()
    return contract[service] + contract["shared"]


def parse(text: str) -> dict[str, object]:
    """Families by name; raises ValueError where the text is not the exposition format."""
    return {family.name: family for family in text_string_to_metric_families(text)}


def problems(service: str, text: str) -> list[str]:
    """How a service's /metrics page differs from the contract (empty when it agrees)."""
    families = parse(text)
    found: list[str] = []
    expected = for_service(service)
    for metric in expected:
        family = families.get(metric.family)
        if family is None:
            found.append(f"{metric.name}: documented, not exposed")
            continue
        if family.type != metric.type:  # type: ignore[attr-defined]
            found.append(f"{metric.name}: type {family.type} != documented {metric.type}")  # type: ignore[attr-defined]
        if family.documentation != metric.help:  # type: ignore[attr-defined]
            found.append(f"{metric.name}: help text differs from the contract")
        shown = [s.labels for s in family.samples]  # type: ignore[attr-defined]
        for labels in metric.preset_label_sets():
            if not any(labels.items() <= sample.items() for sample in shown):
                found.append(f"{metric.name}: no sample labelled {labels}")
    own = {PREFIXES[service], PREFIXES["shared"]}
    known = {m.family for m in expected}
    for name in families:
        if any(name.startswith(p) for p in own) and name not in known:
            found.append(f"{name}: exposed, not documented in contracts/metrics.yaml")
    return found

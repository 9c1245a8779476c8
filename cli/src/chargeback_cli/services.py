"""The four services `chargeback up` starts, their documented ports, and the processes of
each (rating may run several workers: `rating`, `rating-2`, …, sharing its partitions)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from chargeback_cli.embedded import free_port, port_free


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    env_prefix: str
    default_port: int

    @property
    def port_variable(self) -> str:
        return f"{self.env_prefix}PORT"


SERVICES = (
    ServiceSpec("metering", "metering", "METERING_", 8001),
    ServiceSpec("rating", "rating", "RATING_", 8002),
    ServiceSpec("billing", "billing", "BILLING_", 8003),
    ServiceSpec("budget-monitor", "budget_monitor", "BUDGET_MONITOR_", 8004),
)


class PortBusy(RuntimeError):
    """A documented port is taken: `chargeback up` stops rather than move a service."""


def process_names(rating_workers: int) -> list[str]:
    """Every process of the platform: one per service, and `rating-2`… for more workers."""
    names = []
    for spec in SERVICES:
        names.append(spec.name)
        if spec.name == "rating":
            names += [f"rating-{n}" for n in range(2, rating_workers + 1)]
    return names


def spec_of(process: str) -> ServiceSpec:
    """The service a process runs (`rating-3` runs rating)."""
    service = process if process in {s.name for s in SERVICES} else process.rsplit("-", 1)[0]
    return next(s for s in SERVICES if s.name == service)


def assign_port(process: str, *, fixed: bool) -> int:
    """The documented port (or the one its variable names) of a service's first process;
    a free one for extra workers and for tests (`fixed=False`). A documented port that is
    taken is an error that names it and the variable to change, never a silent move."""
    spec = spec_of(process)
    if not fixed or process != spec.name:
        return free_port()
    port = int(os.environ.get(spec.port_variable) or spec.default_port)
    if not port_free(port):
        raise PortBusy(
            f"port {port} of {spec.name} is in use (another `chargeback up`, or another "
            f"program): stop it, or set {spec.port_variable} to a free port"
        )
    return port

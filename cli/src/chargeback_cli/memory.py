"""The embedded broker keeps every message in memory (Tansu's memory storage): how much
it holds, and a warning before the machine runs out.

Measured: about 2.3 KB a usage event held (the event on usage.events and usage.ingest
paths, its charge on usage.rated), so 1,000 events/s fill 8 GB an hour.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

WARN_SHARE = 0.25  # of the memory the broker could still use (held + available)
WARN_HOURS_LEFT = 1.0
WINDOW = 60  # samples kept for the growth rate


def rss_bytes(pid: int | None) -> int | None:
    """A process's resident memory, from /proc (None where there is no /proc or process)."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def available_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@dataclass
class BrokerMemory:
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=WINDOW))

    def record(self, at: float, held: int) -> None:
        self.samples.append((at, held))

    def growth_per_s(self) -> float:
        if len(self.samples) < 2:
            return 0.0
        (t0, m0), (t1, m1) = self.samples[0], self.samples[-1]
        return max(0.0, (m1 - m0) / (t1 - t0)) if t1 > t0 else 0.0

    def hours_left(self, available: int) -> float | None:
        growth = self.growth_per_s()
        return available / growth / 3600 if growth > 0 else None

    def warning(self, held: int, available: int) -> str | None:
        """Why to stop soon, or None: the broker holds a large share of what is left, or
        at its current growth the machine's memory runs out within the hour."""
        hours = self.hours_left(available)
        if held > WARN_SHARE * (held + available):
            return (
                f"the embedded broker holds {mib(held)} of memory ({mib(available)} left): "
                "restart `chargeback up` (it starts empty) or point it at a real Kafka"
            )
        if hours is not None and hours < WARN_HOURS_LEFT:
            return (
                f"at this rate the embedded broker fills the remaining {mib(available)} "
                f"in {hours * 60:.0f} min: lower the rate or use a real Kafka"
            )
        return None


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"

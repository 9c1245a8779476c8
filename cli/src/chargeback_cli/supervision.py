"""`chargeback up` keeps its services running: a service process that dies is started
again, with a log line and a count; the summary on exit says how often."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from chargeback_cli.embedded import ManagedProcess

MIN_RESTART_INTERVAL_S = 2.0  # a service that dies at once is not restarted in a hot loop


class Restartable(Protocol):
    processes: dict[str, ManagedProcess]

    def start_service(self, name: str) -> ManagedProcess: ...


@dataclass
class Supervisor:
    stack: Restartable
    clock: Callable[[], float] = time.monotonic
    restarts: Counter[str] = field(default_factory=Counter)
    _last: dict[str, float] = field(default_factory=dict)

    def check(self) -> list[str]:
        """Restart every service process found dead; one message for each."""
        messages = []
        for name, process in list(self.stack.processes.items()):
            if process.alive():
                continue
            now = self.clock()
            if now - self._last.get(name, float("-inf")) < MIN_RESTART_INTERVAL_S:
                continue
            code = process.returncode
            process.stop()  # closes its log; kills what the dead leader left in its group
            self.stack.start_service(name)
            self._last[name] = now
            self.restarts[name] += 1
            messages.append(
                f"{name} exited (code {code}); restarted it "
                f"({self.restarts[name]} restart{'s' if self.restarts[name] > 1 else ''})"
            )
        return messages

    def summary(self) -> str:
        if not self.restarts:
            return "no service was restarted"
        counted = ", ".join(f"{name} ×{n}" for name, n in sorted(self.restarts.items()))
        return f"restarted: {counted} (see var/run/logs/<service>.log)"

"""What `chargeback up` shows: where everything is, copyable keys, then a live table of the
demo traffic, the services (restarts) and the embedded broker's memory."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from rich.console import Console
from rich.live import Live
from rich.table import Table

from chargeback.emitter import EmitError, HttpEmitter
from chargeback.settings import InfraSettings
from chargeback_cli.demo import DemoCatalog, demo_events
from chargeback_cli.memory import BrokerMemory, available_bytes, mib, rss_bytes
from chargeback_cli.stack import Stack
from chargeback_cli.supervision import Supervisor


def started_banner(stack: Stack, run_dir: Path) -> str:
    """Addresses, the keys file and the demo keys as lines to paste into a shell."""
    period = time.strftime("%Y-%m", time.gmtime())
    rows = [f"  {name:15} {stack.url(name)}" for name in stack.process_names]
    default = stack.keys_file == InfraSettings().chargeback_keys_file.resolve()
    hint = "" if default else f" with CHARGEBACK_KEYS_FILE={stack.keys_file}"
    return "\n".join(
        [
            f"\n[bold green]Platform running[/]  (logs in {run_dir}/logs)",
            *rows,
            f"  [bold]dashboard       {stack.url('billing')}/dashboard/[/]",
            f"  kafka           {stack.kafka}\n  redis           {stack.redis}",
            f"  ledger          {stack.database}",
            f"  keys file       {stack.keys_file}  (`chargeback keys create|list|revoke`{hint})",
            "\nKeys for this run (paste into a shell):",
            f"  export CHARGEBACK_API_KEY={stack.finance_key}   # finance",
            f"  export EMITTER_KEY={stack.emitter_key}   # emitter, any source",
            "\nTry:",
            '  curl -H "Authorization: Bearer $CHARGEBACK_API_KEY" '
            f"'{stack.url('billing')}/v1/invoices?customer=acme&period={period}'",
            "\nCtrl-C stops everything.",
        ]
    )


class LiveView:
    def __init__(self, stack: Stack, supervisor: Supervisor, console: Console) -> None:
        self.stack, self.supervisor, self.console = stack, supervisor, console
        self.memory = BrokerMemory()
        self.sent = self.duplicates = self.failures = 0
        self.warned = False

    def run(self, *, demo: bool, rate: float) -> None:
        events = demo_events(DemoCatalog.from_price_book(self.stack.config.price_book))
        batch = max(1, int(rate))
        with (
            HttpEmitter(self.stack.url("metering"), self.stack.emitter_key) as emitter,
            Live(console=self.console, refresh_per_second=2) as live,
        ):
            while True:
                started = time.monotonic()
                if demo:
                    self._send(emitter, list(itertools.islice(events, batch)))
                for message in self.supervisor.check():
                    self.console.log(f"[yellow]{message}")
                live.update(self._table())
                time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))

    def _send(self, emitter: HttpEmitter, events: list[dict[str, object]]) -> None:
        try:
            result = emitter.send(events)
            self.sent += result["accepted"]
            self.duplicates += result["duplicates"]
        except (EmitError, OSError) as exc:
            self.failures += 1
            self.console.log(f"[yellow]demo emitter: {exc}")

    def _broker_row(self) -> str:
        held = rss_bytes(self.stack.broker.pid) if self.stack.broker else None
        available = available_bytes()
        if held is None or available is None:
            return "not embedded" if self.stack.broker is None else "unknown"
        self.memory.record(time.monotonic(), held)
        warning = self.memory.warning(held, available)
        if warning and not self.warned:
            self.console.log(f"[bold yellow]warning: {warning}")
            self.warned = True
        hours = self.memory.hours_left(available)
        left = f", machine full in ~{hours:,.1f} h at this rate" if hours else ""
        return f"{mib(held)} (everything since start is held in memory{left})"

    def _table(self) -> Table:
        table = Table(box=None)
        table.add_row("demo events accepted", f"{self.sent:,}")
        table.add_row("duplicates", f"{self.duplicates:,}")
        table.add_row("failed requests", f"{self.failures:,}")
        restarts = ", ".join(f"{n} ×{c}" for n, c in sorted(self.supervisor.restarts.items()))
        table.add_row("services restarted", restarts or "none")
        table.add_row("embedded broker memory", self._broker_row())
        return table

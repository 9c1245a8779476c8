"""`chargeback up`: the platform on this machine until Ctrl-C, with a demo emitter, a live
view (demo traffic, restarts, the embedded broker's memory) and a summary on exit."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from chargeback.settings import InfraSettings
from chargeback_cli.services import PortBusy
from chargeback_cli.stack import Stack, StackConfig
from chargeback_cli.supervision import Supervisor
from chargeback_cli.up_view import LiveView, started_banner

console = Console()
RunDir = Annotated[Path, typer.Option(help="Where logs, keys and the SQLite ledger go.")]


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def up(
    run_dir: RunDir = Path("var/run"),
    demo: Annotated[bool, typer.Option(help="Send synthetic usage through the HTTP API.")] = True,
    rate: Annotated[float, typer.Option(help="Demo events per second.")] = 20.0,
    rating_workers: Annotated[
        int, typer.Option(min=1, max=16, help="Rating processes sharing usage.events.")
    ] = 1,
) -> None:
    """Start the platform (embedded broker, Redis and ledger unless URLs are set) until Ctrl-C.

    Services listen on their documented ports (8001-8004, or METERING_PORT etc.); a port in
    use stops the start with its name. A service that dies is restarted."""
    signal.signal(signal.SIGTERM, _raise_interrupt)
    config = StackConfig(
        run_dir=run_dir.resolve(),
        infra=InfraSettings(),
        fixed_ports=True,
        rating_workers=rating_workers,
    )
    stack = Stack(config)
    supervisor = Supervisor(stack)
    try:
        with console.status("starting") as status:
            stack.start(progress=lambda msg: (status.update(msg), console.log(msg)))
        console.print(started_banner(stack, run_dir), soft_wrap=True)
        LiveView(stack, supervisor, console).run(demo=demo, rate=rate)
    except PortBusy as busy:
        console.print(f"[bold red]cannot start:[/] {busy}", soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("\nstopping…")
    finally:
        stack.stop()
        console.print(f"stopped. {supervisor.summary()}", soft_wrap=True)


__all__ = ["up"]

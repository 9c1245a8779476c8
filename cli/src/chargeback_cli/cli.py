"""`chargeback`: the one command for people. `up` runs the platform, `emit` sends usage.

`keys`, `pricebook`, `budgets` and `plans` are the services' own command apps, mounted here: each
service runs the same commands itself (`python -m rating pricebook validate FILE`).
"""

from __future__ import annotations

import itertools
import json
import signal
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from budget_monitor.cli import app as budgets_app
from budget_monitor.plans_cli import app as plans_app
from chargeback.admin import keys_app
from chargeback.settings import InfraSettings
from rating.cli import app as pricebook_app

app = typer.Typer(help="Usage metering and chargeback platform.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(pricebook_app, name="pricebook")
app.add_typer(budgets_app, name="budgets")
app.add_typer(plans_app, name="plans")
console = Console()

RunDir = Annotated[Path, typer.Option(help="Where logs, keys and the SQLite ledger go.")]


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


@app.command()
def up(
    run_dir: RunDir = Path("var/run"),
    demo: Annotated[bool, typer.Option(help="Send synthetic usage through the HTTP API.")] = True,
    rate: Annotated[float, typer.Option(help="Demo events per second.")] = 20.0,
) -> None:
    """Start the platform (embedded broker, Redis and ledger unless URLs are set) until Ctrl-C."""
    from chargeback_cli.stack import SERVICES, Stack, StackConfig

    signal.signal(signal.SIGTERM, _raise_interrupt)
    stack = Stack(StackConfig(run_dir=run_dir.resolve(), infra=InfraSettings(), fixed_ports=True))
    try:
        with console.status("starting") as status:
            stack.start(progress=lambda msg: (status.update(msg), console.log(msg)))
        console.print(f"\n[bold green]Platform running[/]  (logs in {run_dir}/logs)")
        for spec in SERVICES:
            console.print(f"  {spec.name:15} {stack.url(spec.name)}")
        console.print(f"  [bold]dashboard       {stack.url('billing')}/dashboard/[/]")
        console.print(f"  kafka           {stack.kafka}\n  redis           {stack.redis}")
        console.print(f"  ledger          {stack.database}")
        console.print(f"\n  finance API key: [bold]{stack.finance_key}[/]")
        console.print(f"  emitter API key: [bold]{stack.emitter_key}[/]")
        console.print(
            f"\n  try: curl -H 'Authorization: Bearer {stack.finance_key}' "
            f"'{stack.url('billing')}/v1/invoices?customer=acme&period="
            f"{time.strftime('%Y-%m', time.gmtime())}'\n\nCtrl-C stops everything."
        )
        if demo:
            _run_demo(stack, rate)
        else:
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nstopping…")
    finally:
        stack.stop()
        console.print("stopped.")


def _run_demo(stack: Any, rate: float) -> None:
    from chargeback.emitter import EmitError, HttpEmitter
    from chargeback_cli.demo import DemoCatalog, demo_events

    events = demo_events(DemoCatalog.from_price_book(stack.config.price_book))
    sent = duplicates = failures = 0
    batch = max(1, int(rate))
    with (
        HttpEmitter(stack.url("metering"), stack.emitter_key) as emitter,
        Live(console=console, refresh_per_second=2) as live,
    ):
        while True:
            started = time.monotonic()
            try:
                result = emitter.send(list(itertools.islice(events, batch)))
                sent += result["accepted"]
                duplicates += result["duplicates"]
            except (EmitError, OSError) as exc:
                failures += 1
                console.log(f"[yellow]demo emitter: {exc}")
            down = [name for name, p in stack.processes.items() if not p.alive()]
            table = Table(box=None)
            table.add_row("demo events accepted", str(sent))
            table.add_row("duplicates", str(duplicates))
            table.add_row("failed requests", str(failures))
            table.add_row("services down", ", ".join(down) or "none")
            live.update(table)
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


@app.command()
def emit(
    url: Annotated[str, typer.Option(help="Metering API base URL.")] = "http://127.0.0.1:8001",
    key: Annotated[str, typer.Option(envvar="CHARGEBACK_API_KEY", help="Emitter API key.")] = "",
    file: Annotated[Path | None, typer.Option(help="JSON lines of CloudEvents to send.")] = None,
    count: Annotated[int, typer.Option(help="Synthetic events to send (no --file).")] = 100,
    batch: Annotated[int, typer.Option(help="Events per request.")] = 500,
    price_book: Annotated[
        Path | None, typer.Option(help="Meters to use for synthetic events.")
    ] = None,
) -> None:
    """Send usage events to the metering API, from a file or synthetic."""
    from rich.progress import track

    from chargeback.emitter import EmitError, HttpEmitter
    from chargeback_cli.demo import DemoCatalog, demo_events
    from chargeback_cli.stack import DEFAULT_PRICE_BOOK

    if not key:
        raise typer.BadParameter("an API key is needed: --key or CHARGEBACK_API_KEY")
    if file is not None:
        events = [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    else:
        catalog = DemoCatalog.from_price_book(price_book or DEFAULT_PRICE_BOOK)
        events = list(itertools.islice(demo_events(catalog), count))
    accepted = duplicates = 0
    with HttpEmitter(url, key) as emitter:
        for start in track(range(0, len(events), batch), description="sending"):
            try:
                result = emitter.send(events[start : start + batch])
            except EmitError as exc:
                console.print(f"[red]refused at event {start}:[/] {json.dumps(exc.body)}")
                raise typer.Exit(1) from None
            accepted += result["accepted"]
            duplicates += result["duplicates"]
    console.print(f"accepted {accepted}, duplicates {duplicates}")


@app.command()
def invoice(
    customer: str,
    period: str,
    url: Annotated[str, typer.Option(help="Billing API base URL.")] = "http://127.0.0.1:8003",
    key: Annotated[str, typer.Option(envvar="CHARGEBACK_API_KEY")] = "",
) -> None:
    """Show a customer's invoice for a period (YYYY-MM)."""
    import httpx

    response = httpx.get(
        f"{url}/v1/invoices",
        params={"customer": customer, "period": period},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    if response.status_code != 200:
        console.print(f"[red]HTTP {response.status_code}:[/] {response.text}")
        raise typer.Exit(1)
    doc = response.json()
    table = Table(title=f"{doc['customer']} {doc['period']} ({doc['status']})")
    for column in ("service", "meter", "quantity", "unit", "amount"):
        table.add_column(column, justify="right" if column in ("quantity", "amount") else "left")
    for line in doc["lines"]:
        table.add_row(
            line["service"], line["meter"], line["quantity"], line["unit"], line["amount"]
        )
    table.add_row("", "", "", "total", f"{doc['total']} {doc['currency']}")
    console.print(table)


@app.command("what-if")
def what_if(
    events: Annotated[Path, typer.Argument(help="JSON lines of usage events (CloudEvents).")],
    price_book: Annotated[Path, typer.Option(help="The price book to rate them under.")],
) -> None:
    """Rate events offline under a price book; totals per customer and service. Touches nothing."""
    from rich.progress import track

    from chargeback import codec
    from chargeback.contracts import UsageEvent
    from terms.adapters.files import load_catalog
    from terms.domain import rate_events, totals

    lines = [line for line in events.read_text().splitlines() if line.strip()]
    parsed = [
        UsageEvent.model_validate(codec.loads(line)) for line in track(lines, description="reading")
    ]
    charges, rejections = rate_events(parsed, load_catalog(price_book))
    table = Table(title=f"{len(charges)} events rated, {len(rejections)} rejected")
    for column in ("customer", "service", "amount", "currency"):
        table.add_column(column, justify="right" if column == "amount" else "left")
    by_pair = totals(charges, key=lambda c: f"{c.customer}\t{c.service}")
    for (pair, currency), amount in sorted(by_pair.items()):
        customer, service = pair.split("\t")
        table.add_row(customer, service, str(amount), currency)
    console.print(table)


def main() -> None:
    app()

"""`chargeback emit`: usage events from a file or synthetic, to the metering API over HTTP
or, with `--kafka`, straight to `usage.ingest` with `KafkaEmitter` (kafka-python)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import track

from chargeback.emitter import EmitError, HttpEmitter, KafkaEmitter
from chargeback_cli.demo import DemoCatalog, demo_events
from chargeback_cli.stack import DEFAULT_PRICE_BOOK

console = Console()


def _events(file: Path | None, count: int, price_book: Path | None) -> list[dict[str, Any]]:
    if file is not None:
        return [json.loads(line) for line in file.read_text().splitlines() if line.strip()]
    catalog = DemoCatalog.from_price_book(price_book or DEFAULT_PRICE_BOOK)
    return list(itertools.islice(demo_events(catalog), count))


def emit(
    url: Annotated[
        str, typer.Option(envvar="CHARGEBACK_METERING_URL", help="Metering API base URL.")
    ] = "http://127.0.0.1:8001",
    key: Annotated[str, typer.Option(envvar="CHARGEBACK_API_KEY", help="Emitter API key.")] = "",
    file: Annotated[Path | None, typer.Option(help="JSON lines of CloudEvents to send.")] = None,
    count: Annotated[int, typer.Option(help="Synthetic events to send (no --file).")] = 100,
    batch: Annotated[int, typer.Option(help="Events per request.")] = 500,
    price_book: Annotated[
        Path | None, typer.Option(help="Meters to use for synthetic events.")
    ] = None,
    kafka: Annotated[
        str | None,
        typer.Option(
            help="Produce to usage.ingest on these bootstrap servers instead (no key needed; "
            "metering validates what arrives there)."
        ),
    ] = None,
) -> None:
    """Send usage events to the metering API (or to Kafka), from a file or synthetic."""
    events = _events(file, count, price_book)
    if kafka is not None:
        emitter = KafkaEmitter(kafka)
        try:
            for start in track(range(0, len(events), batch), description="producing"):
                emitter.send(events[start : start + batch])
        finally:
            emitter.close()
        console.print(f"produced {len(events)} to usage.ingest at {kafka}")
        return
    if not key:
        raise typer.BadParameter("an API key is needed: --key or CHARGEBACK_API_KEY")
    accepted = duplicates = 0
    with HttpEmitter(url, key) as http:
        for start in track(range(0, len(events), batch), description="sending"):
            try:
                result = http.send(events[start : start + batch])
            except EmitError as exc:
                console.print(f"[red]refused at event {start}:[/] {json.dumps(exc.body)}")
                raise typer.Exit(1) from None
            accepted += result["accepted"]
            duplicates += result["duplicates"]
    console.print(f"accepted {accepted}, duplicates {duplicates}")

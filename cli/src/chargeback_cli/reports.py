"""`chargeback invoice` and `chargeback what-if`: amounts as invoices print them (rounded
once to the currency's minor unit, half up), full precision with `--exact`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from chargeback.display import amount_text, change_percent
from chargeback.money import exact_sum
from chargeback_cli.stack import DEFAULT_PRICE_BOOK

console = Console()
Exact = Annotated[bool, typer.Option("--exact", help="Amounts at full precision, unrounded.")]
Totals = Mapping[tuple[str, str], Decimal]  # (customer, service) -> amount, one currency


def invoice(
    customer: str,
    period: str,
    url: Annotated[
        str, typer.Option(envvar="CHARGEBACK_BILLING_URL", help="Billing API base URL.")
    ] = "http://127.0.0.1:8003",
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
    currency = doc["currency"]
    table = Table(title=f"{doc['customer']} {doc['period']} ({doc['status']})")
    for column in ("service", "meter", "quantity", "unit", "amount"):
        table.add_column(column, justify="right" if column in ("quantity", "amount") else "left")
    for line in doc["lines"]:
        shown = amount_text(line["amount"], currency)
        table.add_row(line["service"], line["meter"], line["quantity"], line["unit"], shown)
    table.add_row("", "", "", "total", amount_text(doc["total"], currency))
    console.print(table)


def _rated(
    events: Path, price_book: Path, *, as_proposed: bool
) -> tuple[dict[str, Totals], int, int]:
    """Totals per currency and (customer, service) of the events rated under a price book:
    its versions as they take effect, or (`as_proposed`) its latest one for every event."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from chargeback import codec
    from chargeback.contracts import UsageEvent
    from terms.adapters.files import load_catalog
    from terms.domain import PriceBookCatalog, rate_events

    lines = [line for line in events.read_text().splitlines() if line.strip()]
    parsed = [UsageEvent.model_validate(codec.loads(line)) for line in lines]
    catalog = load_catalog(price_book)
    if as_proposed:
        always = datetime(2000, 1, 1, tzinfo=UTC)
        catalog = PriceBookCatalog([replace(catalog.versions[-1], effective_from=always)])
    charges, rejections = rate_events(parsed, catalog)
    grouped: dict[str, dict[tuple[str, str], list[Decimal]]] = {}
    for charge in charges:
        pair = (charge.customer, charge.service)
        grouped.setdefault(charge.currency, {}).setdefault(pair, []).append(charge.amount)
    totals = {c: {p: exact_sum(a) for p, a in by.items()} for c, by in grouped.items()}
    return totals, len(charges), len(rejections)


def what_if(
    events: Annotated[Path, typer.Argument(help="JSON lines of usage events (CloudEvents).")],
    price_book: Annotated[
        Path, typer.Option(help="The proposed price book (its latest version, for every event).")
    ],
    current: Annotated[
        Path | None,
        typer.Option(
            help="The price book in force (default: CHARGEBACK_PRICE_BOOK, else the "
            "example make run publishes)."
        ),
    ] = None,
    exact: Exact = False,
) -> None:
    """Rate events offline under the current and a proposed price book, side by side per
    customer and service, with the change. Touches nothing."""
    now_book = current or Path(os.environ.get("CHARGEBACK_PRICE_BOOK") or DEFAULT_PRICE_BOOK)
    before, _, _ = _rated(events, now_book, as_proposed=False)
    after, rated, rejected = _rated(events, price_book, as_proposed=True)
    table = Table(
        title=f"{rated} events rated, {rejected} rejected under {price_book.name} "
        f"(current: {now_book.name})"
    )
    for column in ("customer", "service", "current", "proposed", "change", "change %"):
        table.add_column(column, justify="left" if column in ("customer", "service") else "right")
    for currency in sorted(set(before) | set(after)):
        was, will = before.get(currency, {}), after.get(currency, {})
        for pair in sorted(set(was) | set(will)):
            old, new = was.get(pair, Decimal(0)), will.get(pair, Decimal(0))
            table.add_row(
                *pair,
                amount_text(old, currency, exact=exact),
                amount_text(new, currency, exact=exact),
                amount_text(new - old, currency, exact=exact),
                change_percent(old, new),
            )
    console.print(table)

"""`budgets` commands: list, create, delete and show budgets through the monitor's API.

python -m budget_monitor budgets create --customer acme --amount 500 --currency USD --threshold 50 …
chargeback budgets status acme-monthly   # the same commands, in the people's CLI
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import typer

from chargeback.display import amount_text, percent_text

app = typer.Typer(help="Budgets: list, create, delete, status.", no_args_is_help=True)

Url = Annotated[str, typer.Option(envvar="BUDGET_MONITOR_URL", help="Budget monitor API base URL.")]
Key = Annotated[str, typer.Option("--key", envvar="CHARGEBACK_API_KEY", help="API key.")]
DEFAULT_URL = "http://127.0.0.1:8004"


def _client(url: str, key: str, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    if not key:
        raise typer.BadParameter("an API key is needed: --key or CHARGEBACK_API_KEY")
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.Client(base_url=url, headers=headers, timeout=30, transport=transport)


def _answer(response: httpx.Response, expected: int = 200) -> Any:
    """The JSON of a successful answer; otherwise the API's reason, and exit 1."""
    if response.status_code == expected:
        return response.json() if response.content else None
    try:
        body = response.json()
        detail = str(body.get("detail", response.text))
        fields = [f"  {e['field']}: {e['reason']}" for e in body.get("errors", [])]
    except (ValueError, AttributeError, KeyError, TypeError):
        detail, fields = response.text, []
    typer.secho(f"error {response.status_code}: {detail}", err=True, fg=typer.colors.RED)
    for line in fields[1:] if len(fields) == 1 else fields:  # one field: already in detail
        typer.secho(line, err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


Exact = Annotated[bool, typer.Option("--exact", help="Amounts at full precision, unrounded.")]


def _spent(shown: dict[str, Any], exact: bool) -> str:
    spent = amount_text(shown["spent"], shown["currency"], exact=exact)
    amount = amount_text(shown["amount"], shown["currency"], exact=exact)
    return f"{spent} of {amount} ({percent_text(shown['percent'])})"


@app.command("list")
def list_budgets(url: Url = DEFAULT_URL, key: Key = "", exact: Exact = False) -> None:
    """Every budget you may see, with its spend in the current period (rounded as invoices
    round; --exact for full precision)."""
    with _client(url, key) as client:
        budgets = _answer(client.get("/v1/budgets"))["budgets"]
    if not budgets:
        typer.echo("no budgets")
    for b in budgets:
        scope = "/".join(b[k] for k in ("customer", "cost_center", "service") if b.get(k))
        typer.echo(f"{b['id']:<28} {scope:<24} {b['period']:<10} {_spent(b, exact)}")


@app.command()
def create(
    amount: Annotated[str, typer.Option(help='Decimal amount, e.g. "2500.00".')],
    currency: Annotated[str, typer.Option(help="ISO 4217 code.")],
    budget_id: Annotated[str | None, typer.Option("--id", help="Default: generated.")] = None,
    customer: Annotated[str | None, typer.Option()] = None,
    cost_center: Annotated[str | None, typer.Option()] = None,
    service: Annotated[str | None, typer.Option()] = None,
    period: Annotated[str, typer.Option(help="monthly, quarterly, annual or custom.")] = "monthly",
    start: Annotated[str | None, typer.Option(help="Custom period: first day.")] = None,
    end: Annotated[str | None, typer.Option(help="Custom period: day after the last.")] = None,
    time_zone: Annotated[str | None, typer.Option(help="Default: the customer's.")] = None,
    threshold: Annotated[list[str] | None, typer.Option(help="% of actual spend.")] = None,
    forecast_threshold: Annotated[list[str] | None, typer.Option(help="% of forecast.")] = None,
    url: Url = DEFAULT_URL,
    key: Key = "",
) -> None:
    """Create a budget (no thresholds: 50, 80, 100 % actual and 100 % forecast)."""
    document = {
        "id": budget_id,
        "customer": customer,
        "cost_center": cost_center,
        "service": service,
        "amount": amount,
        "currency": currency,
        "period": period,
        "period_start": start,
        "period_end": end,
        "time_zone": time_zone,
        "thresholds": threshold or None,
        "forecast_thresholds": forecast_threshold or None,
    }
    body = {k: v for k, v in document.items() if v is not None}
    with _client(url, key) as client:
        made = _answer(client.post("/v1/budgets", json=body), 201)
    typer.echo(f"created {made['id']} ({made['period']}, {made['time_zone']})")


@app.command()
def delete(budget_id: str, url: Url = DEFAULT_URL, key: Key = "") -> None:
    """Delete a budget."""
    with _client(url, key) as client:
        _answer(client.delete(f"/v1/budgets/{budget_id}"), 204)
    typer.echo(f"deleted {budget_id}")


@app.command()
def status(
    budget_id: str,
    period: Annotated[str | None, typer.Option(help="e.g. 2026-11; default: now.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The API's answer as it is.")] = False,
    url: Url = DEFAULT_URL,
    key: Key = "",
    exact: Exact = False,
) -> None:
    """Spent, forecast, thresholds crossed and time left of one budget."""
    params = {"period": period} if period else {}
    with _client(url, key) as client:
        shown = _answer(client.get(f"/v1/budgets/{budget_id}/status", params=params))
    if as_json:
        typer.echo(json.dumps(shown, indent=2))
        return
    currency = shown["currency"]
    forecast = (
        f"{amount_text(shown['forecast'], currency, exact=exact)} "
        f"({percent_text(shown['forecast_percent'])})"
        if shown["forecast"] is not None
        else f"not before {shown['forecast_available_from']}"
    )
    typer.echo(
        f"{shown['id']} {shown['period']} ({shown['time_zone']})\n"
        f"  spent     {_spent(shown, exact)}\n"
        f"  forecast  {forecast}\n"
        f"  crossed   {_thresholds(shown['thresholds_crossed'])} "
        f"(forecast: {_thresholds(shown['forecast_thresholds_crossed'])})\n"
        f"  time left {shown['time_left_s'] / 86400:.1f} days"
    )


def _thresholds(crossed: list[str]) -> str:
    return ", ".join(percent_text(t) for t in crossed) or "none"


if __name__ == "__main__":
    app()

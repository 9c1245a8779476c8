"""The reading `plans` commands: list, show, diff, variance (mounted by `plans_cli`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from budget_monitor.cli import DEFAULT_URL, Key, Url
from budget_monitor.cli import _answer as answer
from budget_monitor.cli import _client as client
from budget_monitor.plans_output import show_diff, show_plan, show_variance

AsJson = Annotated[bool, typer.Option("--json", help="The API's answer as it is.")]


def print_json(shown: Any, as_json: bool) -> bool:
    """Print the API's answer as it is, if asked; whether it was."""
    if as_json:
        typer.echo(json.dumps(shown, indent=2))
    return as_json


def list_plans(url: Url = DEFAULT_URL, key: Key = "") -> None:
    """Every plan you may see, with its state and latest amount."""
    with client(url, key) as http:
        plans = answer(http.get("/v1/budget-plans"))["plans"]
    if not plans:
        typer.echo("no plans")
    for p in plans:
        scope = "/".join(p[k] for k in ("customer", "cost_center", "service") if p.get(k))
        typer.echo(
            f"{p['id']:<18} {scope:<24} FY{p['fiscal_year']} {p['state']:<10} "
            f"v{p['version']['number']} {p['version']['amount']} {p['currency']}"
        )


def show(plan_id: str, as_json: AsJson = False, url: Url = DEFAULT_URL, key: Key = "") -> None:
    """A plan: its state, latest version by month, and history."""
    with client(url, key) as http:
        found = answer(http.get(f"/v1/budget-plans/{plan_id}"))
    if not print_json(found, as_json):
        show_plan(found, history=True)


def diff(
    plan_id: str,
    before: Annotated[str | None, typer.Option("--from", help="N or <plan id>:N")] = None,
    after: Annotated[str | None, typer.Option("--to", help="N or <plan id>:N")] = None,
    url: Url = DEFAULT_URL, key: Key = "",
) -> None:  # fmt: skip
    """What changed between two versions, per month and for the year."""
    params = {k: v for k, v in (("from", before), ("to", after)) if v}
    with client(url, key) as http:
        show_diff(answer(http.get(f"/v1/budget-plans/{plan_id}/diff", params=params)))


def variance(
    plan_id: str,
    through: Annotated[str | None, typer.Option(help="YYYY-MM; default: this month.")] = None,
    csv: Annotated[bool, typer.Option("--csv", help="As CSV.")] = False,
    as_json: AsJson = False, url: Url = DEFAULT_URL, key: Key = "",
) -> None:  # fmt: skip
    """Plan, actual, forecast and variance by month, year to date, and the outturn."""
    params = {"through": through} if through else {}
    with client(url, key) as http:
        if csv:
            got = http.get(
                f"/v1/budget-plans/{plan_id}/variance", params=params | {"format": "csv"}
            )
            typer.echo(got.text.rstrip("\n") if got.status_code == 200 else answer(got))
            return
        found = answer(http.get(f"/v1/budget-plans/{plan_id}/variance", params=params))
    if not print_json(found, as_json):
        show_variance(found)

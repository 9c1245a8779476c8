"""How the `plans` commands print a plan, a diff and a variance report for people."""

from __future__ import annotations

from typing import Any

import typer


def _scope(plan: dict[str, Any]) -> str:
    return ", ".join(
        f"{k} {plan[k]}" for k in ("customer", "cost_center", "service") if plan.get(k)
    )


def show_plan(plan: dict[str, Any], *, history: bool = False) -> None:
    version = plan["version"]
    typer.echo(
        f"{plan['id']}  {_scope(plan)}  FY{plan['fiscal_year']} ({plan['months'][0]} to "
        f"{plan['months'][-1]})  {plan['state']}\n"
        f"  version {version['number']} ({version['kind']} by {version['author']}): "
        f"{version['amount']} {plan['currency']}, {version['phasing']}, {version['basis']}"
    )
    for month in version["months"]:
        typer.echo(f"    {month['period']}  {month['amount']:>14}")
    if history:
        for event in plan["history"]:
            why = f" — {event['comment']}" if event["comment"] else ""
            typer.echo(f"  {event['at']}  {event['action']:<9} {event['actor']}{why}")


def show_diff(found: dict[str, Any]) -> None:
    before, after = found["before"], found["after"]
    typer.echo(
        f"{before['plan_id']} v{before['version']} ({before['kind']}) -> "
        f"{after['plan_id']} v{after['version']} ({after['kind']})"
    )
    for line in [*found["months"], found["full_year"]]:
        percent = f" ({line['change_percent']} %)" if line["change_percent"] is not None else ""
        typer.echo(
            f"  {line['period']:<10} {line['before']:>14} {line['after']:>14} "
            f"{line['change']:>14}{percent}"
        )


def _cell(value: str | None) -> str:
    return "" if value is None else value


def show_variance(found: dict[str, Any]) -> None:
    typer.echo(
        f"{found['plan_id']} v{found['version']} through {found['through']} "
        f"({found['currency']}; forecast: {found['forecast_method']})"
    )
    typer.echo(
        f"  {'period':<13}{'plan':>12}{'actual':>14}{'forecast':>12}{'variance':>14}{'%':>9}"
    )
    for line in [*found["months"], found["year_to_date"], found["full_year"]]:
        typer.echo(
            f"  {line['period']:<13}{line['plan']:>12}{_cell(line['actual']):>14}"
            f"{_cell(line['forecast']):>12}{_cell(line['variance']):>14}"
            f"{_cell(line['variance_percent']):>9}"
        )
    typer.echo(f"  outturn {found['outturn']}")
    for label, drivers in (("customers", found["by_customer"]), ("services", found["by_service"])):
        moved = ", ".join(f"{d['key']} {d['change']}" for d in drivers) or "none"
        typer.echo(f"  moved most ({label}, against last year): {moved}")

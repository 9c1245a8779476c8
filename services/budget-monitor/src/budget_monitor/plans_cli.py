"""`plans` commands: propose, counter, submit, approve, reject and read budget plans.

python -m budget_monitor plans propose --cost-center DIV-1 --fiscal-year 2027 --currency USD \\
    --basis prior_year --adjust 5 --phasing seasonal --variance-threshold 10
chargeback plans variance pln_1a2b3c --through 2027-05   # the same commands, in the people's CLI
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from budget_monitor.cli import DEFAULT_URL, Key, Url
from budget_monitor.cli import _answer as answer
from budget_monitor.cli import _client as client
from budget_monitor.plans_cli_reads import AsJson, diff, list_plans, print_json, show, variance
from budget_monitor.plans_output import show_plan

app = typer.Typer(
    help="Budget plans: propose, counter, submit, approve, variance.", no_args_is_help=True
)

Amount = Annotated[str | None, typer.Option(help='Annual amount, e.g. "120000.00".')]
Basis = Annotated[
    str | None, typer.Option(help="Propose the amount from prior_year or run_rate actuals.")
]
Adjust = Annotated[str, typer.Option(help="Percent added to the basis (negative: less).")]
RateMonths = Annotated[int, typer.Option(help="run_rate: months the rate is taken over.")]
Phasing = Annotated[str, typer.Option(help="even, seasonal (last year's months) or explicit.")]
Month = Annotated[list[str] | None, typer.Option(help="explicit: YYYY-MM=amount, every month.")]
Comment = Annotated[str, typer.Option(help="Why (kept with the version or step).")]


def _version(
    amount: str | None, basis: str | None, adjust: str, rate_months: int, phasing: str,
    month: list[str] | None, comment: str,
) -> dict[str, Any]:  # fmt: skip
    body: dict[str, Any] = {"phasing": phasing, "comment": comment}
    if amount is not None:
        body["amount"] = amount
    if basis is not None:
        body["basis"] = {"kind": basis, "adjust_percent": adjust, "months": rate_months}
    if month:
        pairs = [m.partition("=") for m in month]
        if any(not sep for _, sep, _ in pairs):
            raise typer.BadParameter("--month takes YYYY-MM=amount")
        body["months"] = {period: value for period, _, value in pairs}
    return body


@app.command()
def propose(
    fiscal_year: Annotated[int, typer.Option(help="Named by the year it starts in.")],
    currency: Annotated[str, typer.Option(help="ISO 4217 code.")],
    customer: Annotated[str | None, typer.Option()] = None,
    cost_center: Annotated[str | None, typer.Option(help="A node: all below it counts.")] = None,
    service: Annotated[str | None, typer.Option()] = None,
    first_month: Annotated[int | None, typer.Option(help="Default: the monitor's.")] = None,
    amount: Amount = None, basis: Basis = None, adjust: Adjust = "0", rate_months: RateMonths = 3,
    phasing: Phasing = "even", month: Month = None,
    variance_threshold: Annotated[str | None, typer.Option(help="Year-to-date % over.")] = None,
    supersedes: Annotated[str | None, typer.Option(help="Re-forecast this approved plan.")] = None,
    comment: Comment = "", as_json: AsJson = False, url: Url = DEFAULT_URL, key: Key = "",
) -> None:  # fmt: skip
    """Propose a plan (finance): a draft with its first version."""
    body = _version(amount, basis, adjust, rate_months, phasing, month, comment)
    named = {"customer": customer, "cost_center": cost_center, "service": service,
             "first_month": first_month, "variance_threshold_percent": variance_threshold,
             "supersedes": supersedes}  # fmt: skip
    body |= {"fiscal_year": fiscal_year, "currency": currency}
    body |= {k: v for k, v in named.items() if v is not None}
    with client(url, key) as http:
        made = answer(http.post("/v1/budget-plans", json=body), 201)
    if not print_json(made, as_json):
        show_plan(made)


@app.command()
def counter(
    plan_id: str, amount: Amount = None, basis: Basis = None, adjust: Adjust = "0",
    rate_months: RateMonths = 3, phasing: Phasing = "even", month: Month = None,
    comment: Comment = "", as_json: AsJson = False, url: Url = DEFAULT_URL, key: Key = "",
) -> None:  # fmt: skip
    """A new version: the business unit's counter-proposal (finance's: a revision)."""
    body = _version(amount, basis, adjust, rate_months, phasing, month, comment)
    with client(url, key) as http:
        made = answer(http.post(f"/v1/budget-plans/{plan_id}/versions", json=body), 201)
    if not print_json(made, as_json):
        show_plan(made)


def _step(plan_id: str, action: str, body: dict[str, Any], url: str, key: str) -> None:
    with client(url, key) as http:
        moved = answer(http.post(f"/v1/budget-plans/{plan_id}/{action}", json=body))
    typer.echo(f"{moved['id']} is {moved['state']} (version {moved['version']['number']})")
    if action == "approve":
        typer.echo(f"budgets: {', '.join(moved['budgets'])}")


@app.command()
def submit(plan_id: str, comment: Comment = "", url: Url = DEFAULT_URL, key: Key = "") -> None:
    """Send a draft for approval (finance or the business unit)."""
    _step(plan_id, "submit", {"comment": comment}, url, key)


@app.command()
def approve(
    plan_id: str,
    version: Annotated[int | None, typer.Option(help="The version reviewed (the latest).")] = None,
    comment: Comment = "", url: Url = DEFAULT_URL, key: Key = "",
) -> None:  # fmt: skip
    """Approve (finance only): the plan's monthly, annual and year-to-date budgets are made."""
    body: dict[str, Any] = {"comment": comment} | ({"version": version} if version else {})
    _step(plan_id, "approve", body, url, key)


@app.command()
def reject(plan_id: str, comment: Comment = "", url: Url = DEFAULT_URL, key: Key = "") -> None:
    """Reject a submitted plan (finance only)."""
    _step(plan_id, "reject", {"comment": comment}, url, key)


app.command("list")(list_plans)
app.command()(show)
app.command()(diff)
app.command()(variance)

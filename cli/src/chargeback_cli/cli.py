"""`chargeback`: the one command for people. `up` runs the platform, `emit` sends usage,
`invoice` and `what-if` show amounts as invoices print them.

`keys`, `pricebook`, `budgets` and `plans` are the services' own command apps, mounted here: each
service runs the same commands itself (`python -m rating pricebook validate FILE`).
"""

from __future__ import annotations

import typer

from budget_monitor.cli import app as budgets_app
from budget_monitor.plans_cli import app as plans_app
from chargeback.admin import keys_app
from chargeback_cli.emit import emit
from chargeback_cli.reports import invoice, what_if
from chargeback_cli.up import up
from rating.cli import app as pricebook_app

app = typer.Typer(help="Usage metering and chargeback platform.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(pricebook_app, name="pricebook")
app.add_typer(budgets_app, name="budgets")
app.add_typer(plans_app, name="plans")
app.command()(up)
app.command()(emit)
app.command()(invoice)
app.command("what-if")(what_if)


def main() -> None:
    app()

"""The chart of accounts: which account a posting goes to, and what kind of account it is.

receivable:<customer>       asset     what an external customer owes (invoices)
chargeback:<cost center>    asset     what an internal cost center is charged back (the
                                      charge's own cost center; the customer id if none)
revenue:<service>           income    usage charged, per service
adjustments:<service>       income    late usage and commitment shortfalls
credit-notes:<service>      contra    corrections credited back (reduce income)
rounding                    income    the cents documents gain or lose to line rounding
showback:<customer>         memo      shown, not charged: a memorandum pair that balances
showback-offset:<service>   memo      by itself and never touches receivables or income
"""

from __future__ import annotations

from typing import Literal, Protocol

from billing.domain.customer_settings import StatementType

AccountType = Literal["asset", "income", "contra-income", "memo"]
ROUNDING = "rounding"

_TYPES: dict[str, AccountType] = {
    "receivable": "asset",
    "chargeback": "asset",
    "revenue": "income",
    "adjustments": "income",
    "credit-notes": "contra-income",
    "rounding": "income",
    "showback": "memo",
    "showback-offset": "memo",
}


class Billed(Protocol):
    """Who is billed and on which statement (billing settings, or a customer view)."""

    @property
    def id(self) -> str: ...

    @property
    def statement(self) -> StatementType: ...


def account_type(account: str) -> AccountType:
    return _TYPES[account.partition(":")[0]]


def customer_account(customer: Billed, *, cost_center: str | None) -> str:
    """The account a customer's charges are debited to; `cost_center` is the one the charge
    (or document) carries, never looked up again."""
    if customer.statement == "showback":
        return f"showback:{customer.id}"
    if customer.statement == "chargeback":
        return f"chargeback:{cost_center or customer.id}"
    return f"receivable:{customer.id}"


def income_account(customer: Billed, service: str, *, adjustment: bool = False) -> str:
    """The account a charge is credited to: the service's revenue, or its adjustments."""
    if customer.statement == "showback":
        return f"showback-offset:{service}"
    return f"{'adjustments' if adjustment else 'revenue'}:{service}"


def credit_note_account(customer: Billed, service: str) -> str:
    if customer.statement == "showback":
        return f"showback-offset:{service}"
    return f"credit-notes:{service}"


def rounding_account(customer: Billed) -> str:
    return "showback-offset:rounding" if customer.statement == "showback" else ROUNDING

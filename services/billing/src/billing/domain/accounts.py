"""The chart of accounts: which account a posting goes to, and what kind of account it is.

receivable:<customer>       asset     what an external customer owes (invoices)
chargeback:<cost center>    asset     what an internal cost center is charged back
revenue:<service>           income    usage charged, per service
adjustments:<service>       income    late usage, commitment shortfalls, volume true-ups
credit-notes:<service>      contra    corrections credited back (reduce income)
rounding                    income    the cents documents gain or lose to line rounding
showback:<customer>         memo      shown, not charged: a memorandum pair that balances
showback-offset:<service>   memo      by itself and never touches receivables or income
"""

from __future__ import annotations

from typing import Literal

from billing.domain.customers import Customer

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


def account_type(account: str) -> AccountType:
    return _TYPES[account.partition(":")[0]]


def customer_account(customer: Customer) -> str:
    """The account a customer's charges are debited to."""
    if customer.statement == "showback":
        return f"showback:{customer.id}"
    if customer.statement == "chargeback":
        return f"chargeback:{customer.cost_center or customer.id}"
    return f"receivable:{customer.id}"


def income_account(customer: Customer, service: str, *, adjustment: bool = False) -> str:
    """The account a charge is credited to: the service's revenue, or its adjustments."""
    if customer.statement == "showback":
        return f"showback-offset:{service}"
    return f"{'adjustments' if adjustment else 'revenue'}:{service}"


def credit_note_account(customer: Customer, service: str) -> str:
    if customer.statement == "showback":
        return f"showback-offset:{service}"
    return f"credit-notes:{service}"


def rounding_account(customer: Customer) -> str:
    return "showback-offset:rounding" if customer.statement == "showback" else ROUNDING

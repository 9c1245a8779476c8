"""Double-entry journal entries: every posting debits one account and credits another.

An entry's debits equal its credits by construction (`transfer`), amounts are exact
(rated precision; only rounding entries are in whole minor units), and a negative
amount moves the other way rather than posting a negative debit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from billing.domain import accounts
from billing.domain.accounts import Billed
from billing.domain.ledger import PlacedEntry
from chargeback.money import EXACT, ZERO

EntrySource = Literal["usage", "late_usage", "period_close", "rounding", "credit_note"]


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True, slots=True)
class JournalEntry:
    period: str  # the billed period the entry belongs to
    customer: str
    currency: str
    source: EntrySource
    description: str
    postings: tuple[Posting, ...]
    service: str | None = None
    usage_period: str | None = None  # for late usage: the period it happened in

    @property
    def memo(self) -> bool:
        return all(accounts.account_type(p.account) == "memo" for p in self.postings)


def transfer(debit_account: str, credit_account: str, amount: Decimal) -> tuple[Posting, ...]:
    """Debit one account and credit the other by `amount` (swapped when it is negative)."""
    if amount < 0:
        debit_account, credit_account, amount = credit_account, debit_account, amount.copy_negate()
    return (Posting(debit_account, amount, ZERO), Posting(credit_account, ZERO, amount))


def usage_entries(
    placed: Sequence[PlacedEntry], customers: Mapping[str, Billed]
) -> list[JournalEntry]:
    """One entry per customer, billed period, service, currency and usage period of a batch
    (and, for chargeback, per cost center: the charge's own, which names the account)."""
    sums: dict[tuple[str, str, str, str, str, str], Decimal] = {}
    for p in placed:
        c = p.entry.charge
        chargeback = customers[c.customer].statement == "chargeback"
        center = (c.cost_center or c.customer) if chargeback else ""
        key = (c.customer, str(p.billed), c.service, c.currency, str(p.usage), center)
        sums[key] = EXACT.add(sums.get(key, ZERO), c.amount)
    entries = []
    for (customer_id, billed, service, currency, usage, center), amount in sorted(sums.items()):
        if amount.is_zero():
            continue
        customer = customers[customer_id]
        late = usage != billed
        debit = accounts.customer_account(customer, cost_center=center or None)
        credit = accounts.income_account(customer, service, adjustment=late)
        entries.append(
            JournalEntry(
                period=billed,
                customer=customer_id,
                currency=currency,
                source="late_usage" if late else "usage",
                description=f"{service} usage of {usage}" + (" billed late" if late else ""),
                postings=transfer(debit, credit, amount),
                service=service,
                usage_period=usage,
            )
        )
    return entries


def balanced(entries: Iterable[JournalEntry]) -> bool:
    """Debits equal credits, per currency, over all these entries."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        for p in entry.postings:
            totals[entry.currency] = EXACT.add(
                totals.get(entry.currency, ZERO), EXACT.subtract(p.debit, p.credit)
            )
    return all(total.is_zero() for total in totals.values())

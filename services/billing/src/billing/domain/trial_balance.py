"""The trial balance of a period: every account's debits and credits, which must agree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from billing.domain.accounts import AccountType, account_type
from chargeback.money import EXACT, ZERO


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account: str
    account_type: AccountType
    currency: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debit balance (negative: a credit balance)."""
        return EXACT.subtract(self.debit, self.credit)


@dataclass(frozen=True, slots=True)
class CurrencyTotals:
    currency: str
    debit: Decimal
    credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.debit == self.credit


@dataclass(frozen=True, slots=True)
class TrialBalance:
    period: str
    accounts: tuple[AccountBalance, ...]
    totals: tuple[CurrencyTotals, ...]

    @property
    def balanced(self) -> bool:
        return all(t.balanced for t in self.totals)


def trial_balance(
    period: str, postings: Iterable[tuple[str, str, Decimal, Decimal]]
) -> TrialBalance:
    """From (account, currency, debit, credit) postings; sums are exact."""
    sums: dict[tuple[str, str], tuple[Decimal, Decimal]] = {}
    for account, currency, debit, credit in postings:
        d, c = sums.get((account, currency), (ZERO, ZERO))
        sums[(account, currency)] = (EXACT.add(d, debit), EXACT.add(c, credit))
    accounts = tuple(
        AccountBalance(account, account_type(account), currency, d, c)
        for (account, currency), (d, c) in sorted(sums.items())
    )
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for a in accounts:
        d, c = totals.get(a.currency, (ZERO, ZERO))
        totals[a.currency] = (EXACT.add(d, a.debit), EXACT.add(c, a.credit))
    return TrialBalance(
        period,
        accounts,
        tuple(CurrencyTotals(cur, d, c) for cur, (d, c) in sorted(totals.items())),
    )

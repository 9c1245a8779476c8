"""Where plans get actual spend from: the ledger, behind a port (billing over HTTP in
production, a fake in unit tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from budget_monitor.domain import Scope

Detail = tuple[str, str, str, Decimal]  # (month, customer, service, amount)


class ActualsUnavailable(Exception):
    """The ledger could not be read; the message says why (a 502 to the caller)."""


@dataclass(frozen=True, slots=True)
class Actuals:
    months: dict[str, Decimal]  # every month asked for, YYYY-MM -> spend
    detail: tuple[Detail, ...] = field(default=())


class ActualsSource(Protocol):
    async def monthly(self, scope: Scope, first: str, last: str, currency: str) -> Actuals:
        """Spend of `scope` in `currency` per billing period from `first` to `last`."""
        ...

"""Minimum-commitment shortfalls as document lines, at period close.

Billing computes no shortfall itself: `terms.domain.period_commitments` is the one
computation (rating's `GET /v1/commitments` answers with the same figures), for every
pricing model, tiers and free allowances included. Billing gives it the units the
customer used of each meter in the period's own usage (late usage of earlier periods
billed here counts where it happened, not here) and turns each shortfall with an
amount into a line: its quantity the unused units, its amount exact (rounded once on
the document, like every line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from chargeback.money import EXACT, ZERO
from terms.domain import Period, PeriodCommitments
from terms.domain.pricing import plain

CloseKind = Literal["commitment_shortfall"]


class UsageLine(Protocol):
    """A draft line's totals (`invoices.DraftLine`)."""

    @property
    def service(self) -> str: ...

    @property
    def meter(self) -> str: ...

    @property
    def quantity(self) -> Decimal: ...

    @property
    def usage_period(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class CloseLine:
    kind: CloseKind
    service: str
    meter: str
    unit: str
    quantity: Decimal
    amount: Decimal  # exact; rounded once on the document like every line
    description: str


def used_in_period(lines: Iterable[UsageLine], period: Period) -> dict[tuple[str, str], Decimal]:
    """Units used of each (service, meter) in `period` itself, from its own usage lines."""
    used: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        if line.usage_period not in (None, str(period)):
            continue  # a late-usage adjustment: its units belong to an earlier period
        key = (line.service, line.meter)
        used[key] = EXACT.add(used.get(key, ZERO), line.quantity)
    return used


def shortfall_lines(owed: PeriodCommitments) -> list[CloseLine]:
    """One line per commitment not met, in service and meter order; none for a zero amount."""
    version = owed.book.version
    return [
        CloseLine(
            "commitment_shortfall",
            item.service,
            item.meter,
            item.unit,
            item.quantity,
            item.amount,
            f"committed {plain(item.committed)} {item.unit} of {item.service}/{item.meter}, "
            f"used {plain(item.used)}; price book {version}",
        )
        for item in owed.shortfalls
        if not item.amount.is_zero()
    ]

"""Amounts and percentages as people read them in the CLIs: rounded as invoices round.

An amount is rounded once to its currency's minor unit, half away from zero (the rule
of invoice lines, `Money.rounded`), with thousands separators; `exact=True` shows the
full-precision value the API gave, in plain notation (never `0E-7`).
"""

from __future__ import annotations

from decimal import Decimal

from chargeback.contracts.types import plain
from chargeback.money import MINOR_UNITS, ROUNDING

PERCENT_PLACES = 2


def _grouped(value: Decimal, places: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
    return f"{rounded.copy_abs() if rounded.is_zero() else rounded:,.{places}f}"  # no -0.00


def amount_text(value: object, currency: str, *, exact: bool = False) -> str:
    """`1,234.57 USD` (or the exact value with `exact`), from a decimal string or Decimal."""
    amount = Decimal(str(value))
    if exact:
        return f"{plain(amount.normalize())} {currency}"  # 7.280000000 -> 7.28, 0E-7 -> 0
    return f"{_grouped(amount, MINOR_UNITS.get(currency, 2))} {currency}"


def percent_text(value: object | None) -> str:
    """`18,610.97 %`; `-` when there is none."""
    if value is None:
        return "-"
    return f"{_grouped(Decimal(str(value)), PERCENT_PLACES)} %"


def change_percent(current: Decimal, proposed: Decimal) -> str:
    """The change from `current` to `proposed` in percent of current (`-` from nothing)."""
    if current == 0:
        return "-" if proposed == 0 else "new"
    return percent_text((proposed - current) / current * 100)

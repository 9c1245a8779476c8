"""What a service costs: fixed costs per period, a variable cost per unit, how to spread them.

YAML (`BILLING_COSTS_FILE`, `services:` mapping) or API body, per service:

    compute:
      currency: USD
      category: Compute                  # FOCUS ServiceCategory (optional)
      fixed: {licences: "1200.00", staff: "3000.00", hardware: "800.00"}
      variable: {cpu_hours: "0.01"}      # cost per unit of each meter
      allocation: {method: usage, meter: cpu_hours}   # or {method: even}
                                         # or {method: split, shares: {acme: 3, globex: 1}}

Fixed amounts are whole minor units (cents), so they can be allocated to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from chargeback.money import EXACT, MINOR_UNITS, ZERO

AllocationMethod = Literal["usage", "even", "split"]
METHODS: tuple[AllocationMethod, ...] = ("usage", "even", "split")


class CostConfigError(ValueError):
    """A cost definition that cannot be used; the message names the service and field."""


@dataclass(frozen=True, slots=True)
class ServiceCost:
    service: str
    currency: str = "USD"
    fixed: tuple[tuple[str, Decimal], ...] = ()
    variable: tuple[tuple[str, Decimal], ...] = ()  # (meter, cost per unit)
    method: AllocationMethod = "usage"
    basis_meter: str | None = None
    shares: tuple[tuple[str, Decimal], ...] = ()
    category: str | None = None

    @property
    def fixed_total(self) -> Decimal:
        total = ZERO
        for _, amount in self.fixed:
            total = EXACT.add(total, amount)
        return total

    def unit_cost(self, meter: str) -> Decimal:
        return dict(self.variable).get(meter, ZERO)


def parse_service_cost(service: str, raw: Mapping[str, Any]) -> ServiceCost:
    def fail(what: str) -> CostConfigError:
        return CostConfigError(f"costs of {service}: {what}")

    def number(where: str, value: Any) -> Decimal:
        try:
            result = Decimal(value) if isinstance(value, (str, int)) else None
        except InvalidOperation:
            result = None
        if result is None or not result.is_finite() or result < 0:
            raise fail(f"{where} must be a non-negative decimal string, got {str(value)[:40]!r}")
        return result

    currency = str(raw.get("currency", "USD"))
    if currency not in MINOR_UNITS:
        raise fail(f"currency {currency!r} is not one the platform bills in")
    cent = Decimal(1).scaleb(-MINOR_UNITS[currency])
    fixed = []
    for name, value in dict(raw.get("fixed") or {}).items():
        amount = number(f"fixed.{name}", value)
        if amount != amount.quantize(cent):
            raise fail(f"fixed.{name} must be whole minor units of {currency}, got {amount}")
        fixed.append((str(name), amount))
    variable = [
        (str(m), number(f"variable.{m}", v)) for m, v in dict(raw.get("variable") or {}).items()
    ]
    rule = dict(raw.get("allocation") or {})
    method = rule.get("method", "usage")
    if method not in METHODS:
        raise fail(f"allocation.method must be one of {', '.join(METHODS)}, got {method!r}")
    shares = [
        (str(c), number(f"allocation.shares.{c}", w))
        for c, w in dict(rule.get("shares") or {}).items()
    ]
    if method == "split" and not any(w > 0 for _, w in shares):
        raise fail("allocation.method split needs allocation.shares with a positive share")
    return ServiceCost(
        service=service,
        currency=currency,
        fixed=tuple(sorted(fixed)),
        variable=tuple(sorted(variable)),
        method=method,
        basis_meter=str(rule["meter"]) if rule.get("meter") else None,
        shares=tuple(sorted(shares)),
        category=str(raw["category"]) if raw.get("category") else None,
    )


def cost_to_raw(cost: ServiceCost) -> dict[str, Any]:
    """The definition back as YAML/JSON would state it (decimals as strings)."""
    allocation: dict[str, Any] = {"method": cost.method}
    if cost.basis_meter:
        allocation["meter"] = cost.basis_meter
    if cost.shares:
        allocation["shares"] = {c: str(w) for c, w in cost.shares}
    raw: dict[str, Any] = {
        "currency": cost.currency,
        "fixed": {n: str(a) for n, a in cost.fixed},
        "variable": {m: str(v) for m, v in cost.variable},
        "allocation": allocation,
    }
    if cost.category:
        raw["category"] = cost.category
    return raw

"""Commitments as the price book's `customers.<id>.commitments` states them.

A list (or a mapping keyed by `service` or `service.meter`); unknown keys are ignored:

    - {service: compute, minimum_amount: "100.00"}                 # spend at least 100
    - {service: compute, meter: cpu_hours, minimum_quantity: "500", unit_price: "0.04"}
    - {service: storage, meter: gb_hours, volume_tiers: [{up_to: "1000", price: "0.03"},
                                                         {price: "0.02"}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from billing.domain.commitments import Commitment, Tier
from chargeback.money import EXACT


class CommitmentConfigError(ValueError):
    """A commitment that cannot be computed; the message names the customer and field."""


def parse_commitments(raw: Mapping[str, Any], *, customer: str) -> tuple[Commitment, ...]:
    """`commitments` of a customer entry: a list, or a mapping keyed by service[.meter]."""
    items = raw.get("commitments") or []
    if isinstance(items, Mapping):
        items = [
            {"service": k.split(".")[0], "meter": k.partition(".")[2] or None, **v}
            for k, v in items.items()
        ]
    if not isinstance(items, list):
        raise CommitmentConfigError(f"customer {customer}: commitments must be a list")
    return tuple(_commitment(item, customer=customer, index=i) for i, item in enumerate(items))


def _commitment(item: Any, *, customer: str, index: int) -> Commitment:
    where = f"customer {customer}: commitments[{index}]"
    if not isinstance(item, Mapping) or not item.get("service"):
        raise CommitmentConfigError(f"{where} must name a service")

    def number(key: str) -> Decimal | None:
        value = item.get(key)
        if value is None:
            return None
        try:
            result = Decimal(str(value)) if not isinstance(value, float) else None
        except InvalidOperation:
            result = None
        if result is None or not result.is_finite() or result < 0:
            raise CommitmentConfigError(f"{where}.{key} must be a non-negative decimal string")
        return result

    tiers = []
    for t, tier in enumerate(item.get("volume_tiers") or []):
        if not isinstance(tier, Mapping) or tier.get("price") is None:
            raise CommitmentConfigError(f"{where}.volume_tiers[{t}] needs a price")
        up_to = tier.get("up_to")
        tiers.append(
            Tier(None if up_to is None else Decimal(str(up_to)), Decimal(str(tier["price"])))
        )
    quantity, price = number("minimum_quantity"), number("unit_price")
    if quantity is not None and price is None:
        raise CommitmentConfigError(f"{where}: minimum_quantity needs a unit_price")
    return Commitment(
        service=str(item["service"]),
        meter=str(item["meter"]) if item.get("meter") else None,
        minimum_amount=number("minimum_amount"),
        minimum_quantity=quantity,
        unit_price=price,
        volume_tiers=tuple(tiers),
    )


def from_overrides(
    raw: Mapping[str, Any], services: Mapping[str, Any], *, customer: str
) -> tuple[Commitment, ...]:
    """Committed quantities of the price book's `overrides.<service>.<meter>.committed`.

    The shortfall is priced at the customer's own flat `price` for the meter, else the
    meter's flat price, less the customer's `discount_percent`. Meters priced by a
    tiered model carry no flat price; their commitments are skipped here (returned by
    `unpriced_overrides` so the caller can say so).
    """
    found = []
    for service, meters in dict(raw.get("overrides") or {}).items():
        for meter, terms in dict(meters or {}).items():
            if not isinstance(terms, Mapping) or terms.get("committed") is None:
                continue
            price = _flat_price(terms, services, str(service), str(meter))
            if price is None:
                continue
            discount = Decimal(str(raw.get("discount_percent") or 0))
            found.append(
                Commitment(
                    service=str(service),
                    meter=str(meter),
                    minimum_quantity=Decimal(str(terms["committed"])),
                    unit_price=EXACT.divide(EXACT.multiply(price, 100 - discount), Decimal(100)),
                )
            )
    return tuple(found)


def unpriced_overrides(raw: Mapping[str, Any], services: Mapping[str, Any]) -> list[str]:
    """service/meter of committed overrides whose meter has no flat price."""
    return [
        f"{service}/{meter}"
        for service, meters in dict(raw.get("overrides") or {}).items()
        for meter, terms in dict(meters or {}).items()
        if isinstance(terms, Mapping)
        and terms.get("committed") is not None
        and _flat_price(terms, services, str(service), str(meter)) is None
    ]


def _flat_price(
    terms: Mapping[str, Any], services: Mapping[str, Any], service: str, meter: str
) -> Decimal | None:
    if terms.get("price") is not None:
        return Decimal(str(terms["price"]))
    if terms.get("pricing") is not None:
        return None
    meter_raw = dict(dict(dict(services.get(service) or {}).get("meters") or {}).get(meter) or {})
    if meter_raw.get("price") is not None and meter_raw.get("pricing") is None:
        return Decimal(str(meter_raw["price"]))
    return None

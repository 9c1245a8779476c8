"""What is wrong with a price-book document beyond its JSON Schema.

The schema checks shape; `semantic_problems` checks what a schema cannot say well: a real
calendar time, a known currency and time zone, tiers in order, references to meters that
exist, percentages in range. It is tolerant of documents the schema also refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chargeback.money import MINOR_UNITS
from terms.domain.cost_centers import cost_center_problems
from terms.domain.errors import Problem
from terms.domain.paths import child

__all__ = ["child", "parse_timestamp", "semantic_problems", "zone_named"]


def parse_timestamp(value: str) -> datetime | None:
    """An aware datetime from an RFC 3339 timestamp, None if it is not one."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def zone_named(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value) if isinstance(value, str) else None
    except ArithmeticError:
        return None


def _items(value: Any) -> Iterator[tuple[Any, Any]]:
    return iter(value.items()) if isinstance(value, Mapping) else iter(())


def pricing_problems(pricing: Any, path: str) -> list[Problem]:
    if not isinstance(pricing, Mapping):
        return []
    problems = []
    tiers = pricing.get("tiers")
    if isinstance(tiers, list) and tiers and all(isinstance(t, Mapping) for t in tiers):
        bounds = [_decimal(tier.get("up_to")) for tier in tiers]
        if "up_to" in tiers[-1]:
            problems.append(
                Problem(
                    child(child(path, "tiers"), len(tiers) - 1),
                    "the last tier must have no `up_to` (it has no upper bound)",
                )
            )
        for index, bound in enumerate(bounds):
            where = child(child(path, "tiers"), index)
            previous = bounds[index - 1] if index else Decimal(0)
            if "up_to" not in tiers[index] and index < len(tiers) - 1:
                problems.append(Problem(where, "only the last tier may leave out `up_to`"))
            elif bound is not None and previous is not None and bound <= previous:
                reason = f"must be more than {previous} (tiers go up)"
                problems.append(Problem(child(where, "up_to"), reason))
    size = _decimal(pricing.get("size"))
    if size is not None and size == 0:
        problems.append(Problem(child(path, "size"), "a block must hold more than zero units"))
    return problems


def _meter_known(document: Mapping[str, Any], target: str) -> bool:
    service, _, meter = target.partition("/")
    services = document.get("services")
    spec = services.get(service) if isinstance(services, Mapping) else None
    if not isinstance(spec, Mapping):
        return False
    return not meter or (isinstance(spec.get("meters"), Mapping) and meter in spec["meters"])


def _rule_problems(document: Mapping[str, Any], rule: Any, path: str) -> list[Problem]:
    if not isinstance(rule, Mapping):
        return []
    problems = []
    adjust = _decimal(rule.get("adjust_percent"))
    if adjust is not None and adjust < -100:
        problems.append(Problem(child(path, "adjust_percent"), "a discount cannot exceed 100 %"))
    zone = rule.get("time_zone")
    if isinstance(zone, str) and zone_named(zone) is None:
        problems.append(Problem(child(path, "time_zone"), f"unknown time zone {zone!r}"))
    if "from" in rule and rule.get("from") == rule.get("to"):
        problems.append(Problem(child(path, "to"), "the window is empty (`to` equals `from`)"))
    targets = rule.get("applies_to")
    for index, target in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(target, str) and not _meter_known(document, target):
            problems.append(
                Problem(
                    child(child(path, "applies_to"), index),
                    f"{target!r} is not a service or service/meter of this price book",
                )
            )
    return problems


def _customer_problems(document: Mapping[str, Any], ident: str, info: Any) -> list[Problem]:
    path = child("$.customers", ident)
    if not isinstance(info, Mapping):
        return []
    problems = []
    zone = info.get("time_zone")
    if isinstance(zone, str) and zone_named(zone) is None:
        problems.append(Problem(child(path, "time_zone"), f"unknown time zone {zone!r}"))
    discount = _decimal(info.get("discount_percent"))
    if discount is not None and discount > 100:
        problems.append(Problem(child(path, "discount_percent"), "a discount cannot exceed 100 %"))
    for service, meters in _items(info.get("overrides")):
        for meter, terms in _items(meters):
            where = child(child(child(path, "overrides"), service), meter)
            if not _meter_known(document, f"{service}/{meter}"):
                problems.append(
                    Problem(where, f"{service}/{meter} is not a meter of this price book")
                )
            elif isinstance(terms, Mapping):
                problems.extend(pricing_problems(terms.get("pricing"), child(where, "pricing")))
    return problems


def semantic_problems(document: Any) -> list[Problem]:
    """What is wrong beyond the schema; tolerant of documents the schema also refused."""
    if not isinstance(document, Mapping):
        return []
    problems: list[Problem] = []
    stamp = document.get("effective_from")
    if isinstance(stamp, str) and parse_timestamp(stamp) is None:
        problems.append(
            Problem("$.effective_from", f"{stamp!r} is not an RFC 3339 time with a UTC offset")
        )
    currency = document.get("currency")
    if isinstance(currency, str) and len(currency) == 3 and currency not in MINOR_UNITS:
        problems.append(Problem("$.currency", f"unsupported currency {currency!r}"))
    for service, spec in _items(document.get("services")):
        meters = spec.get("meters") if isinstance(spec, Mapping) else None
        for meter, terms in _items(meters):
            if isinstance(terms, Mapping):
                where = child(
                    child(child(child("$.services", service), "meters"), meter), "pricing"
                )
                problems.extend(pricing_problems(terms.get("pricing"), where))
    for ident, info in _items(document.get("customers")):
        problems.extend(_customer_problems(document, ident, info))
    rules = document.get("demand_rules")
    rules = rules if isinstance(rules, Mapping) else {}
    for kind in ("time_of_use", "dimension_modifiers"):
        listed = rules.get(kind)
        for index, rule in enumerate(listed if isinstance(listed, list) else []):
            problems.extend(_rule_problems(document, rule, f"$.demand_rules.{kind}[{index}]"))
    problems.extend(
        _rule_problems(document, rules.get("over_commitment"), "$.demand_rules.over_commitment")
    )
    problems.extend(cost_center_problems(document))
    return problems

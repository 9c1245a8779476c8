"""A price-book document (valid by its schema and `semantic_problems`) as domain objects."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chargeback.money import parse_decimal
from terms.domain.cost_centers import CostCenter, CostCenterTree
from terms.domain.customers import UTC_ZONE, Customer, Meter, Override, Service
from terms.domain.documents import parse_timestamp
from terms.domain.pricebook import PriceBook
from terms.domain.pricing import ZERO, Package, Percentage, PerUnit, PricingModel
from terms.domain.rules import (
    DAYS,
    DemandRules,
    DimensionModifier,
    OverCommitment,
    Scope,
    TimeOfUseWindow,
)
from terms.domain.tiers import Graduated, Tier, Volume

Document = Mapping[str, Any]


def _decimal(value: str | None, default: Decimal | None = None) -> Decimal | None:
    return default if value is None else parse_decimal(value, field="price book")


def _exact(value: str) -> Decimal:
    return parse_decimal(value.removeprefix("+"), field="price book")


def build_pricing(spec: Document) -> PricingModel:
    """The model of a meter's (or a customer's) terms: `price` or a `pricing` block."""
    if "price" in spec:
        return PerUnit(_exact(spec["price"]))
    pricing = spec["pricing"]
    model = pricing["model"]
    if model == "per_unit":
        return PerUnit(_exact(pricing["price"]))
    if model == "package":
        return Package(size=_exact(pricing["size"]), block_price=_exact(pricing["price"]))
    if model == "percentage":
        return Percentage(_exact(pricing["percent"]))
    tiers = tuple(
        Tier(_decimal(tier.get("up_to")), _exact(tier["price"])) for tier in pricing["tiers"]
    )
    return Graduated(tiers) if model == "graduated" else Volume(tiers)


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _scope(rule: Document) -> Scope:
    return Scope(frozenset(rule.get("applies_to") or ()))


def build_rules(spec: Document) -> DemandRules:
    windows = tuple(
        TimeOfUseWindow(
            name=window["name"],
            zone=ZoneInfo(window["time_zone"]),
            days=frozenset(DAYS.index(day) for day in window["days"]),
            start=_minutes(window["from"]),
            end=_minutes(window["to"]),
            adjust_percent=_exact(window["adjust_percent"]),
            scope=_scope(window),
        )
        for window in spec.get("time_of_use") or ()
    )
    penalty = spec.get("over_commitment")
    modifiers = tuple(
        DimensionModifier(
            dimension=rule["dimension"],
            equals=rule["equals"],
            adjust_percent=_exact(rule["adjust_percent"]),
            scope=_scope(rule),
        )
        for rule in spec.get("dimension_modifiers") or ()
    )
    return DemandRules(
        time_of_use=windows,
        over_commitment=OverCommitment(_exact(penalty["surcharge_percent"]), _scope(penalty))
        if penalty
        else None,
        dimension_modifiers=modifiers,
    )


def build_tree(spec: Document) -> CostCenterTree:
    return CostCenterTree(
        {
            node: CostCenter(node, (info or {}).get("name", ""), (info or {}).get("parent"))
            for node, info in spec.items()
        }
    )


def build_customer(ident: str, info: Document, tree: CostCenterTree | None = None) -> Customer:
    overrides = {
        (service, meter): Override(
            pricing=build_pricing(terms) if "price" in terms or "pricing" in terms else None,
            free_allowance=_decimal(terms.get("free_allowance")),
            committed=_decimal(terms.get("committed")),
        )
        for service, meters in (info.get("overrides") or {}).items()
        for meter, terms in meters.items()
    }
    center = info.get("cost_center", "")
    return Customer(
        ident,
        info.get("name", ""),
        center,
        cost_center_path=(tree or CostCenterTree()).path(center) if center else (),
        zone=ZoneInfo(info["time_zone"]) if "time_zone" in info else UTC_ZONE,
        discount_percent=_decimal(info.get("discount_percent"), ZERO) or ZERO,
        overrides=overrides,
    )


def build_price_book(document: Document) -> PriceBook:
    """The domain price book of a document that passed the schema and `semantic_problems`."""
    effective_from = parse_timestamp(document["effective_from"])
    assert effective_from is not None, "validate the document first"
    services = {
        name: Service(
            name=name,
            description=spec.get("description", ""),
            meters={
                meter: Meter(
                    name=meter,
                    unit=terms["unit"],
                    pricing=build_pricing(terms),
                    free_allowance=_decimal(terms.get("free_allowance"), ZERO) or ZERO,
                )
                for meter, terms in spec["meters"].items()
            },
        )
        for name, spec in document["services"].items()
    }
    tree = build_tree(document.get("cost_centers") or {})
    customers = {
        ident: build_customer(ident, info or {}, tree)
        for ident, info in (document.get("customers") or {}).items()
    }
    return PriceBook(
        version=document["version"],
        effective_from=effective_from,
        currency=document["currency"],
        services=services,
        customers=customers,
        rules=build_rules(document.get("demand_rules") or {}),
        cost_centers=tree,
        document=document,
    )

"""One event priced, every step recorded. The order rules combine in (also in the schema):

1. period: the event's billing period (calendar month in the customer's time zone) and
   the units of its meter the customer used in it before this event (the tier state);
2. free allowance: units still free this period cost nothing;
3. base price: the meter's pricing model (the customer's own rates where negotiated) over
   the billable units, tiers counted on the period's cumulative billable units;
4. over-commitment penalty: + surcharge % of the base price of the units above the
   customer's committed quantity;
5. time of use: the FIRST matching window, ± its % of the base price;
6. dimension modifiers: EVERY matching modifier, ± its % of the base price;
7. customer discount: − its % of the sum of 3 to 6.
Rules 4 to 6 are percentages of the base (they do not compound). The amount is the sum of
the breakdown's deltas, exactly: no rounding happens here (invoices round once).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from chargeback.contracts import RatedCharge, RuleEffect, UsageEvent
from chargeback.money import exact_sum
from terms.domain.customers import Customer, Terms
from terms.domain.pricing import (
    ZERO,
    Percentage,
    PerUnit,
    effect,
    exact_difference,
    negated,
    on_the_wire,
    percent_of,
    plain,
)
from terms.domain.rules import DemandRules, signed


def billable(used: Decimal, allowance: Decimal) -> Decimal:
    return exact_difference(used, allowance) if used > allowance else ZERO


def _depends_on_period(terms: Terms) -> bool:
    simple = isinstance(terms.pricing, PerUnit | Percentage)
    return not simple or terms.free_allowance > 0 or terms.committed is not None


def _base(terms: Terms, before: Decimal, after: Decimal) -> list[RuleEffect]:
    effects = terms.pricing.explain(before, after, terms.meter.unit)
    if not terms.own_rates:
        return effects
    return [
        RuleEffect(rule=e.rule, detail=f"{e.detail} (own rate)"[:512], amount_delta=e.amount_delta)
        for e in effects
    ]


def charge_event(
    event: UsageEvent,
    *,
    terms: Terms,
    customer: Customer,
    rules: DemandRules,
    version: str,
    currency: str,
    period: str,
    rated_at: datetime,
    used_before: Decimal,
) -> RatedCharge:
    """The event's charge under `terms`, `used_before` units of its meter used this period."""
    data = event.data
    unit, pricing = terms.meter.unit, terms.pricing
    used_after = exact_sum((used_before, data.quantity))
    before = billable(used_before, terms.free_allowance)
    after = billable(used_after, terms.free_allowance)
    effects: list[RuleEffect] = []
    if _depends_on_period(terms):
        detail = (
            f"{period} ({customer.zone.key}): {plain(used_before)} → {plain(used_after)} {unit} "
            f"used this period; price book {version}"
        )
        effects.append(effect("period", detail, ZERO))
    free = exact_difference(data.quantity, exact_difference(after, before))
    if free > 0:
        detail = (
            f"{plain(free)} of {plain(data.quantity)} {unit} free (allowance "
            f"{plain(terms.free_allowance)} {unit} a period)"
        )
        effects.append(effect("free allowance", detail, ZERO))
    base_effects = _base(terms, before, after)
    effects.extend(base_effects)
    base = exact_sum(step.amount_delta for step in base_effects)

    penalty, committed = rules.over_commitment, terms.committed
    scope_ok = penalty is not None and penalty.scope.covers(data.service, data.meter)
    if penalty is not None and scope_ok and committed is not None and used_after > committed:
        over_from = max(used_before, committed)
        over_base = exact_difference(
            pricing.cost(after), pricing.cost(billable(over_from, terms.free_allowance))
        )
        detail = (
            f"{plain(exact_difference(used_after, over_from))} {unit} above the committed "
            f"{plain(committed)} a period: {signed(penalty.surcharge_percent)} % of "
            f"{plain(over_base)}"
        )
        delta = percent_of(over_base, penalty.surcharge_percent)
        effects.append(effect("over-commitment", detail, delta))

    for window in rules.time_of_use:
        if window.scope.covers(data.service, data.meter) and window.matches(event.time):
            detail = f"{signed(window.adjust_percent)} % of {plain(base)} ({window.description})"
            delta = percent_of(base, window.adjust_percent)
            effects.append(effect(f"time of use: {window.name}", detail, delta))
            break

    for modifier in rules.dimension_modifiers:
        if modifier.scope.covers(data.service, data.meter) and modifier.matches(data.dimensions):
            detail = f"{signed(modifier.adjust_percent)} % of {plain(base)}"
            delta = percent_of(base, modifier.adjust_percent)
            rule = f"dimension: {modifier.dimension}={modifier.equals}"
            effects.append(effect(rule, detail, delta))

    if terms.discount_percent:
        subtotal = exact_sum(step.amount_delta for step in effects)
        detail = f"-{plain(terms.discount_percent)} % of {plain(subtotal)}"
        delta = negated(percent_of(subtotal, terms.discount_percent))
        effects.append(effect("customer discount", detail, delta))

    amount = on_the_wire(exact_sum(step.amount_delta for step in effects), "the amount")
    # Built without re-validation: the event was validated, every amount checked above, and
    # the price book's names, units and version are held to the same limits by its schema.
    return RatedCharge.model_construct(
        event_id=event.id,
        event_source=event.source,
        customer=event.customer,
        service=data.service,
        meter=data.meter,
        unit=unit,
        quantity=data.quantity,
        unit_price=on_the_wire(pricing.marginal_price(after), "the unit price"),
        amount=amount,
        currency=currency,
        price_book_version=version,
        period=period,
        time_zone=customer.zone.key,
        cost_center=customer.cost_center or None,
        cost_center_path=list(customer.cost_center_path),
        committed_quantity=terms.committed,
        event_time=event.time,
        ingested_at=event.ingesttime,
        rated_at=rated_at,
        dimensions=dict(data.dimensions),
        breakdown=effects,
    )

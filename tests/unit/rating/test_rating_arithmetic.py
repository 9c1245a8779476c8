"""amount = quantity × price, exactly: no float, no rounding, no lost digits."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rating_helpers import RATED_AT, EventFactory, make_book

from chargeback.contracts import RatedCharge, RuleEffect
from chargeback.contracts.types import MAX_DECIMAL_DIGITS
from terms.domain import (
    AmountOutOfRange,
    PerUnit,
    PriceBookCatalog,
    UnknownMeter,
    UnknownService,
    exact_product,
    exact_sum,
)


@pytest.fixture
def catalog() -> PriceBookCatalog:
    return PriceBookCatalog([make_book(version="v7", price="0.0416")])


def test_a_charge_carries_everything_that_explains_it(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    event = make_event(quantity="12.5", dimensions={"region": "eu-1", "priority": "batch"})
    charge = catalog.rate(event, rated_at=RATED_AT)
    assert charge.amount == Decimal("0.52")
    assert charge.unit_price == Decimal("0.0416")
    assert (charge.currency, charge.price_book_version, charge.unit) == ("USD", "v7", "vCPU-hour")
    assert (charge.event_id, charge.event_source, charge.customer) == (
        event.id,
        event.source,
        "acme",
    )
    assert (charge.service, charge.meter, charge.quantity) == (
        "compute",
        "cpu_hours",
        Decimal("12.5"),
    )
    assert charge.event_time == event.time
    assert charge.ingested_at == event.ingesttime
    assert charge.rated_at == RATED_AT
    assert charge.dimensions == {"region": "eu-1", "priority": "batch"}
    assert charge.breakdown == [
        RuleEffect(rule="base", detail="12.5 vCPU-hour × 0.0416", amount_delta=charge.amount)
    ]


def test_a_charge_round_trips_through_its_wire_form(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    charge = catalog.rate(make_event(quantity="3.333333333333333333"), rated_at=RATED_AT)
    again = RatedCharge.model_validate_json(charge.model_dump_json())
    assert again == charge
    assert '"amount":"0.1386666666666666666528"' in charge.model_dump_json()


def test_zero_quantity_costs_zero(catalog: PriceBookCatalog, make_event: EventFactory) -> None:
    charge = catalog.rate(make_event(quantity="0"), rated_at=RATED_AT)
    assert charge.amount == 0
    assert charge.breakdown[0].amount_delta == 0


def test_an_event_without_ingest_time_is_still_rated(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    assert catalog.rate(make_event(ingesttime=None), rated_at=RATED_AT).ingested_at is None


@pytest.mark.parametrize(
    ("quantity", "price", "amount"),
    [
        ("0.000001", "0.0000004", "4E-13"),
        ("1.5", "0.1", "0.15"),
        # 30 significant digits: the default decimal context (28) would round this.
        ("123456789012345678901234567890", "0.0416", "5135802422913580242291358024.2240"),
        # 16 + 22 digits: a 38-digit amount, the most the wire carries.
        ("9999999999.999999", "99999999999999.99999999", None),
    ],
)
def test_fractional_and_huge_quantities_keep_every_digit(
    quantity: str, price: str, amount: str | None
) -> None:
    (priced,) = PerUnit(unit_price=Decimal(price)).explain(Decimal(0), Decimal(quantity), "unit")
    assert Fraction(priced.amount_delta) == Fraction(quantity) * Fraction(price)
    if amount is not None:
        assert priced.amount_delta == Decimal(amount)


def test_an_amount_too_long_for_the_wire_is_refused_not_rounded() -> None:
    # 38 + 20 significant digits: exact, but more than a RatedCharge may carry.
    quantity = Decimal("1234567890123456789012345678901234567.8")
    with pytest.raises(AmountOutOfRange) as refused:
        PerUnit(unit_price=Decimal("0.12345678901234567891")).explain(Decimal(0), quantity, "unit")
    assert refused.value.reason == "amount_out_of_range"


def test_exact_sum_does_not_round_where_the_default_context_would() -> None:
    amounts = [Decimal("1234567890123456789012345678.9"), Decimal("0.0000000001")]
    assert exact_sum(amounts) == Decimal("1234567890123456789012345678.9000000001")
    assert sum(amounts) != exact_sum(amounts)  # what the default 28-digit context does


def test_an_unknown_meter_and_service_are_domain_errors_with_reason_codes(
    catalog: PriceBookCatalog, make_event: EventFactory
) -> None:
    with pytest.raises(UnknownMeter) as meter:
        catalog.rate(make_event(meter="gpu_hours"), rated_at=RATED_AT)
    assert (meter.value.reason, meter.value.field) == ("unknown_meter", "data.meter")
    assert "gpu_hours" in str(meter.value)
    with pytest.raises(UnknownService) as service:
        catalog.rate(make_event(service="quantum"), rated_at=RATED_AT)
    assert (service.value.reason, service.value.field) == ("unknown_service", "data.service")


decimals = st.decimals(allow_nan=False, allow_infinity=False, min_value=0, places=None)
quantities = st.decimals(min_value=0, max_value=Decimal("1e18"), allow_nan=False, places=9)
prices = st.decimals(min_value=0, max_value=Decimal("1e6"), allow_nan=False, places=12)


def significant_digits(value: Decimal) -> int:
    with localcontext(prec=200):  # normalize() rounds to the context's precision
        return len(value.normalize().as_tuple().digits)


@given(quantity=quantities, price=prices)
def test_amount_is_exactly_quantity_times_price(quantity: Decimal, price: Decimal) -> None:
    with localcontext(prec=200):
        exact = quantity * price  # 27 x 18 digits at most: exact at this precision
    try:
        (priced,) = PerUnit(unit_price=price).explain(Decimal(0), quantity, "unit")
    except AmountOutOfRange:
        # Refused, never rounded, and only what a message cannot carry.
        assert significant_digits(exact) > MAX_DECIMAL_DIGITS
        return
    assert Fraction(priced.amount_delta) == Fraction(exact)


def test_trailing_zeros_do_not_make_an_amount_too_long() -> None:
    """27 + 12 fraction places written out, but the value is 1E17: carried, not refused."""
    (priced,) = PerUnit(unit_price=Decimal("0.100000000000")).explain(
        Decimal(0), Decimal("1000000000000000000.000000000"), "unit"
    )
    assert priced.amount_delta == Decimal("100000000000000000")


@given(left=decimals, right=decimals)
def test_exact_product_never_rounds(left: Decimal, right: Decimal) -> None:
    try:
        product = exact_product(left, right)
    except AmountOutOfRange:
        return  # only past the exponent range of Decimal itself
    assert Fraction(product) == Fraction(left) * Fraction(right)

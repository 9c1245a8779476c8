from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeback.money import CurrencyMismatchError, Money, MoneyError, parse_decimal

amounts = st.decimals(
    allow_nan=False,
    allow_infinity=False,
    places=9,
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
)


def test_floats_are_refused_everywhere():
    with pytest.raises(MoneyError, match="not float"):
        parse_decimal(0.1)
    with pytest.raises(MoneyError):
        Money.of(1.5, "USD")
    with pytest.raises(MoneyError):
        Money.of("1", "USD") * 1.5  # type: ignore[operator]


def test_parse_keeps_every_digit():
    assert parse_decimal("0.000000000123456789") == Decimal("0.000000000123456789")
    assert parse_decimal("123456789012345678901234567890.5") == Decimal(
        "123456789012345678901234567890.5"
    )
    assert parse_decimal(7) == Decimal(7)


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity", None, True, [1]])
def test_parse_refuses_what_is_not_a_finite_number(bad):
    with pytest.raises(MoneyError):
        parse_decimal(bad)


def test_rounding_is_half_up_to_the_minor_unit():
    assert Money.of("0.005", "USD").rounded().amount == Decimal("0.01")
    assert Money.of("0.0049", "USD").rounded().amount == Decimal("0.00")
    assert Money.of("-0.005", "USD").rounded().amount == Decimal("-0.01")
    assert Money.of("2.5", "JPY").rounded().amount == Decimal("3")
    assert Money.of("1.0005", "KWD").rounded().amount == Decimal("1.001")


def test_currencies_do_not_mix():
    with pytest.raises(CurrencyMismatchError):
        Money.of("1", "USD") + Money.of("1", "EUR")
    with pytest.raises(MoneyError, match="unsupported currency"):
        Money.of("1", "XXX")


@given(amounts, amounts)
def test_addition_is_exact(a, b):
    assert (Money(a, "EUR") + Money(b, "EUR")).amount == a + b
    assert (Money(a, "EUR") + Money(b, "EUR") - Money(b, "EUR")).amount == a


@given(amounts)
def test_rounding_moves_less_than_half_a_cent(a):
    rounded = Money(a, "USD").rounded().amount
    assert abs(rounded - a) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))

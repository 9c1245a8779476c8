"""Price books and customer terms, pure: the model, pricing, demand rules, tier state,
commitments, billing periods and the oracle. No I/O."""

from chargeback.money import exact_sum
from terms.domain.catalog import PriceBookCatalog
from terms.domain.commitments import (
    PeriodCommitments,
    Shortfall,
    closing_book,
    commitment_shortfalls,
    period_commitments,
)
from terms.domain.customers import Customer, Meter, Override, Service, Terms
from terms.domain.errors import (
    AmountOutOfRange,
    NoPriceBookInForce,
    PriceBookInvalid,
    Problem,
    RatingError,
    TimeOutOfRange,
    UnknownMeter,
    UnknownService,
)
from terms.domain.oracle import Rejection, rate_events, totals
from terms.domain.periods import InvalidPeriodError, Period
from terms.domain.pricebook import PriceBook
from terms.domain.pricing import Package, Percentage, PerUnit, exact_product
from terms.domain.tiers import Graduated, Tier, Volume
from terms.domain.usage import Rater, UsageKey, usage_key

__all__ = [
    "AmountOutOfRange",
    "Customer",
    "Graduated",
    "InvalidPeriodError",
    "Meter",
    "NoPriceBookInForce",
    "Override",
    "Package",
    "PerUnit",
    "Percentage",
    "Period",
    "PeriodCommitments",
    "PriceBook",
    "PriceBookCatalog",
    "PriceBookInvalid",
    "Problem",
    "Rater",
    "RatingError",
    "Rejection",
    "Service",
    "Shortfall",
    "Terms",
    "Tier",
    "TimeOutOfRange",
    "UnknownMeter",
    "UnknownService",
    "UsageKey",
    "Volume",
    "closing_book",
    "commitment_shortfalls",
    "exact_product",
    "exact_sum",
    "period_commitments",
    "rate_events",
    "totals",
    "usage_key",
]

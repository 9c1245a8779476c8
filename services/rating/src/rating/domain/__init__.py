"""Rating's domain: price books, pricing models, demand rules, tier state, the oracle. No I/O."""

from chargeback.money import exact_sum
from rating.domain.catalog import PriceBookCatalog
from rating.domain.commitments import Shortfall, commitment_shortfalls, total_shortfall
from rating.domain.errors import (
    AmountOutOfRange,
    NoPriceBookInForce,
    PriceBookInvalid,
    Problem,
    RatingError,
    UnknownMeter,
    UnknownService,
)
from rating.domain.oracle import Rejection, rate_events, totals
from rating.domain.periods import period_bounds, period_of
from rating.domain.pricebook import Customer, Meter, Override, PriceBook, Service, Terms
from rating.domain.pricing import Package, Percentage, PerUnit, Priced, exact_product
from rating.domain.tiers import Graduated, Tier, Volume
from rating.domain.usage import Rater, UsageKey, usage_key

__all__ = [
    "AmountOutOfRange",
    "Customer",
    "Graduated",
    "Meter",
    "NoPriceBookInForce",
    "Override",
    "Package",
    "PerUnit",
    "Percentage",
    "PriceBook",
    "PriceBookCatalog",
    "PriceBookInvalid",
    "Priced",
    "Problem",
    "Rater",
    "RatingError",
    "Rejection",
    "Service",
    "Shortfall",
    "Terms",
    "Tier",
    "UnknownMeter",
    "UnknownService",
    "UsageKey",
    "Volume",
    "commitment_shortfalls",
    "exact_product",
    "exact_sum",
    "period_bounds",
    "period_of",
    "rate_events",
    "total_shortfall",
    "totals",
    "usage_key",
]

"""Domain errors. Each carries the reason code that `usage.rejected` and the metrics use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class RatingError(Exception):
    """An event that cannot be priced; `reason` is a stable code, `field` names the culprit."""

    reason: ClassVar[str] = "rating_failed"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownMeter(RatingError):
    """The price book has no price for the event's service and meter."""

    reason = "unknown_meter"


class UnknownService(UnknownMeter):
    """The price book has no such service at all (so none of its meters either)."""

    reason = "unknown_service"


class NoPriceBookInForce(RatingError):
    """The event happened before the earliest price-book version took effect."""

    reason = "no_price_book_in_force"


class TimeOutOfRange(RatingError):
    """The event's time falls outside the platform's calendar (see `periods`)."""

    reason = "time_out_of_range"


class AmountOutOfRange(RatingError):
    """The exact amount cannot be carried on the wire (too many significant digits)."""

    reason = "amount_out_of_range"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a price-book document: where (JSON path) and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class PriceBookInvalid(ValueError):
    """A price book refused, with every problem found in it, not just the first."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
        super().__init__(f"price book {source} is invalid ({count}):\n{listing}")

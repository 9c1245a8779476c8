"""What one consumed batch adds to the ledger: charges once each, and their line totals.

The ledger stores every rated charge once (unique by event source + id) and keeps,
per draft document line, running totals of the charges it holds. Both change in one
transaction, so a line's totals always equal the sum of the charges behind it.

A charge belongs to the billing period it carries (`period`, cut by rating in the
customer's time zone of the version that rated it): its usage period, never recomputed
here. It is billed in that period unless the period is already finalized: then it is
billed on the first open period, as an adjustment naming its usage period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from billing.domain.exact import EXACT, check_storable
from chargeback.contracts import RatedCharge
from terms.domain import Period

EventKey = tuple[str, str]  # (event_source, event_id): what is charged once


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A rated charge as consumed, with the Kafka record it came from.

    A charge whose amounts the ledger cannot keep exactly, or whose period is outside the
    platform's calendar, is refused here (a ValueError), before anything is stored.
    """

    charge: RatedCharge
    topic: str
    partition: int
    offset: int
    usage: Period = field(init=False, compare=False, repr=False)  # the charge's own period

    def __post_init__(self) -> None:
        for name in ("quantity", "unit_price", "amount"):
            check_storable(getattr(self.charge, name), field=name)
        object.__setattr__(self, "usage", Period.parse(self.charge.period))

    @property
    def key(self) -> EventKey:
        return (self.charge.event_source, self.charge.event_id)


class LineKey(NamedTuple):
    """One draft line: what a customer used of one meter, billed in one period.

    `usage_period` is the period the usage happened in: the billed period itself for
    ordinary usage, an earlier (finalized) one for a late-usage adjustment line.
    """

    customer: str
    period: str
    service: str
    meter: str
    unit: str
    currency: str
    usage_period: str


@dataclass(frozen=True, slots=True)
class PlacedEntry:
    """An entry with the periods it belongs to: used in `usage`, billed in `billed`."""

    entry: LedgerEntry
    usage: Period
    billed: Period

    @property
    def late(self) -> bool:
        return self.billed != self.usage

    @property
    def line(self) -> LineKey:
        c = self.entry.charge
        return LineKey(
            c.customer, str(self.billed), c.service, c.meter, c.unit, c.currency, str(self.usage)
        )


def billed_period(usage: Period, closed_through: Period | None) -> Period:
    """Usage of a finalized period is billed on the first open period after the closed ones."""
    if closed_through is None or usage > closed_through:
        return usage
    return closed_through.next()


def place(entry: LedgerEntry, closed_through: Period | None) -> PlacedEntry:
    """The entry in its usage period (the charge's) and the period that bills it."""
    return PlacedEntry(entry, entry.usage, billed_period(entry.usage, closed_through))


@dataclass(frozen=True, slots=True)
class LineTotals:
    quantity: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    charges: int = 0

    def __add__(self, other: LineTotals) -> LineTotals:
        return LineTotals(
            EXACT.add(self.quantity, other.quantity),
            EXACT.add(self.amount, other.amount),
            self.charges + other.charges,
        )


def first_of_each_event(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """The entries with repeats of an event dropped; the earliest record wins."""
    seen: set[EventKey] = set()
    unique: list[LedgerEntry] = []
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            unique.append(entry)
    return unique


def line_deltas(entries: Sequence[PlacedEntry]) -> dict[LineKey, LineTotals]:
    """How much each draft line grows by when these (newly stored) charges are added."""
    deltas: dict[LineKey, LineTotals] = {}
    for placed in entries:
        c = placed.entry.charge
        line = placed.line
        deltas[line] = deltas.get(line, LineTotals()) + LineTotals(c.quantity, c.amount, 1)
    return deltas


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What writing one batch did: charges newly stored, and repeats of stored events skipped."""

    stored: tuple[PlacedEntry, ...]
    duplicates: int
    recorded_at: datetime
    fenced: Mapping[tuple[str, int], int] = field(default_factory=dict)  # stored positions

    @property
    def written(self) -> int:
        return len(self.stored)

"""What the dashboard's read API answers. Amounts are decimal strings: `amount` rounded
once to the currency's minor unit (`Money.rounded()`), `exact_amount` at full precision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from billing.dashboard.report import SpendReport
from billing.dashboard.spend import Share
from billing.dashboard.spend_reads import CustomerInfo
from chargeback.money import WIDE, Money

SIX = Decimal("0.000001")  # a forecast is an estimate: six places are plenty


def _text(value: Decimal) -> str:
    return format(value, "f")


def _rounded(value: Decimal, currency: str) -> str:
    return _text(Money(value, currency).rounded().amount)


def _six(value: Decimal) -> str:
    return _text(value.quantize(SIX, context=WIDE))


class SharePublic(BaseModel):
    key: str  # the customer or the service
    name: str  # the customer's name (the service's id for services)
    cost_center: str | None = None
    amount: str
    exact_amount: str
    charges: int


class DayPublic(BaseModel):
    date: date
    amount: str
    cumulative: str  # spend from the period's first day through this one
    charges: int


class ForecastPublic(BaseModel):
    method: str = "run-rate"
    amount: str | None  # null until available_from
    exact_amount: str | None
    elapsed_percent: str
    available_from: datetime


class SpendPublic(BaseModel):
    period: str
    customer: str | None
    cost_center: str | None
    service: str | None
    currency: str
    currencies: list[str]
    time_zone: str
    period_start: datetime
    period_end: datetime
    as_of: datetime
    total: str
    exact_total: str
    charges: int
    by_customer: list[SharePublic]
    by_service: list[SharePublic]
    daily: list[DayPublic]
    forecast: ForecastPublic

    @classmethod
    def of(cls, report: SpendReport) -> SpendPublic:
        spend, cur, known = report.spend, report.spend.currency, report.customers

        def share(s: Share, info: CustomerInfo | None = None) -> SharePublic:
            return SharePublic(
                key=s.key,
                name=info.name if info else s.key,
                cost_center=info.cost_center if info else None,
                amount=_rounded(s.exact, cur),
                exact_amount=_text(s.exact),
                charges=s.charges,
            )

        forecast = spend.forecast.exact
        return cls(
            period=report.filters.period,
            customer=report.filters.customer,
            cost_center=report.filters.cost_center,
            service=report.filters.service,
            currency=cur,
            currencies=list(spend.currencies),
            time_zone=report.time_zone,
            period_start=report.start,
            period_end=report.end,
            as_of=report.now,
            total=_rounded(spend.exact_total, cur),
            exact_total=_text(spend.exact_total),
            charges=spend.charges,
            by_customer=[share(s, known.get(s.key)) for s in spend.by_customer],
            by_service=[share(s) for s in spend.by_service],
            daily=[
                DayPublic(
                    date=d.day,
                    amount=_rounded(d.exact, cur),
                    cumulative=_rounded(d.cumulative, cur),
                    charges=d.charges,
                )
                for d in spend.daily
            ],
            forecast=ForecastPublic(
                amount=None if forecast is None else _rounded(forecast, cur),
                exact_amount=None if forecast is None else _six(forecast),
                elapsed_percent=_text(spend.forecast.elapsed_percent.quantize(Decimal("0.01"))),
                available_from=spend.forecast.available_from,
            ),
        )

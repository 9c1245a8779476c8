"""What the page asks before it draws: who is signed in, what the filters offer."""

from __future__ import annotations

from pydantic import BaseModel

from billing.dashboard.spend_reads import Choices, CustomerInfo


class CustomerPublic(BaseModel):
    customer: str
    name: str
    cost_center: str | None

    @classmethod
    def of(cls, info: CustomerInfo) -> CustomerPublic:
        return cls(customer=info.customer, name=info.name, cost_center=info.cost_center)


class FilterChoicesPublic(BaseModel):
    period: str
    customers: list[CustomerPublic]
    cost_centers: list[str]
    services: list[str]

    @classmethod
    def of(cls, period: str, found: Choices) -> FilterChoicesPublic:
        return cls(
            period=period,
            customers=[CustomerPublic.of(c) for c in found.customers],
            cost_centers=found.cost_centers,
            services=found.services,
        )


class CallerPublic(BaseModel):
    """Who the page is signed in as (never the key itself)."""

    role: str
    customer: str | None
    name: str

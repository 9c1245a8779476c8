"""What the cost-centre and actuals reads answer. Amounts are exact decimal strings."""

from __future__ import annotations

from pydantic import BaseModel

from billing.domain.actuals import Actual, Actuals
from billing.entrypoints.http.schemas import decimal_text
from billing.service_layer.rollups import TreeSpend


class CustomerSpendPublic(BaseModel):
    customer: str
    amount: str


class NodePublic(BaseModel):
    id: str
    name: str
    parent: str | None
    depth: int
    own: str  # charges made for this node itself
    total: str  # this node and everything below it
    charges: int
    customers: list[CustomerSpendPublic]  # whose charges make up `total`


class CostCentersPublic(BaseModel):
    period: str
    currency: str
    customer: str | None
    price_book_version: str | None  # the terms closing the period, whose tree this is
    nodes: list[NodePublic]  # roots first, each followed by its subtree
    unassigned: str  # charges made for no cost centre
    unassigned_charges: int

    @classmethod
    def of(cls, found: TreeSpend, currency: str, customer: str | None) -> CostCentersPublic:
        rollup = found.rollup
        return cls(
            period=str(found.period),
            currency=currency,
            customer=customer,
            price_book_version=found.version,
            nodes=[
                NodePublic(
                    id=n.node,
                    name=n.name,
                    parent=n.parent,
                    depth=n.depth,
                    own=decimal_text(n.own),
                    total=decimal_text(n.total),
                    charges=n.charges,
                    customers=[
                        CustomerSpendPublic(customer=c, amount=decimal_text(a))
                        for c, a in n.customers.items()
                    ],
                )
                for n in rollup.nodes
            ],
            unassigned=decimal_text(rollup.unassigned),
            unassigned_charges=rollup.unassigned_charges,
        )


class ActualPublic(BaseModel):
    period: str
    customer: str | None = None
    service: str | None = None
    amount: str
    charges: int

    @classmethod
    def of(cls, actual: Actual) -> ActualPublic:
        return cls(
            period=actual.period,
            customer=actual.customer,
            service=actual.service,
            amount=decimal_text(actual.amount),
            charges=actual.charges,
        )


class ActualsPublic(BaseModel):
    first: str
    last: str
    currency: str
    customer: str | None
    cost_center: str | None
    service: str | None
    months: list[ActualPublic]  # every month of the range
    detail: list[ActualPublic]  # per month, customer and service, where charged

    @classmethod
    def of(cls, found: Actuals, **scope: str | None) -> ActualsPublic:
        return cls(
            **scope,  # type: ignore[arg-type]
            months=[ActualPublic.of(a) for a in found.months],
            detail=[ActualPublic.of(a) for a in found.detail],
        )

"""The budget book: every budget watched, and the webhooks of the budgets file.
Indexed, so a charge finds its budgets without a scan. A charge names its own cost
centre and that node's path to the root (rating put them there from the customer's terms):
the book never looks them up; a cost-centre budget at any node of the path counts it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from budget_monitor.domain.budgets import Budget


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A subscriber endpoint. The secret signs deliveries and is never shown."""

    url: str
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class BudgetBook:
    budgets: tuple[Budget, ...] = ()
    webhooks: tuple[WebhookTarget, ...] = ()
    _by_key: dict[tuple[str, str], list[Budget]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _by_id: dict[str, Budget] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        ids = [b.id for b in self.budgets]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"budget ids must be unique: {', '.join(repeated)}")
        index: dict[tuple[str, str], list[Budget]] = defaultdict(list)
        for budget in self.budgets:  # the one field that narrows a scope most
            scope = budget.scope
            if scope.customer:
                index["customer", scope.customer].append(budget)
            elif scope.cost_center:
                index["cost_center", scope.cost_center].append(budget)
            else:
                index["service", scope.service or ""].append(budget)
        object.__setattr__(self, "_by_key", dict(index))
        object.__setattr__(self, "_by_id", {b.id: b for b in self.budgets})

    def __iter__(self) -> Iterator[Budget]:
        return iter(self.budgets)

    def __len__(self) -> int:
        return len(self.budgets)

    def get(self, budget_id: str) -> Budget | None:
        return self._by_id.get(budget_id)

    def _candidates(self, customer: str, service: str, cost_centers: Sequence[str]) -> list[Budget]:
        centers = [b for node in dict.fromkeys(cost_centers) for b in self._at(node)]
        return [
            *self._by_key.get(("customer", customer), ()),
            *centers,
            *self._by_key.get(("service", service), ()),
        ]

    def _at(self, node: str) -> list[Budget]:
        return self._by_key.get(("cost_center", node), [])

    def for_charge(
        self, customer: str, service: str, currency: str, cost_centers: Sequence[str]
    ) -> list[Budget]:
        """The budgets a charge counts against (`cost_centers`: its cost-centre path)."""
        return [
            b
            for b in self._candidates(customer, service, cost_centers)
            if b.applies_to(customer, service, currency, cost_centers)
        ]

    def watching(self, customer: str, service: str, cost_centers: Sequence[str]) -> list[Budget]:
        """The budgets whose scope covers a charge, whatever its currency."""
        return [
            b
            for b in self._candidates(customer, service, cost_centers)
            if b.scope.covers(customer, service, cost_centers)
        ]

"""Spend rolled up the cost-centre tree: each node's own spend and all that lies below it.

A charge counts for every node of the path it carries (its cost centre first, then that
node's ancestors, as the terms that rated it stated the tree); a charge stored without a
path counts for its cost centre alone. The tree shown is the one the period's closing
terms state; a node a charge names that this tree lacks (the tree changed during the
period) is shown too, under the parent the charge's own path gives it. Sums are exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from chargeback.money import ZERO, exact_sum
from terms.domain.cost_centers import CostCenterTree


def charge_nodes(cost_center: str | None, path: Sequence[str] | None) -> tuple[str, ...]:
    """The nodes a charge counts for, most specific first."""
    if path:
        return tuple(path)
    return (cost_center,) if cost_center else ()


@dataclass(frozen=True, slots=True)
class Charged:
    customer: str
    nodes: tuple[str, ...]
    amount: Decimal


@dataclass
class NodeSpend:
    node: str
    name: str
    parent: str | None
    depth: int = 0
    own: Decimal = ZERO  # charges made for this node itself
    total: Decimal = ZERO  # this node and every node below it
    charges: int = 0  # behind `total`
    customers: dict[str, Decimal] = field(default_factory=dict)  # behind `total`


@dataclass(frozen=True, slots=True)
class Rollup:
    nodes: tuple[NodeSpend, ...]  # roots first, each followed by its subtree (depth first)
    unassigned: Decimal  # charges made for no cost centre
    unassigned_charges: int


def roll_up(tree: CostCenterTree, charged: Iterable[Charged]) -> Rollup:
    parents: dict[str, str | None] = {c.id: c.parent for c in tree}
    found: dict[str, list[Decimal]] = defaultdict(list)
    own: dict[str, list[Decimal]] = defaultdict(list)
    customers: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    loose: list[Decimal] = []
    for charge in charged:
        if not charge.nodes:
            loose.append(charge.amount)
            continue
        own[charge.nodes[0]].append(charge.amount)
        for index, node in enumerate(dict.fromkeys(charge.nodes)):
            found[node].append(charge.amount)
            customers[node][charge.customer].append(charge.amount)
            if node not in parents:  # not in this tree: placed as the charge's path says
                following = charge.nodes[index + 1 : index + 2]
                parents[node] = following[0] if following else None
    spent = {
        node: NodeSpend(
            node,
            tree.name(node),
            parents[node],
            own=exact_sum(own.get(node, ())),
            total=exact_sum(found.get(node, ())),
            charges=len(found.get(node, ())),
            customers={c: exact_sum(a) for c, a in sorted(customers[node].items())},
        )
        for node in parents
    }
    return Rollup(tuple(_depth_first(spent)), exact_sum(loose), len(loose))


def _depth_first(spent: dict[str, NodeSpend]) -> list[NodeSpend]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for node in sorted(spent):
        parent = spent[node].parent
        children[parent if parent in spent else None].append(node)
    ordered: list[NodeSpend] = []
    stack = [(node, 0) for node in reversed(children[None])]
    while stack:
        node, depth = stack.pop()
        spent[node].depth = depth
        ordered.append(spent[node])
        stack.extend((child, depth + 1) for child in reversed(children[node]))
    reached = {n.node for n in ordered}  # paths of two versions may loop: shown as roots
    return ordered + [spent[node] for node in sorted(spent) if node not in reached]

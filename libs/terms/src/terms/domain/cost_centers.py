"""The cost-centre tree of a price-book version: departments inside divisions inside a company.

A node names its parent; a node without one is a root. A node's path is the node and its
ancestors, most specific first. A rated charge carries the path of its customer's cost
centre as the version that rated it states the tree, so spend and budgets at any node
count everything below it, and a change of the tree counts from its version's date only.
`cost_center_problems` lists every fault of a document's tree: an unknown parent, a cycle,
a tree too deep, a customer naming a node the tree does not have.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from terms.domain.errors import Problem
from terms.domain.paths import child

MAX_DEPTH = 16  # levels from a node to its root, the node included


@dataclass(frozen=True, slots=True)
class CostCenter:
    id: str
    name: str = ""
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class CostCenterTree:
    nodes: Mapping[str, CostCenter] = field(default_factory=dict)

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def __iter__(self) -> Iterator[CostCenter]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    def path(self, node: str) -> tuple[str, ...]:
        """`node` and its ancestors, most specific first (a node not in the tree: itself)."""
        found = [node]
        current = self.nodes.get(node)
        while current is not None and current.parent and len(found) < MAX_DEPTH:
            if current.parent in found:  # a cycle: refused when the document is checked
                break
            found.append(current.parent)
            current = self.nodes.get(current.parent)
        return tuple(found)

    def children(self, node: str) -> list[str]:
        return sorted(c.id for c in self.nodes.values() if c.parent == node)

    def name(self, node: str) -> str:
        found = self.nodes.get(node)
        return found.name if found is not None and found.name else node


def _where(node: str) -> str:
    return child("$.cost_centers", node)


def _node_problems(tree: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for node, spec in tree.items():
        parent = spec.get("parent") if isinstance(spec, Mapping) else None
        if isinstance(parent, str) and parent not in tree:
            reason = f"unknown cost centre {parent!r} (not a node of cost_centers)"
            problems.append(Problem(f"{_where(node)}.parent", reason))
            continue
        chain = [node]
        while isinstance(parent, str) and parent in tree and parent not in chain:
            chain.append(parent)
            spec = tree[parent]
            parent = spec.get("parent") if isinstance(spec, Mapping) else None
        if parent == node:
            cycle = " → ".join([*chain, node])
            problems.append(Problem(f"{_where(node)}.parent", f"a cycle: {cycle}"))
        elif parent not in chain and len(chain) > MAX_DEPTH:
            reason = f"more than {MAX_DEPTH} levels from this node to its root"
            problems.append(Problem(_where(node), reason))
    return problems


def cost_center_problems(document: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with the tree and the customers' place in it (nothing without a tree)."""
    tree = document.get("cost_centers")
    if not isinstance(tree, Mapping) or not tree:
        return []
    problems = _node_problems(tree)
    customers = document.get("customers")
    for ident, info in customers.items() if isinstance(customers, Mapping) else ():
        center = info.get("cost_center") if isinstance(info, Mapping) else None
        if isinstance(center, str) and center not in tree:
            where = child(child("$.customers", ident), "cost_center")
            problems.append(Problem(where, f"{center!r} is not a node of cost_centers"))
    return problems

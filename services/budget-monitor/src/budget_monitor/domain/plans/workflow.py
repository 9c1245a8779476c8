"""The steps of a plan's negotiation, who may take them, and in which state.

draft --submit--> submitted --approve--> approved --(a re-forecast approved)--> superseded
                           \\--reject---> rejected
A new version (finance's revision, or the business unit's counter-proposal) may be added
while the plan is a draft or submitted; an approved plan is never edited, only superseded
by a re-forecast (a new plan naming it in `supersedes`), which keeps it for comparison.
Only finance approves or rejects. Who may act is checked before the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from budget_monitor.domain.plans.errors import PlanStateError
from budget_monitor.domain.plans.plan import Actor, Plan, State

Action = Literal["submit", "approve", "reject", "version"]
TO: dict[str, State] = {"submit": "submitted", "approve": "approved", "reject": "rejected"}
FROM: dict[str, tuple[State, ...]] = {
    "submit": ("draft",),
    "approve": ("submitted",),
    "reject": ("submitted",),
    "version": ("draft", "submitted"),
}


class PlanForbidden(PermissionError):
    """The caller's role (or business unit) may not take this step: a counted 403."""


def check_actor(plan: Plan, action: Action, actor: Actor, *, member: bool) -> None:
    """PlanForbidden unless `actor` may take `action` (`member`: of the plan's business unit)."""
    if actor.finance:
        return
    if action in ("approve", "reject"):
        raise PlanForbidden(f"only finance may {action} a plan; this key's role is {actor.role}")
    if actor.role != "customer" or not member:
        raise PlanForbidden(
            f"plan {plan.id!r} is not for this key's business unit (its scope is "
            f"{', '.join(f'{k} {v}' for k, v in plan.scope.as_dict().items())})"
        )


def check_state(plan: Plan, action: Action) -> None:
    """PlanStateError saying why `action` cannot happen to `plan` now."""
    if plan.state in FROM[action]:
        return
    if plan.state == "approved" and action == "version":
        raise PlanStateError(
            f"plan {plan.id!r} is approved: it cannot be changed or countered; propose a "
            f"re-forecast instead (POST /v1/budget-plans with supersedes={plan.id!r})"
        )
    allowed = " or ".join(FROM[action])
    raise PlanStateError(f"plan {plan.id!r} is {plan.state}; {action} needs it {allowed}")


def step(plan: Plan, action: Action) -> State:
    check_state(plan, action)
    return TO.get(action, plan.state)


@dataclass(frozen=True, slots=True)
class PlanEvent:
    """One step of a plan's history: who did what, when, and why."""

    plan_id: str
    action: str  # propose, revise, counter, submit, approve, reject, supersede
    from_state: State | None
    to_state: State
    version: int | None
    actor: str
    role: str
    comment: str
    at: datetime

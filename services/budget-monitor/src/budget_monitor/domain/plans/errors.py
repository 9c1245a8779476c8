"""Errors of budget plans: bad input names its field; a plan in the wrong state says why."""

from __future__ import annotations


class PlanError(ValueError):
    """Input a plan cannot be made of; `field` names it (a 422)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class PlanStateError(ValueError):
    """A step the plan's state does not allow, or a plan in the way of another (a 409)."""

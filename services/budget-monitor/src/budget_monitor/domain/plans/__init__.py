"""Budget plans, pure: fiscal years, amounts proposed from actuals, phasing by month, the
negotiation in versions, what approval makes of a plan, and variance against actuals."""

from budget_monitor.domain.plans.basis import BASES, Basis, propose
from budget_monitor.domain.plans.budgets import budget_documents, budget_prefix
from budget_monitor.domain.plans.diff import Change, diff
from budget_monitor.domain.plans.errors import PlanError, PlanStateError
from budget_monitor.domain.plans.fiscal import FiscalYear
from budget_monitor.domain.plans.phasing import PHASINGS, Phasing, explicit, phase
from budget_monitor.domain.plans.plan import (
    LIVE,
    Actor,
    Plan,
    PlanVersion,
    State,
    VersionKind,
    belongs,
    clash,
)
from budget_monitor.domain.plans.variance import Driver, Line, Variance, variance
from budget_monitor.domain.plans.workflow import (
    Action,
    PlanEvent,
    PlanForbidden,
    check_actor,
    check_state,
    step,
)

__all__ = [
    "BASES",
    "LIVE",
    "PHASINGS",
    "Action",
    "Actor",
    "Basis",
    "Change",
    "Driver",
    "FiscalYear",
    "Line",
    "Phasing",
    "Plan",
    "PlanError",
    "PlanEvent",
    "PlanForbidden",
    "PlanStateError",
    "PlanVersion",
    "State",
    "Variance",
    "VersionKind",
    "belongs",
    "budget_documents",
    "budget_prefix",
    "check_actor",
    "check_state",
    "clash",
    "diff",
    "explicit",
    "phase",
    "propose",
    "step",
    "variance",
]

"""Message models of every topic; `contracts/schemas/*.json` in the repository is their truth."""

from chargeback.contracts.alerts import BudgetAlert
from chargeback.contracts.charges import RatedCharge, RuleEffect
from chargeback.contracts.events import UsageData, UsageEvent
from chargeback.contracts.rejections import RejectedEvent
from chargeback.contracts.topics import Topics

__all__ = [
    "BudgetAlert",
    "RatedCharge",
    "RejectedEvent",
    "RuleEffect",
    "Topics",
    "UsageData",
    "UsageEvent",
]

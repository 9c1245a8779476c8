"""Domain errors of budget monitoring."""


class BudgetError(ValueError):
    """A budget, threshold or period that cannot be."""


class ConfigError(ValueError):
    """A budgets file that cannot be used; the message names the budget and the field."""

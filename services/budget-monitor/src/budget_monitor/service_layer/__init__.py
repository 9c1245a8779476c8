"""What the budget monitor does with its parts: budgets and subscriptions kept current,
alerts delivered, crossings a change of budget made visible."""

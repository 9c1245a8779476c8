"""I/O of the budget monitor: budgets file, Redis state, Kafka, webhooks."""

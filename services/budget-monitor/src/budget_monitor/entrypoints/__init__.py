"""How the outside reaches the budget monitor: Kafka consumers and the HTTP API."""

"""Use cases: the domain and the ports put together, without knowing HTTP or Kafka consumers."""

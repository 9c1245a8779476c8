"""Rating's use cases, between the Kafka records and the domain."""

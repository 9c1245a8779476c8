"""Metering's I/O: Redis for identities and offsets, Kafka for the log."""

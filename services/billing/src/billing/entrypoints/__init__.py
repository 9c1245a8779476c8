"""Billing's entry points: the usage.rated consumer and the HTTP API."""

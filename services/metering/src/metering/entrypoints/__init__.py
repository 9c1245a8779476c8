"""How events come in: the HTTP API and the usage.ingest validator."""

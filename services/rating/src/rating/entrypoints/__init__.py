"""How rating is driven: the batch consumer on usage.events, the HTTP API."""

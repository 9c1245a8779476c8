"""Billing's pure domain (no I/O): periods, ledger batches, documents, journal, costs."""

"""Billing's I/O: the SQL ledger."""

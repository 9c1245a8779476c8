"""Billing's use cases over the ledger: current documents, finalization, costing, exports."""

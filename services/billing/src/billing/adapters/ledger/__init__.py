"""The SQL ledger: rated charges once each, line totals, documents, journal, positions."""

from billing.adapters.ledger.books import SqlBooks
from billing.adapters.ledger.engine import make_engine
from billing.adapters.ledger.reads import StoredCharge
from billing.adapters.ledger.repository import SqlLedger

__all__ = ["SqlBooks", "SqlLedger", "StoredCharge", "make_engine"]

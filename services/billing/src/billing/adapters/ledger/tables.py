"""Every ledger table registered on one `metadata` (import this, not the table modules)."""

from billing.adapters.ledger import accounting_schema  # noqa: F401  (registers its tables)
from billing.adapters.ledger.schema import metadata

__all__ = ["metadata"]

"""Database access: a lazily created connection pool and the transactions every query runs in.

Requests run in :func:`tenant_transaction` (role ``authenticated``, claims incl. the tenant, so row
level security applies); background jobs run in an explicitly named :func:`system_transaction`.
"""

from docflow.db.pool import close_pool, get_pool
from docflow.db.transactions import (
    Connection,
    set_request_claims,
    system_transaction,
    user_transaction,
)

__all__ = [
    "Connection",
    "close_pool",
    "get_pool",
    "set_request_claims",
    "system_transaction",
    "user_transaction",
]

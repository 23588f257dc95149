"""Database access: a lazily created connection pool, the transactions every query runs in, and the
one translation of database errors into domain errors.

Requests run in :func:`user_transaction` (role ``authenticated``, claims incl. the tenant, so row
level security applies); background jobs run in an explicitly named :func:`system_transaction`. A
request that only reads uses :func:`read_as_user` (claims and query in one round trip).
"""

from docflow.db.errors import DocflowCode, SqlState, domain_error, translate_errors
from docflow.db.pool import close_pool, get_pool
from docflow.db.transactions import (
    Connection,
    read_as_user,
    set_request_claims,
    system_transaction,
    user_claims,
    user_transaction,
    user_transaction_reading,
)

__all__ = [
    "Connection",
    "DocflowCode",
    "SqlState",
    "close_pool",
    "domain_error",
    "get_pool",
    "read_as_user",
    "set_request_claims",
    "system_transaction",
    "translate_errors",
    "user_claims",
    "user_transaction",
    "user_transaction_reading",
]

"""The clients domain shared by every writer of ``public.clients``: field validation and
normalisation (:mod:`~docflow.clients.identifiers`, :mod:`~docflow.clients.models`) and the insert
(:mod:`~docflow.clients.store`). The clients API and lead conversion both write through it, so a
client holds only what the clients API would accept again."""

from docflow.clients.models import CLIENT_FIELDS, ClientCreate
from docflow.clients.store import CLIENT_COLUMNS, DUPLICATE_BUSINESS_ID, duplicate_is_conflict, insert_clients

__all__ = [
    "CLIENT_COLUMNS",
    "CLIENT_FIELDS",
    "DUPLICATE_BUSINESS_ID",
    "ClientCreate",
    "duplicate_is_conflict",
    "insert_clients",
]

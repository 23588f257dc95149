"""Reading the audit log: filters and keyset pagination on the identity column, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docflow.db.compose import Conditions, statement
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow_admin.schemas import AuditEntryPublic, AuditQuery

if TYPE_CHECKING:
    from docflow.db import Connection


AUDIT_ORDER = Keyset("audit_log", ("id",), (int,), descending=True)
SELECT = (
    "select id, tenant_id, actor_user_id, action, target_type, target_id, details, correlation_id, created_at"
    " from public.audit_log"
)


def read_audit_log(conn: Connection, query: AuditQuery) -> Page[AuditEntryPublic]:
    """Audit rows matching every given filter; ``action`` ending in ``.*`` matches a prefix."""
    where = Conditions()
    where.add_if_given("tenant_id = %(tenant_id)s", tenant_id=query.tenant_id)
    where.add_if_given("actor_user_id = %(actor)s", actor=query.actor_user_id)
    if query.action and query.action.endswith(".*"):
        where.add("action like %(action)s", action=query.action[:-1].replace("_", "\\_") + "%")
    elif query.action:
        where.add("action = %(action)s", action=query.action)
    where.add_if_given("created_at >= %(since)s", since=query.since)
    where.add_if_given("created_at < %(until)s", until=query.until)
    return fetch_page(
        conn, statement(SELECT), where, order=AUDIT_ORDER, page=query, item=AuditEntryPublic.model_validate
    )

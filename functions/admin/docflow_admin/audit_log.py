"""Reading the audit log: filters and keyset pagination on the identity column, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docflow.errors import Unprocessable
from docflow_admin.cursor import decode_cursor, encode_cursor
from docflow_admin.schemas import AuditEntryPublic, AuditPage, AuditQuery

if TYPE_CHECKING:
    from docflow.db import Connection


def read_audit_log(conn: Connection, query: AuditQuery) -> AuditPage:
    """Audit rows matching every given filter; ``action`` ending in ``.*`` matches a prefix."""
    from psycopg import sql

    conditions: list[sql.Composable] = []
    params: list[Any] = []
    for column, value in (("tenant_id", query.tenant_id), ("actor_user_id", query.actor_user_id)):
        if value is not None:
            conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    action, limit = query.action, query.limit
    if action:
        if action.endswith(".*"):
            conditions.append(sql.SQL("action like %s"))
            params.append(action[:-1].replace("_", "\\_") + "%")
        else:
            conditions.append(sql.SQL("action = %s"))
            params.append(action)
    if query.since is not None:
        conditions.append(sql.SQL("created_at >= %s"))
        params.append(query.since)
    if query.until is not None:
        conditions.append(sql.SQL("created_at < %s"))
        params.append(query.until)
    after = decode_cursor(query.cursor, size=1)
    if after is not None:
        if not after[0].isdigit():
            raise Unprocessable("The cursor is not valid")
        conditions.append(sql.SQL("id < %s"))
        params.append(int(after[0]))
    where = sql.SQL(" where ") + sql.SQL(" and ").join(conditions) if conditions else sql.SQL("")
    statement = (
        sql.SQL(
            "select id, tenant_id, actor_user_id, action, target_type, target_id, details,"
            " correlation_id, created_at from public.audit_log"
        )
        + where
        + sql.SQL(" order by id desc limit %s")
    )
    rows = conn.execute(statement, [*params, limit + 1]).fetchall()
    page, more = rows[:limit], len(rows) > limit
    return AuditPage(
        items=[AuditEntryPublic(**row) for row in page],
        next_cursor=encode_cursor(page[-1]["id"]) if more else None,
    )

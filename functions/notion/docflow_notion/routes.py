"""``/api/v1/notion``: the tenant's Notion integration.

Owners and admins set (or rotate) the token, choose the data source and field mapping, remove the
integration (every sync stops at once) and queue a resync of every client and lead; every member sees
each record's sync status. The token is sealed on arrival (KMS envelope) and never answered back: only
its fingerprint and when it was set. Nothing here calls Notion: the syncs run from the outbox.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from docflow import audit
from docflow.db.compose import Conditions, statement
from docflow.errors import NotFound
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow.tenancy import Role
from docflow_notion.schemas import ConnectionIn, ConnectionPublic, Queued, SyncQuery, SyncStatus, TargetIn

router = APIRouter(prefix="/api/v1/notion", tags=["notion"])
Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in {
        401: "Authentication required",
        403: "Not allowed for this role or tenant",
        404: "Not connected",
        409: "Not connected, or no data source chosen",
        422: "Validation failed",
        503: "The key service is unavailable",
    }.items()
}
SYNC_ORDER = Keyset("notion_sync", ("updated_at", "entity_id"), (datetime, uuid.UUID), descending=True)


def _public(tenant: TenantContext) -> ConnectionPublic:
    from docflow.integrations import store

    described = store.describe(tenant.conn, "notion")
    if described is None:
        raise NotFound("Notion is not connected")
    return ConnectionPublic.of(described.fingerprint, described.set_at, described.settings)


@router.get("/connection", summary="The Notion integration (never its token)", responses=_PROBLEMS)
def get_connection(tenant: Manager) -> ConnectionPublic:
    """Fingerprint of the token, when it was set, the data source and the mapping."""
    return _public(tenant)


@router.put("/connection", summary="Set or rotate the Notion token", responses=_PROBLEMS)
def put_connection(body: ConnectionIn, tenant: Manager) -> ConnectionPublic:
    """Seal and store the token (a rotation keeps the data source and mapping)."""
    from docflow.integrations import store

    described = store.connect(tenant.conn, tenant_id=tenant.tenant_id, provider="notion", secret=body.token)
    audit.record_tenant_action(
        tenant,
        action="integration.set",
        target_type="integration",
        target_id="notion",
        details={"fingerprint": described.fingerprint},
    )
    return ConnectionPublic.of(described.fingerprint, described.set_at, described.settings)


@router.put("/target", summary="Choose the data source and field mapping", responses=_PROBLEMS)
def put_target(body: TargetIn, tenant: Manager) -> ConnectionPublic:
    """Clients and leads become pages of this data source; ``mapping`` names the property of each field."""
    from docflow.integrations import store

    described = store.update_settings(
        tenant.conn, "notion", {"data_source_id": str(body.data_source_id), "mapping": dict(body.mapping)}
    )
    if described is None:
        raise NotFound("Notion is not connected")
    return ConnectionPublic.of(described.fingerprint, described.set_at, described.settings)


@router.delete(
    "/connection",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove the integration",
    responses=_PROBLEMS,
)
def delete_connection(tenant: Manager) -> Response:
    """Delete the token and every queued sync: nothing more reaches Notion."""
    from docflow.integrations import store

    if not store.remove(tenant.conn, "notion"):
        raise NotFound("Notion is not connected")
    audit.record_tenant_action(
        tenant, action="integration.removed", target_type="integration", target_id="notion"
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/resync",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Sync every client and lead again",
    responses=_PROBLEMS,
)
def resync(tenant: Manager) -> Queued:
    """Queue every client and lead for a sync; the pages are updated (or created) in the background."""
    from docflow.integrations import outbox, store
    from docflow.integrations.errors import NotConfigured
    from docflow.integrations.notion import resync_all

    described = store.describe(tenant.conn, "notion")
    if described is None:
        raise NotFound("Notion is not connected")
    if not described.settings.get("data_source_id"):
        raise NotConfigured("Choose a Notion data source first")
    queued = resync_all(tenant.conn, tenant.tenant_id)
    tenant.after_commit(outbox.nudge)
    return Queued(queued=queued)


@router.get("/sync", summary="Each record's sync status", responses=_PROBLEMS)
def list_sync(tenant: TenantConn, query: Annotated[SyncQuery, Query()]) -> Page[SyncStatus]:
    """Newest change first; filter by ``status``."""
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    if query.status is not None:
        where.add("status = %(status)s", status=query.status)
    select = statement(
        "select entity_kind, entity_id, status, page_id, error_code, attempts, synced_at, updated_at"
        " from public.notion_pages"
    )
    return fetch_page(
        tenant.conn, select, where, order=SYNC_ORDER, page=query, item=SyncStatus.model_validate
    )

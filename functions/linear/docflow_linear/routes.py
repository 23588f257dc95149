"""``/api/v1/linear``: the tenant's Linear integration.

Owners and admins set (or rotate) the API key with the webhook's signing secret (the key is checked
once against Linear, which also names the workspace the webhook deliveries come from), choose the
team and the review threshold, list the teams and remove the integration. Every member may open a
support request (a Linear issue, opened in the background) and see each issue's state.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from starlette.concurrency import run_in_threadpool

from docflow import audit
from docflow.db.compose import Conditions, statement
from docflow.errors import NotFound, Unprocessable
from docflow.http.deps import TenantConn, TenantContext, TenantWriter, require_role
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow.tenancy import Role
from docflow_linear.schemas import (
    ConnectionIn,
    ConnectionPublic,
    IssuePublic,
    IssueQuery,
    SettingsIn,
    SupportAccepted,
    SupportIn,
    Team,
)

router = APIRouter(prefix="/api/v1/linear", tags=["linear"])
Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]
ISSUE_ORDER = Keyset("linear_issues", ("created_at", "subject_id"), (datetime, uuid.UUID), descending=True)

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in {
        401: "Authentication required",
        403: "Not allowed for this role or tenant",
        404: "Not connected",
        409: "Linear is not connected",
        422: "Validation failed, or Linear refused the key",
        502: "Linear failed",
        503: "The key service is unavailable",
    }.items()
}


def _not_connected() -> NotFound:
    return NotFound("Linear is not connected")


@router.get("/connection", summary="The Linear integration (never its key)", responses=_PROBLEMS)
def get_connection(tenant: Manager) -> ConnectionPublic:
    """Fingerprint of the key, when it was set, the workspace, team and review threshold."""
    from docflow.integrations import store

    described = store.describe(tenant.conn, "linear")
    if described is None:
        raise _not_connected()
    return ConnectionPublic.of(
        described.fingerprint, described.set_at, described.settings, described.external_account
    )


@router.put("/connection", summary="Set or rotate the Linear key and webhook secret", responses=_PROBLEMS)
async def put_connection(body: ConnectionIn, tenant: Manager) -> ConnectionPublic:
    """Check the key with Linear (its workspace), then seal and store both secrets."""
    from docflow.integrations import linear, store
    from docflow.integrations.errors import ProviderError

    try:
        organization = await run_in_threadpool(linear.viewer_organization, body.api_key)
    except ProviderError as error:
        if error.transient:
            raise
        raise Unprocessable("Linear refused this API key") from None
    described = store.connect(
        tenant.conn,
        tenant_id=tenant.tenant_id,
        provider="linear",
        secret=body.api_key,
        webhook_secret=body.webhook_secret,
        external_account=organization,
    )
    audit.record_tenant_action(
        tenant,
        action="integration.set",
        target_type="integration",
        target_id="linear",
        details={"fingerprint": described.fingerprint},
    )
    return ConnectionPublic.of(
        described.fingerprint, described.set_at, described.settings, described.external_account
    )


@router.put("/settings", summary="Choose the team and the review threshold", responses=_PROBLEMS)
def put_settings(body: SettingsIn, tenant: Manager) -> ConnectionPublic:
    """Issues are opened in ``team_id``; a receipt waiting for review ``review_after_hours`` gets one."""
    from docflow.integrations import store

    described = store.update_settings(
        tenant.conn, "linear", {"team_id": body.team_id, "review_after_hours": body.review_after_hours}
    )
    if described is None:
        raise _not_connected()
    return ConnectionPublic.of(
        described.fingerprint, described.set_at, described.settings, described.external_account
    )


@router.get("/teams", summary="The connected workspace's teams", responses=_PROBLEMS)
async def list_teams(tenant: Manager) -> list[Team]:
    """The first 50 teams of the workspace, to choose one from."""
    from docflow.db import system_transaction
    from docflow.integrations import linear, store

    if store.describe(tenant.conn, "linear") is None:
        raise _not_connected()

    def fetch() -> list[dict[str, str]]:
        with system_transaction("integrations.linear_teams", tenant_id=str(tenant.tenant_id)) as conn:
            opened = store.load(conn, tenant.tenant_id, "linear")
        if opened is None:
            raise _not_connected()
        return linear.teams(opened.secret)

    return [Team.model_validate(team) for team in await run_in_threadpool(fetch)]


@router.delete(
    "/connection",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove the integration",
    responses=_PROBLEMS,
)
def delete_connection(tenant: Manager) -> Response:
    """Delete the key and every queued issue: nothing more reaches Linear."""
    from docflow.integrations import store

    if not store.remove(tenant.conn, "linear"):
        raise _not_connected()
    audit.record_tenant_action(
        tenant, action="integration.removed", target_type="integration", target_id="linear"
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/support", status_code=status.HTTP_202_ACCEPTED, summary="Open a support request", responses=_PROBLEMS
)
def post_support(body: SupportIn, tenant: TenantWriter) -> SupportAccepted:
    """Store the request; its Linear issue is opened in the background (see ``GET /issues``)."""
    from docflow.integrations import outbox
    from docflow.integrations.errors import NotConnected

    connected = tenant.conn.execute(
        "select app_private.integration_connected(%s, 'linear') as ok", (tenant.tenant_id,)
    ).fetchone()
    if not connected or not connected["ok"]:
        raise NotConnected("Linear is not connected for this tenant")
    row = tenant.conn.execute(
        "insert into public.support_requests (tenant_id, title, body) values (%s, %s, %s) returning id",
        (tenant.tenant_id, body.title, body.body),
    ).fetchone()
    assert row is not None
    outbox.enqueue(
        tenant.conn, tenant_id=tenant.tenant_id, provider="linear", topic="support", entity_id=row["id"]
    )
    tenant.after_commit(outbox.nudge)
    return SupportAccepted(id=row["id"])


@router.get("/issues", summary="Issues opened for receipts and support requests", responses=_PROBLEMS)
def list_issues(tenant: TenantConn, query: Annotated[IssueQuery, Query()]) -> Page[IssuePublic]:
    """Newest first, with the state Linear last reported."""
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    if query.subject_kind is not None:
        where.add("subject_kind = %(kind)s", kind=query.subject_kind)
    select = statement(
        "select subject_kind, subject_id, status, identifier, url, state_name, state_type, error_code,"
        " created_at, updated_at from public.linear_issues"
    )
    return fetch_page(
        tenant.conn, select, where, order=ISSUE_ORDER, page=query, item=IssuePublic.model_validate
    )

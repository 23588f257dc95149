"""Members' work on leads, on the request's RLS-bound transaction (``tenant.conn``).

Every query also names the tenant explicitly; row level security is the wall, this is the habit.
Status changes are guarded by the old status in the ``UPDATE`` itself, so two concurrent changes
cannot both pass the transition check.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from docflow import audit
from docflow.db.compose import Conditions, contains_pattern, statement
from docflow.errors import Conflict, NotFound, Unprocessable
from docflow.http.deps import TenantContext
from docflow.http.pagination import Keyset, Page, fetch_page
from docflow_leads.schemas import (
    LeadDetail,
    LeadNoteCreate,
    LeadNotePublic,
    LeadPublic,
    LeadQuery,
    LeadStatus,
    LeadUpdate,
)

#: Allowed status changes: the funnel forward one step; any open lead may be marked lost.
TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.NEW: frozenset({LeadStatus.CONTACTED, LeadStatus.LOST}),
    LeadStatus.CONTACTED: frozenset({LeadStatus.QUALIFIED, LeadStatus.LOST}),
    LeadStatus.QUALIFIED: frozenset({LeadStatus.WON, LeadStatus.LOST}),
    LeadStatus.WON: frozenset(),
    LeadStatus.LOST: frozenset(),
}

LEAD_COLUMNS = """id, status, name, email, phone, company, message, owner_id, client_id, converted_at,
                  consent_at, created_at, updated_at"""


def can_transition(current: LeadStatus, target: LeadStatus) -> bool:
    """Whether a lead may move from ``current`` to ``target``."""
    return target in TRANSITIONS[current]


LEAD_ORDER = Keyset("leads", ("created_at", "id"), (datetime, uuid.UUID), descending=True)


def list_leads(tenant: TenantContext, query: LeadQuery) -> Page[LeadPublic]:
    """One page of the tenant's leads, newest first, filtered."""
    where = Conditions()
    where.add("tenant_id = %(tenant)s", tenant=tenant.tenant_id)
    if query.status is not None:
        where.add("status = %(status)s", status=query.status.value)
    where.add_if_given("owner_id = %(owner)s", owner=query.owner_id)
    if query.q is not None:
        where.add(
            "(name ilike %(q)s or email ilike %(q)s or company ilike %(q)s)", q=contains_pattern(query.q)
        )
    select = statement("select {columns} from public.leads", columns=LEAD_COLUMNS)
    return fetch_page(
        tenant.conn, select, where, order=LEAD_ORDER, page=query, item=LeadPublic.model_validate
    )


def load_lead(tenant: TenantContext, lead_id: uuid.UUID, *, lock: bool = False) -> dict[str, Any]:
    """One lead of the tenant (404 otherwise), row locked with ``lock`` for the change that follows."""
    row = tenant.conn.execute(
        statement(
            "select {columns} from public.leads where id = %s and tenant_id = %s{lock}",
            columns=LEAD_COLUMNS,
            lock=" for update" if lock else "",
        ),
        (lead_id, tenant.tenant_id),
    ).fetchone()
    if row is None:
        raise NotFound("Lead not found")
    return dict(row)


def get_lead(tenant: TenantContext, lead_id: uuid.UUID) -> LeadDetail:
    """A lead with its notes."""
    lead = load_lead(tenant, lead_id)
    notes = tenant.conn.execute(
        """
        select id, lead_id, author_id, body, created_at from public.lead_notes
         where lead_id = %s and tenant_id = %s order by created_at, id
        """,
        (lead_id, tenant.tenant_id),
    ).fetchall()
    return LeadDetail(**lead, notes=[LeadNotePublic.model_validate(note) for note in notes])


def _ensure_member(tenant: TenantContext, user_id: uuid.UUID) -> None:
    row = tenant.conn.execute(
        "select 1 from public.tenant_members where tenant_id = %s and user_id = %s",
        (tenant.tenant_id, user_id),
    ).fetchone()
    if row is None:
        raise Unprocessable("The owner must be a member of this tenant")


def update_lead(tenant: TenantContext, lead_id: uuid.UUID, change: LeadUpdate) -> LeadPublic:
    """Move a lead along the funnel and/or assign its owner."""
    lead = load_lead(tenant, lead_id, lock=True)
    fields = change.model_fields_set
    if not fields:
        raise Unprocessable("Nothing to change: give status and/or owner_id")
    if "status" in fields and change.status is None:
        raise Unprocessable("status cannot be null")
    current = LeadStatus(lead["status"])
    target = change.status if change.status is not None else current
    if target != current and not can_transition(current, target):
        raise Conflict(f"A {current.value} lead cannot become {target.value}")
    owner = change.owner_id if "owner_id" in fields else lead["owner_id"]
    if "owner_id" in fields and owner is not None:
        _ensure_member(tenant, owner)
    row = tenant.conn.execute(
        statement(
            """
            update public.leads set status = %s, owner_id = %s, updated_at = now()
             where id = %s and tenant_id = %s and status = %s
            returning {columns}
            """,
            columns=LEAD_COLUMNS,
        ),
        (target.value, owner, lead_id, tenant.tenant_id, current.value),
    ).fetchone()
    if row is None:  # changed under us despite the lock (or hidden by RLS)
        raise Conflict("The lead changed meanwhile; reload it")
    if target != current:
        audit.record_tenant_action(
            tenant,
            action="lead.status_changed",
            target_type="lead",
            target_id=lead_id,
            details={"from": current.value, "to": target.value},
        )
    if "owner_id" in fields and owner != lead["owner_id"]:
        audit.record_tenant_action(
            tenant,
            action="lead.owner_assigned",
            target_type="lead",
            target_id=lead_id,
            details={"owner_id": owner},
        )
    return LeadPublic.model_validate(row)


def add_note(tenant: TenantContext, lead_id: uuid.UUID, note: LeadNoteCreate) -> LeadNotePublic:
    """Append a note to a lead."""
    load_lead(tenant, lead_id)
    row = tenant.conn.execute(
        """
        insert into public.lead_notes (tenant_id, lead_id, author_id, body) values (%s, %s, %s, %s)
        returning id, lead_id, author_id, body, created_at
        """,
        (tenant.tenant_id, lead_id, tenant.user_id, note.body),
    ).fetchone()
    assert row is not None
    tenant.conn.execute(
        "update public.leads set updated_at = now() where id = %s and tenant_id = %s",
        (lead_id, tenant.tenant_id),
    )
    return LeadNotePublic.model_validate(row)

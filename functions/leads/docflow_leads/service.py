"""Members' work on leads, on the request's RLS-bound transaction (``tenant.conn``).

Every query also names the tenant explicitly; row level security is the wall, this is the habit.
Status changes are guarded by the old status in the ``UPDATE`` itself, so two concurrent changes
cannot both pass the transition check.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from docflow import audit
from docflow.errors import Conflict, NotFound, Unprocessable
from docflow.http.deps import TenantContext
from docflow_leads.schemas import (
    LeadDetail,
    LeadNoteCreate,
    LeadNotePublic,
    LeadPage,
    LeadPublic,
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


#: A cursor is ``<created_at in microseconds since 1970>_<lead id in hex>``: every string matching the
#: pattern names a position, so a well-formed cursor never fails.
CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9a-f]{32}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created_at: datetime, lead_id: uuid.UUID) -> str:
    """The cursor for the position after ``(created_at, id)``."""
    micros = (created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{lead_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor names; anything else is a 422."""
    match = _CURSOR.match(cursor)
    if not match:
        raise Unprocessable("The cursor is not valid; start again without it")
    micros, _, hex_id = cursor.partition("_")
    return _EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(hex=hex_id)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_leads(
    tenant: TenantContext,
    *,
    status: LeadStatus | None,
    owner_id: uuid.UUID | None,
    search: str | None,
    cursor: str | None,
    limit: int,
) -> LeadPage:
    """One page of the tenant's leads, newest first, filtered."""
    after = decode_cursor(cursor) if cursor else None
    params: dict[str, Any] = {
        "tenant": tenant.tenant_id,
        "status": status.value if status else None,
        "owner": owner_id,
        "q": _like_pattern(search) if search else None,
        "after_t": after[0] if after else None,
        "after_i": after[1] if after else None,
        "limit": limit + 1,
    }
    rows = tenant.conn.execute(
        f"""
        select {LEAD_COLUMNS} from public.leads
         where tenant_id = %(tenant)s
           and (%(status)s::text is null or status = %(status)s::text)
           and (%(owner)s::uuid is null or owner_id = %(owner)s::uuid)
           and (%(q)s::text is null or name ilike %(q)s::text or email ilike %(q)s::text
                or company ilike %(q)s::text)
           and (%(after_t)s::timestamptz is null
                or (created_at, id) < (%(after_t)s::timestamptz, %(after_i)s::uuid))
         order by created_at desc, id desc
         limit %(limit)s
        """,  # noqa: S608 - the interpolated text is a constant column list
        params,
    ).fetchall()
    items = [LeadPublic.model_validate(row) for row in rows[:limit]]
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > limit else None
    return LeadPage(items=items, next_cursor=next_cursor)


def load_lead(tenant: TenantContext, lead_id: uuid.UUID, *, lock: bool = False) -> dict[str, Any]:
    """One lead of the tenant (404 otherwise), row locked with ``lock`` for the change that follows."""
    row = tenant.conn.execute(
        f"select {LEAD_COLUMNS} from public.leads where id = %s and tenant_id = %s"  # noqa: S608
        + (" for update" if lock else ""),
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
        f"""
        update public.leads set status = %s, owner_id = %s, updated_at = now()
         where id = %s and tenant_id = %s and status = %s
        returning {LEAD_COLUMNS}
        """,  # noqa: S608
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

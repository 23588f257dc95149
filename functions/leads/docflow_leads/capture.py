"""The public contact form: rate limits, tenant from the form key, silent de-duplication.

Every accepted submission gets the same answer, whether it was stored, repeated or filtered, so the
form tells a bot nothing. Logs carry ids only; the sender's details go to the database and nowhere else.
"""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum

from docflow import audit, metrics
from docflow.config import get_settings
from docflow.db import system_transaction
from docflow.errors import NotFound
from docflow.observability import get_logger
from docflow.ratelimit import bucket_key, check_rate_limit
from docflow_leads.schemas import LeadCapture

JOB = "leads.capture"


class CaptureOutcome(StrEnum):
    """What happened to an accepted submission (never told to the sender)."""

    CREATED = "created"
    DUPLICATE = "duplicate"
    HONEYPOT = "honeypot"


def message_digest(message: str) -> str:
    """SHA-256 of the message with whitespace collapsed and case folded: repeats hash alike."""
    return hashlib.sha256(" ".join(message.split()).casefold().encode("utf-8")).hexdigest()


def _resolve_form(form_key: uuid.UUID, *, client_ip: str, email: str) -> tuple[uuid.UUID, uuid.UUID]:
    """Count the hit against both rate limits, then find the active form's (form id, tenant id)."""
    settings = get_settings()
    window = settings.leads_rate_limit_window_seconds
    with system_transaction(JOB) as conn:
        check_rate_limit(
            conn,
            bucket_key("leads.ip", client_ip),
            limit=settings.leads_rate_limit_per_ip,
            window_seconds=window,
        )
        check_rate_limit(
            conn,
            bucket_key("leads.email", email),
            limit=settings.leads_rate_limit_per_email,
            window_seconds=window,
        )
        row = conn.execute(
            """
            select f.id, f.tenant_id
              from public.lead_forms f join public.tenants t on t.id = f.tenant_id
             where f.key = %s and f.active and t.status = 'active'
            """,
            (form_key,),
        ).fetchone()
    if row is None:
        raise NotFound("Unknown or inactive form")
    return row["id"], row["tenant_id"]


def capture_lead(data: LeadCapture, *, form_key: uuid.UUID, client_ip: str) -> CaptureOutcome:
    """Store a contact-form submission for the form's tenant, unless it is a bot or a repeat."""
    logger = get_logger()
    if data.website:
        logger.info("lead submission filtered", extra={"reason": "honeypot"})
        metrics.emit(metrics.LEADS_REJECTED)
        return CaptureOutcome.HONEYPOT
    form_id, tenant_id = _resolve_form(form_key, client_ip=client_ip, email=data.email)
    digest = message_digest(data.message)
    hours = get_settings().leads_dedup_window_hours
    with system_transaction(JOB, tenant_id=str(tenant_id)) as conn:
        # Serialise submissions of one sender to one tenant, so concurrent repeats store one lead.
        conn.execute(
            "select pg_advisory_xact_lock(hashtextextended(%s, 42))", (f"{tenant_id}:{data.email.lower()}",)
        )
        repeat = conn.execute(
            """
            select 1 from public.leads
             where tenant_id = %s and lower(email) = lower(%s) and message_sha256 = %s
               and created_at > now() - make_interval(hours => %s)
             limit 1
            """,
            (tenant_id, data.email, digest, hours),
        ).fetchone()
        if repeat is not None:
            logger.info("lead submission repeated", extra={"tenant_id": str(tenant_id)})
            metrics.emit(metrics.LEADS_REJECTED)
            return CaptureOutcome.DUPLICATE
        row = conn.execute(
            """
            insert into public.leads
              (tenant_id, form_id, name, email, phone, company, message, message_sha256, consent_at)
            values (%s, %s, %s, %s, %s, %s, %s, %s, now())
            returning id
            """,
            (tenant_id, form_id, data.name, data.email, data.phone, data.company, data.message, digest),
        ).fetchone()
        assert row is not None
        audit.record(
            conn,
            action="lead.captured",
            actor=None,
            tenant_id=tenant_id,
            target_type="lead",
            target_id=row["id"],
            details={"form_id": form_id},
        )
    logger.info("lead captured", extra={"tenant_id": str(tenant_id), "lead_id": str(row["id"])})
    metrics.emit(metrics.LEADS_CAPTURED)
    return CaptureOutcome.CREATED

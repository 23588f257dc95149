"""``/api/v1/ai``: category suggestions and the checked second reading of hard receipts.

Owners, admins and members (who may edit receipts) use the model on receipts; every member may ask
about the books and read the usage.
Without ``OPENAI_API_KEY`` the model routes answer 503 and nothing else changes. Every call is counted
against the tenant's daily budgets before the model is asked; a failed or unusable answer writes
nothing. Responses are never cached.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from docflow import audit
from docflow.db import translate_errors
from docflow.errors import DocflowError, Forbidden
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role
from docflow_ai.schemas import (
    AiTenantSettings,
    AnswerPeriod,
    AnswerPublic,
    BulkReading,
    BulkReadingPublic,
    CategoryDecision,
    FieldSource,
    Question,
    ReadingPublic,
    SuggestionPublic,
    UsagePublic,
)


def no_store(response: Response) -> None:
    """AI answers are never cached by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(prefix="/api/v1/ai", tags=["ai"], dependencies=[Depends(no_store)])

Editor = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN, Role.MEMBER)]


def ai_editor(tenant: Editor) -> TenantContext:
    """An editor of the tenant, on a server with a model configured (503 otherwise)."""
    from docflow.ai.client import AiNotConfigured, is_configured

    if not is_configured():
        raise AiNotConfigured("AI services are not configured on this server")
    return tenant


AiEditor = Annotated[TenantContext, Depends(ai_editor)]


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _reading_public(reading: object) -> ReadingPublic:
    from docflow.ai.reading import Reading

    assert isinstance(reading, Reading)
    return ReadingPublic(
        receipt_id=reading.receipt_id,
        status=reading.status,
        accepted=reading.accepted,
        rejected=reading.rejected,
        written=reading.written,
        fields={
            name: FieldSource(source=o.source, accepted=o.accepted, reason=o.reason)
            for name, o in reading.fields.items()
        },
    )


@router.post("/receipts/{receipt_id}/category", summary="Categorise a receipt: rules first, then the model")
def categorise_receipt(receipt_id: uuid.UUID, tenant: AiEditor) -> SuggestionPublic:
    """A matching rule sets the category at once (``source: rule``); otherwise the model suggests one
    of the tenant's categories (``source: model``, ``status: suggested``) for a member to decide."""
    from docflow.ai.categorise import categorise

    with translate_errors():
        suggestion = categorise(tenant.conn, receipt_id)
    audit.record_tenant_action(
        tenant,
        action="ai.category_suggested",
        target_type="receipt",
        target_id=receipt_id,
        details={"source": suggestion.source, "category": suggestion.category},
    )
    return SuggestionPublic(
        receipt_id=receipt_id,
        category=suggestion.category,
        source=suggestion.source,
        status=suggestion.status,
    )


@router.post("/receipts/{receipt_id}/category/decision", summary="Accept or change a category suggestion")
def decide_category(receipt_id: uuid.UUID, body: CategoryDecision, tenant: Editor) -> SuggestionPublic:
    """The receipt takes the accepted (or chosen) category as a person's choice; ``make_rule`` adds a
    merchant rule for it (owners and admins)."""
    from docflow.ai.categorise import decide, rule_from

    if body.make_rule and tenant.role not in {Role.OWNER, Role.ADMIN}:
        raise Forbidden("Only owners and admins make category rules")
    with translate_errors():
        suggestion, merchant = decide(tenant.conn, receipt_id, tenant.user_id, category=body.category)
        rule_id = (
            rule_from(tenant.conn, tenant.user_id, suggestion.category, merchant) if body.make_rule else None
        )
    audit.record_tenant_action(
        tenant,
        action="ai.category_decided",
        target_type="receipt",
        target_id=receipt_id,
        details={"status": suggestion.status, "category": suggestion.category, "rule": rule_id is not None},
    )
    return SuggestionPublic(
        receipt_id=receipt_id,
        category=suggestion.category,
        source=suggestion.source,
        status=suggestion.status,
        rule_id=rule_id,
    )


@router.post("/receipts/{receipt_id}/second-reading", summary="Read a hard receipt again through the model")
def second_reading_route(receipt_id: uuid.UUID, tenant: AiEditor) -> ReadingPublic:
    """Only fields that pass the engine's checks are taken; a person's corrections stay. 409 for a
    receipt that neither needs review nor was read with low confidence."""
    from docflow.ai.reading import second_reading

    with translate_errors():
        reading = second_reading(tenant.conn, receipt_id, tenant.user_id, today=_today())
    if reading.written:
        audit.record_tenant_action(
            tenant,
            action="ai.receipt_read_again",
            target_type="receipt",
            target_id=receipt_id,
            details={"accepted": reading.accepted, "rejected": reading.rejected},
        )
    return _reading_public(reading)


@router.post("/second-readings", summary="Read several hard receipts again")
def bulk_second_reading(body: BulkReading, tenant: AiEditor) -> BulkReadingPublic:
    """Each receipt in its own savepoint: one that cannot be read again is skipped with its problem
    code; a budget or availability failure stops the batch (409/404 skip, 402/429/502/503 stop)."""
    from docflow.ai.reading import second_reading

    readings: list[ReadingPublic] = []
    skipped: list[dict[str, str]] = []
    for receipt_id in dict.fromkeys(body.receipt_ids):
        try:
            with tenant.conn.transaction(), translate_errors():
                reading = second_reading(tenant.conn, receipt_id, tenant.user_id, today=_today())
        except DocflowError as exc:
            if exc.status not in {404, 409}:
                raise
            skipped.append({"receipt_id": str(receipt_id), "code": exc.code})
            continue
        readings.append(_reading_public(reading))
    audit.record_tenant_action(
        tenant,
        action="ai.receipts_read_again",
        target_type="tenant",
        target_id=tenant.tenant_id,
        details={"read": len(readings), "skipped": len(skipped)},
    )
    return BulkReadingPublic(readings=readings, skipped=skipped)


def ai_reader(tenant: TenantConn) -> TenantContext:
    """Any member of the tenant, on a server with a model configured (503 otherwise)."""
    from docflow.ai.client import AiNotConfigured, is_configured

    if not is_configured():
        raise AiNotConfigured("AI services are not configured on this server")
    return tenant


@router.post("/ask", summary="Ask about the books: figures from the finance queries")
def ask_route(body: Question, tenant: Annotated[TenantContext, Depends(ai_reader)]) -> AnswerPublic:
    """The model chooses the query and the period; the figures come from the finance queries under
    the caller's row level security, never from the model."""
    from docflow.ai.ask import ask

    answer = ask(tenant.conn, tenant.tenant_id, body.question, today=_today())
    return AnswerPublic(
        intent=answer.intent,
        period=AnswerPeriod(label=answer.period.label, start=answer.period.start, end=answer.period.end),
        category=answer.category,
        language=answer.language,
        figures=answer.figures,
        answer=answer.answer,
    )


@router.get("/usage", summary="Today's AI usage against the tenant's budgets")
def get_usage(tenant: TenantConn) -> UsagePublic:
    """Requests (the plan's ``ai_requests_per_day``) and tokens (``AI_TOKENS_PER_DAY``) today, UTC."""
    from docflow.ai.budget import used_today
    from docflow.ai.client import is_configured
    from docflow.ai.settings import get_ai_settings
    from docflow.billing import entitlements

    requests, tokens = used_today(tenant.conn)
    state = entitlements.current_state(tenant.conn)
    return UsagePublic(
        configured=is_configured(),
        requests=requests,
        requests_per_day=state.limits().of(entitlements.Limit.AI_REQUESTS_PER_DAY),
        tokens=tokens,
        tokens_per_day=get_ai_settings().ai_tokens_per_day,
    )


Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]


@router.get("/settings", summary="The tenant's AI settings")
def get_ai_settings_route(tenant: TenantConn) -> AiTenantSettings:
    """Every member reads them."""
    row = tenant.conn.execute(
        "select ai_auto_second_reading from public.tenants where id = %s", (tenant.tenant_id,)
    ).fetchone()
    return AiTenantSettings(auto_second_reading=bool(row and row["ai_auto_second_reading"]))


@router.put("/settings", summary="Change the tenant's AI settings (owners and admins)")
def put_ai_settings_route(body: AiTenantSettings, tenant: Manager) -> AiTenantSettings:
    """``auto_second_reading``: receipts processed from now on are read again when they are hard."""
    tenant.conn.execute(
        "update public.tenants set ai_auto_second_reading = %s where id = %s",
        (body.auto_second_reading, tenant.tenant_id),
    )
    audit.record_tenant_action(
        tenant,
        action="ai.settings_changed",
        target_type="tenant",
        target_id=tenant.tenant_id,
        details={"auto_second_reading": body.auto_second_reading},
    )
    return body

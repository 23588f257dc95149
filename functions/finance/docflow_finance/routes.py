"""``/api/v1/finance``: VAT summary, expenses and trend, categories and rules, filed periods, export.

Every query runs in the request's tenant transaction under row level security. Reads are open to
every member; settings, categories, rules and filing a period to owners and admins.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse

from docflow import audit
from docflow.config import get_settings
from docflow.db import SqlState, translate_errors
from docflow.errors import Conflict, DocflowError, NotFound, Unprocessable
from docflow.finance import InvalidPeriod, VatPeriod, export, locks, parse_period, period_containing, rules
from docflow.finance import categories as category_store
from docflow.finance.expenses import expenses, trend
from docflow.finance.summary import vat_summary
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role
from docflow_finance.schemas import (
    CategoryCreate,
    CategoryList,
    CategoryPublic,
    CategoryUpdate,
    ExpensesPublic,
    ExportLink,
    ExportQuery,
    LockCreate,
    LockList,
    LockPublic,
    PeriodPublic,
    PeriodQuery,
    RuleCreate,
    RuleList,
    RulePublic,
    RulesApplied,
    RulesApply,
    SettingsPublic,
    SettingsUpdate,
    TrendPublic,
    TrendQuery,
    VatSummaryPublic,
)


def no_store(response: Response) -> None:
    """Finance figures are never cached by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(prefix="/api/v1/finance", tags=["finance"], dependencies=[Depends(no_store)])

#: Owners and admins manage settings, categories and rules, and file periods.
FinanceAdmin = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]
NO_STORE = {"Cache-Control": "no-store"}
#: Lambda answers at most 6 MB through API Gateway: a larger export goes to S3 behind a link.
MAX_INLINE_EXPORT_BYTES = 5 * 1024 * 1024
#: An export is spooled in memory up to this size, then on local disk (never whole in memory).
SPOOL_MEMORY_BYTES = 1024 * 1024
EXPORT_URL_SECONDS = 300
EXPORT_PREFIX = "exports"


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _period(tenant: TenantContext, label: str | None) -> VatPeriod:
    if label is None:
        return period_containing(_today(), category_store.vat_period_kind(tenant.conn, tenant.tenant_id))
    try:
        return parse_period(label)
    except InvalidPeriod as exc:
        raise Unprocessable(str(exc), extra={"errors": [{"field": "period", "message": str(exc)}]}) from None


def _period_public(period: VatPeriod) -> PeriodPublic:
    return PeriodPublic(
        label=period.label, kind=period.kind, start=period.start, end=period.end, due_date=period.due_date
    )


@router.get("/settings", summary="The tenant's finance settings")
def get_settings_route(tenant: TenantConn) -> SettingsPublic:
    """The VAT period (monthly unless set otherwise)."""
    return SettingsPublic(vat_period=category_store.vat_period_kind(tenant.conn, tenant.tenant_id))


@router.put("/settings", summary="Set the tenant's VAT period")
def put_settings(body: SettingsUpdate, tenant: FinanceAdmin) -> SettingsPublic:
    """Monthly, quarterly or yearly, as registered with the tax administration (owners and admins)."""
    category_store.set_vat_period_kind(tenant.conn, tenant.tenant_id, body.vat_period)
    audit.record_tenant_action(
        tenant,
        action="finance.settings_changed",
        target_type="tenant",
        target_id=tenant.tenant_id,
        details={"vat_period": body.vat_period},
    )
    return SettingsPublic(vat_period=body.vat_period)


@router.get("/vat-summary", summary="Deductible VAT of a period, per rate, with what was left out")
def get_vat_summary(tenant: TenantConn, params: Annotated[PeriodQuery, Query()]) -> VatSummaryPublic:
    """``period`` is ``2026-01``, ``2026-Q1`` or ``2026``; the tenant's current period by default."""
    period = _period(tenant, params.period)
    summary = vat_summary(tenant.conn, tenant.tenant_id, period)
    filed = locks.lock_for(tenant.conn, tenant.tenant_id, period)
    return VatSummaryPublic.model_validate(
        {
            "period": _period_public(period),
            "deductible_vat": summary.deductible_vat,
            "by_rate": [_fields(line) for line in summary.by_rate],
            "receipts_counted": summary.receipts_counted,
            "left_out": summary.left_out,
            "left_out_total": summary.left_out_total,
            "non_deductible_vat": summary.non_deductible_vat,
            "foreign": [_fields(line) for line in summary.foreign],
            "corrections": [_fields(line) for line in summary.corrections],
            "filed": filed,
        }
    )


def _fields(item: Any) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__}


@router.get("/expenses", summary="Expenses by category, merchant and client, and the largest receipts")
def get_expenses(tenant: TenantConn, params: Annotated[PeriodQuery, Query()]) -> ExpensesPublic:
    """Each figure beside the previous period and the same period a year earlier."""
    period = _period(tenant, params.period)
    found = expenses(tenant.conn, tenant.tenant_id, period)

    def groups(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{"key": g.key, "name": g.name, "amounts": _fields(g.amounts)} for g in items]

    return ExpensesPublic.model_validate(
        {
            "period": _period_public(period),
            "total": _fields(found.total),
            "by_category": groups(found.by_category),
            "by_merchant": groups(found.by_merchant),
            "by_client": groups(found.by_client),
            "largest": list(found.largest),
        }
    )


@router.get("/expenses/trend", summary="Monthly expenses (the last 12 months by default)")
def get_trend(tenant: TenantConn, params: Annotated[TrendQuery, Query()]) -> TrendPublic:
    """Months ending with ``to`` (``YYYY-MM``, the current month by default), oldest first."""
    last = _today() if params.to is None else dt.date.fromisoformat(params.to + "-01")
    months = trend(tenant.conn, tenant.tenant_id, last, params.months)
    return TrendPublic.model_validate({"months": [_fields(month) for month in months]})


@router.get("/categories", summary="Expense categories with their accounts and VAT treatment")
def list_categories(tenant: TenantConn) -> CategoryList:
    """Every category of the tenant (Finnish defaults included), by code."""
    return CategoryList.model_validate(
        {"items": category_store.list_categories(tenant.conn, tenant.tenant_id)}
    )


_DUPLICATE_CODE: dict[str, DocflowError] = {
    SqlState.UNIQUE_VIOLATION: Conflict("A category with this code exists")
}


@router.post("/categories", status_code=201, summary="Add an expense category")
def create_category(body: CategoryCreate, tenant: FinanceAdmin) -> CategoryPublic:
    """A new category (owners and admins); its code is what receipts refer to."""
    if category_store.count_categories(tenant.conn, tenant.tenant_id) >= category_store.MAX_CATEGORIES:
        raise Unprocessable(f"A tenant has at most {category_store.MAX_CATEGORIES} categories")
    with translate_errors(_DUPLICATE_CODE):
        row = tenant.conn.execute(
            """
            insert into public.expense_categories
              (tenant_id, code, name, account, vat_treatment, deductible_share)
            values (%s, %s, %s, %s, %s, %s)
            returning id, code, name, account, vat_treatment, deductible_share, created_at, updated_at
            """,
            (
                tenant.tenant_id,
                body.code,
                body.name,
                body.account,
                body.vat_treatment,
                category_store.effective_share(body.vat_treatment, body.deductible_share),
            ),
        ).fetchone()
    assert row is not None
    audit.record_tenant_action(
        tenant, action="finance.category_created", target_type="expense_category", target_id=row["id"]
    )
    return CategoryPublic.model_validate(row)


@router.patch("/categories/{category_id}", summary="Change an expense category")
def update_category(category_id: uuid.UUID, body: CategoryUpdate, tenant: FinanceAdmin) -> CategoryPublic:
    """Name, account or VAT treatment (owners and admins); figures of filed periods stay as filed."""
    given = body.model_dump(exclude_unset=True)
    if "vat_treatment" in given:
        given["deductible_share"] = category_store.effective_share(
            given["vat_treatment"], given.get("deductible_share")
        )
    row = tenant.conn.execute(
        """
        update public.expense_categories
           set name = coalesce(%(name)s, name), account = coalesce(%(account)s, account),
               vat_treatment = coalesce(%(treatment)s, vat_treatment),
               deductible_share = coalesce(%(share)s::numeric, deductible_share), updated_at = now()
         where tenant_id = %(tenant)s and id = %(id)s
        returning id, code, name, account, vat_treatment, deductible_share, created_at, updated_at
        """,
        {
            "name": given.get("name"),
            "account": given.get("account"),
            "treatment": given.get("vat_treatment"),
            "share": given.get("deductible_share"),
            "tenant": tenant.tenant_id,
            "id": category_id,
        },
    ).fetchone()
    if row is None:
        raise NotFound("No such category")
    audit.record_tenant_action(
        tenant,
        action="finance.category_changed",
        target_type="expense_category",
        target_id=category_id,
        details={"fields": sorted(given)},
    )
    return CategoryPublic.model_validate(row)


@router.delete("/categories/{category_id}", status_code=204, summary="Remove an expense category")
def delete_category(category_id: uuid.UUID, tenant: FinanceAdmin) -> Response:
    """Removes the category and its rules; receipts keep the code and count as uncategorised."""
    row = tenant.conn.execute(
        "delete from public.expense_categories where tenant_id = %s and id = %s returning id",
        (tenant.tenant_id, category_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such category")
    audit.record_tenant_action(
        tenant, action="finance.category_deleted", target_type="expense_category", target_id=category_id
    )
    return Response(status_code=204, headers=NO_STORE)


@router.get("/rules", summary="Category rules in the order they are tried")
def list_rules(tenant: TenantConn) -> RuleList:
    """Merchant patterns, Y-tunnus and item words, each with its category."""
    return RuleList.model_validate({"items": rules.list_rules(tenant.conn, tenant.tenant_id)})


@router.post("/rules", status_code=201, summary="Add a category rule")
def create_rule(body: RuleCreate, tenant: FinanceAdmin) -> RulePublic:
    """Applies to receipts stored from now on; ``POST /rules/apply`` re-applies to existing ones."""
    count = tenant.conn.execute(
        "select count(*) as n from public.category_rules where tenant_id = %s", (tenant.tenant_id,)
    ).fetchone()
    if count is not None and count["n"] >= rules.MAX_RULES:
        raise Unprocessable(f"A tenant has at most {rules.MAX_RULES} rules")
    category = tenant.conn.execute(
        "select code from public.expense_categories where tenant_id = %s and id = %s",
        (tenant.tenant_id, body.category_id),
    ).fetchone()
    if category is None:
        raise Unprocessable(
            "No such category", extra={"errors": [{"field": "category_id", "message": "unknown"}]}
        )
    row = tenant.conn.execute(
        """
        insert into public.category_rules (tenant_id, category_id, match_kind, pattern, priority, created_by)
        values (%s, %s, %s, %s, %s, %s)
        returning id, category_id, match_kind, pattern, priority, created_at
        """,
        (
            tenant.tenant_id,
            body.category_id,
            body.match_kind,
            body.pattern.strip(),
            body.priority,
            tenant.user_id,
        ),
    ).fetchone()
    assert row is not None
    audit.record_tenant_action(
        tenant, action="finance.rule_created", target_type="category_rule", target_id=row["id"]
    )
    return RulePublic.model_validate({**row, "category": category["code"]})


@router.delete("/rules/{rule_id}", status_code=204, summary="Remove a category rule")
def delete_rule(rule_id: uuid.UUID, tenant: FinanceAdmin) -> Response:
    """Receipts it categorised keep their category."""
    row = tenant.conn.execute(
        "delete from public.category_rules where tenant_id = %s and id = %s returning id",
        (tenant.tenant_id, rule_id),
    ).fetchone()
    if row is None:
        raise NotFound("No such rule")
    audit.record_tenant_action(
        tenant, action="finance.rule_deleted", target_type="category_rule", target_id=rule_id
    )
    return Response(status_code=204, headers=NO_STORE)


@router.post("/rules/apply", summary="Re-apply the rules to existing receipts (dry run by default)")
def apply_rules(body: RulesApply, tenant: FinanceAdmin) -> RulesApplied:
    """Receipts whose category a user chose, and receipts of filed periods, are never changed."""
    run = rules.apply_rules(
        tenant.conn, tenant.tenant_id, dry_run=body.dry_run, date_from=body.date_from, date_to=body.date_to
    )
    if not run.dry_run:
        audit.record_tenant_action(
            tenant,
            action="finance.rules_applied",
            target_type="tenant",
            target_id=tenant.tenant_id,
            details={"changed": run.changed},
        )
    return RulesApplied.model_validate(
        {
            "dry_run": run.dry_run,
            "changed": run.changed,
            "changes": [
                {"receipt_id": c["receipt_id"], "from_category": c["from"], "to_category": c["to"]}
                for c in run.changes
            ],
        }
    )


@router.get("/locks", summary="Filed VAT periods")
def list_locks(tenant: TenantConn) -> LockList:
    """Each with the figures it was filed with, newest first."""
    return LockList.model_validate({"items": locks.list_locks(tenant.conn, tenant.tenant_id)})


@router.post("/locks", status_code=201, summary="Mark a VAT period filed (its receipts freeze)")
def create_lock(body: LockCreate, tenant: FinanceAdmin) -> LockPublic:
    """Owners and admins; a period that has not ended cannot be filed, nor one filed already."""
    period = _period(tenant, body.period)
    if period.end >= _today():
        raise Unprocessable("A period can be filed once it has ended")
    row = locks.lock_period(tenant.conn, tenant.tenant_id, period, tenant.user_id)
    if row is None:
        raise Conflict("This period, or part of it, is filed already")
    audit.record_tenant_action(
        tenant,
        action="finance.period_filed",
        target_type="vat_period",
        target_id=period.label,
        details={"deductible_vat": str(row["deductible_vat"]), "receipts": row["receipts_counted"]},
    )
    return LockPublic.model_validate(row)


def _spool(tenant: TenantContext, period: VatPeriod, export_format: export.ExportFormat) -> IO[bytes]:
    """The export written to a spooled file (memory up to ``SPOOL_MEMORY_BYTES``, then disk)."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES)  # noqa: SIM115 (returned open)
    try:
        for chunk in export.render(tenant.conn, tenant.tenant_id, period, export_format):
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk


@router.get(
    "/export",
    summary="The accountant's export of a period (Finnish CSV or JSON)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/json": {}}}},
)
def export_period(tenant: TenantConn, params: Annotated[ExportQuery, Query()]) -> Response:
    """One journal row per VAT row. Up to 5 MiB the file is the answer; beyond it the answer is
    ``{"download_url", "expires_in", "size_bytes"}`` of a copy in S3 valid for 5 minutes."""
    period = _period(tenant, params.period)
    spool = _spool(tenant, period, params.export_format)
    size = spool.seek(0, 2)
    spool.seek(0)
    extension = "json" if params.export_format == "json" else "csv"
    filename = f"docflow-{period.label}.{extension}"
    if size > MAX_INLINE_EXPORT_BYTES:
        from docflow.aws.s3 import presign_get, upload_file

        bucket = get_settings().receipts_bucket
        key = f"{EXPORT_PREFIX}/{tenant.tenant_id}/{uuid.uuid4()}/{filename}"
        with spool:
            upload_file(bucket, key, spool, content_type=export.MEDIA_TYPES[params.export_format])
        link = ExportLink(
            download_url=presign_get(bucket, key, expires_in=EXPORT_URL_SECONDS, filename=filename),
            expires_in=EXPORT_URL_SECONDS,
            size_bytes=size,
        )
        return Response(link.model_dump_json(), media_type="application/json", headers=NO_STORE)
    return StreamingResponse(
        _chunks(spool),
        media_type=export.MEDIA_TYPES[params.export_format],
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )

"""Expense categories of a tenant (the defaults come from migration 0050) and the tenant's VAT period."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from docflow.finance.periods import PeriodKind

if TYPE_CHECKING:
    from docflow.db import Connection

CATEGORY_COLUMNS = "id, code, name, account, vat_treatment, deductible_share, created_at, updated_at"
#: Categories per tenant.
MAX_CATEGORIES = 200


def list_categories(conn: Connection, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every category of the tenant, by code."""
    return conn.execute(
        "select id, code, name, account, vat_treatment, deductible_share, created_at, updated_at"
        " from public.expense_categories where tenant_id = %s order by code",
        (tenant_id,),
    ).fetchall()


def count_categories(conn: Connection, tenant_id: uuid.UUID) -> int:
    """How many categories the tenant has."""
    row = conn.execute(
        "select count(*) as n from public.expense_categories where tenant_id = %s", (tenant_id,)
    ).fetchone()
    return int(row["n"]) if row else 0


def effective_share(vat_treatment: str, deductible_share: object) -> str:
    """The share stored with a treatment: 1 deductible, 0 not deductible, the given share partial."""
    if vat_treatment == "deductible":
        return "1"
    if vat_treatment == "not_deductible":
        return "0"
    return str(deductible_share)


def vat_period_kind(conn: Connection, tenant_id: uuid.UUID) -> PeriodKind:
    """The tenant's VAT period (monthly unless set otherwise)."""
    row = conn.execute(
        "select vat_period from public.finance_settings where tenant_id = %s", (tenant_id,)
    ).fetchone()
    kind: PeriodKind = row["vat_period"] if row else "month"
    return kind


def set_vat_period_kind(conn: Connection, tenant_id: uuid.UUID, kind: PeriodKind) -> None:
    """Set the tenant's VAT period."""
    conn.execute(
        """
        insert into public.finance_settings (tenant_id, vat_period) values (%s, %s)
        on conflict (tenant_id) do update set vat_period = excluded.vat_period, updated_at = now()
        """,
        (tenant_id, kind),
    )

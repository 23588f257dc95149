"""Category rules: a merchant name pattern, a Y-tunnus or an item word maps a receipt to a category.

Rules apply to every receipt the pipeline stores and, in bulk with a dry run, to existing receipts.
A category the user chose (``category`` in ``corrected_fields``) is never overwritten, nor is a
receipt of a filed VAT period touched. The first matching rule wins, by priority then age.
Merchant and item patterns match case-insensitively anywhere in the text (``%`` and ``_`` are
literal); a Y-tunnus must match exactly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docflow.db import Connection

#: Rules per tenant, and changes listed in a bulk answer.
MAX_RULES = 500
MAX_LISTED_CHANGES = 100

_LIKE = "'%%' || replace(replace(replace(cr.pattern, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_') || '%%'"

_PROPOSALS = """
select r.id, r.category as current, (
         select c.code
           from public.category_rules cr
           join public.expense_categories c on c.tenant_id = cr.tenant_id and c.id = cr.category_id
          where cr.tenant_id = r.tenant_id
            and ((cr.match_kind = 'merchant' and r.merchant ilike {like})
                 or (cr.match_kind = 'business_id' and r.business_id = cr.pattern)
                 or (cr.match_kind = 'item' and exists (
                       select from public.receipt_items i
                        where i.tenant_id = r.tenant_id and i.receipt_id = r.id and i.name ilike {like})))
          order by cr.priority, cr.created_at, cr.id
          limit 1) as proposed
  from public.receipts r
 where r.tenant_id = %(tenant)s and r.deleted_at is null
   and not ('category' = any (r.corrected_fields))
   and (%(receipt)s::uuid is null or r.id = %(receipt)s::uuid)
   and (%(from)s::date is null or r.receipt_date >= %(from)s::date)
   and (%(to)s::date is null or r.receipt_date <= %(to)s::date)
   and not app_private.in_filed_period(r.tenant_id, r.receipt_date, r.processed_at)
"""

_CHANGES = """
select id, current, proposed from ({proposals}) p
 where proposed is not null and proposed is distinct from current
"""


@dataclass(frozen=True, slots=True)
class RuleRun:
    """What applying the rules changes (or would change, in a dry run)."""

    changed: int
    changes: tuple[dict[str, Any], ...]
    dry_run: bool


def _changes_statement() -> Any:
    from docflow.db.compose import statement

    return statement(_CHANGES, proposals=statement(_PROPOSALS, like=_LIKE))


def apply_rules(
    conn: Connection,
    tenant_id: uuid.UUID,
    *,
    dry_run: bool,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    receipt_id: uuid.UUID | None = None,
) -> RuleRun:
    """Set each matching receipt's category from the first matching rule (or only say which would)."""
    params = {"tenant": tenant_id, "receipt": receipt_id, "from": date_from, "to": date_to}
    changes = conn.execute(_changes_statement(), params).fetchall()
    if not dry_run and changes:
        conn.execute(
            """
            update public.receipts r set category = c.proposed, updated_at = now()
              from unnest(%s::uuid[], %s::text[]) as c(id, proposed)
             where r.tenant_id = %s and r.id = c.id
            """,
            ([row["id"] for row in changes], [row["proposed"] for row in changes], tenant_id),
        )
    return RuleRun(
        changed=len(changes),
        changes=tuple(
            {"receipt_id": row["id"], "from": row["current"], "to": row["proposed"]}
            for row in changes[:MAX_LISTED_CHANGES]
        ),
        dry_run=dry_run,
    )


def apply_to_stored_receipt(conn: Connection, tenant_id: uuid.UUID, receipt_id: uuid.UUID) -> None:
    """The pipeline's hook: categorise a receipt just stored (a user's own category stays)."""
    apply_rules(conn, tenant_id, dry_run=False, receipt_id=receipt_id)


def list_rules(conn: Connection, tenant_id: uuid.UUID) -> list[dict[str, Any]]:
    """The tenant's rules in the order they are tried."""
    return conn.execute(
        """
        select cr.id, cr.category_id, c.code as category, cr.match_kind, cr.pattern, cr.priority,
               cr.created_at
          from public.category_rules cr
          join public.expense_categories c on c.tenant_id = cr.tenant_id and c.id = cr.category_id
         where cr.tenant_id = %s
         order by cr.priority, cr.created_at, cr.id
        """,
        (tenant_id,),
    ).fetchall()

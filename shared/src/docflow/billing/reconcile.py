"""The daily reconciliation: every subscription in Stripe compared with the stored state of its tenant,
and repaired where they differ (a webhook that never arrived). Each repair is logged; the number of
repairs is the ``BillingSubscriptionsRepaired`` metric.

The listing's start time is the read time of every subscription in it, so a webhook applied while the
job runs (a newer read) is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from docflow.billing import store
from docflow.metrics import BusinessMetric, emit
from docflow.observability import get_logger

SUBSCRIPTIONS_REPAIRED = BusinessMetric(
    "docflow_billing_subscriptions_repaired_total",
    "BillingSubscriptionsRepaired",
    "Tenant subscriptions the daily reconciliation found different from Stripe and repaired.",
)
#: Subscriptions per page of the listing (Stripe's maximum).
PAGE_SIZE = 100
_COMPARED = ("stripe_subscription_id", "status", "price_id", "cancel_at_period_end", "current_period_end")


@dataclass(frozen=True, slots=True)
class Report:
    """What one run found."""

    checked: int
    repaired: int
    without_tenant: int


def _differs(row: dict[str, Any] | None, sub: store.StripeSubscription) -> bool:
    if row is None:
        return True
    wanted = (sub.id, sub.status, sub.price_id, sub.cancel_at_period_end, sub.current_period_end)
    return tuple(row[name] for name in _COMPARED) != wanted


def reconcile() -> Report:
    """List every subscription (all statuses, paginated) and repair the tenants that differ."""
    from docflow.billing.settings import get_billing_settings
    from docflow.billing.stripe_api import call, get_stripe
    from docflow.db import system_transaction

    started = datetime.now(UTC)
    grace_days = get_billing_settings().billing_grace_days
    listing = call(
        "subscriptions.list",
        lambda: get_stripe().v1.subscriptions.list({"status": "all", "limit": PAGE_SIZE}),
    )
    checked = repaired = without_tenant = 0
    for obj in call("subscriptions.list", lambda: list(listing.auto_paging_iter())):
        sub = store.StripeSubscription.from_api(obj.to_dict())
        with system_transaction("billing.reconcile") as conn:
            tenant = store.parse_tenant(sub.tenant_hint) or store.tenant_for_customer(conn, sub.customer)
            if tenant is None or not store.tenant_exists(conn, tenant):
                without_tenant += 1
                continue
            checked += 1
            row = conn.execute(
                f"select {', '.join(_COMPARED)} from public.billing_subscriptions where tenant_id = %s",  # noqa: S608 - fixed column names
                (tenant,),
            ).fetchone()
            if _differs(row, sub) and store.apply_subscription(conn, tenant, sub, started, grace_days):
                repaired += 1
                get_logger().warning(
                    "billing state repaired", extra={"tenant_id": str(tenant), "status": sub.status}
                )
    emit(SUBSCRIPTIONS_REPAIRED, repaired)
    get_logger().info(
        "billing reconciliation finished",
        extra={"checked": checked, "repaired": repaired, "without_tenant": without_tenant},
    )
    return Report(checked=checked, repaired=repaired, without_tenant=without_tenant)

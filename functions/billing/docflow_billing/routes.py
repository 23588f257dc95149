"""``/api/v1/stripe``: Checkout and customer-portal sessions for the current tenant (owners and admins),
and the tenant's plan, subscription and usage (every member), read from PostgreSQL.

Session URLs are bearer credentials: they are returned once with ``Cache-Control: no-store`` and never
logged. Stripe failures are 503 (try again) or 502, and nothing is stored for them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response, status

from docflow import audit
from docflow.billing import entitlements, plans
from docflow.billing.settings import get_billing_settings
from docflow.billing.stripe_api import call, field, get_stripe
from docflow.errors import Conflict
from docflow.http.deps import TenantConn, TenantContext, require_role
from docflow.tenancy import Role
from docflow_billing.schemas import CheckoutCreate, LimitUsage, SessionUrl, SubscriptionPublic

router = APIRouter(prefix="/api/v1/stripe", tags=["billing"])

Manager = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]
NO_STORE = {"Cache-Control": "no-store"}


def _customer(tenant: TenantContext, state: entitlements.SubscriptionState, body: CheckoutCreate) -> str:
    """The tenant's Stripe customer, created on its first Checkout (one per tenant: the idempotency key
    and the database keep the first)."""
    if state.customer_id:
        return state.customer_id
    params: dict[str, Any] = {
        "name": tenant.membership.tenant_name,
        "metadata": {"tenant_id": str(tenant.tenant_id)},
    }
    if tenant.principal.email:
        params["email"] = tenant.principal.email
    if body.tax_id:
        params["tax_id_data"] = [{"type": "eu_vat", "value": body.tax_id}]
    customer = call(
        "customers.create",
        lambda: get_stripe().v1.customers.create(
            params,  # type: ignore[arg-type]
            {"idempotency_key": f"docflow-customer-{tenant.tenant_id}"},
        ),
    )
    customer_id = field(customer, "id")
    kept = tenant.conn.execute("select app_private.billing_set_customer(%s) as id", (customer_id,)).fetchone()
    return str(kept["id"]) if kept else customer_id


@router.post("/checkout-session", status_code=status.HTTP_201_CREATED, summary="Start a Checkout")
def create_checkout_session(body: CheckoutCreate, tenant: Manager, response: Response) -> SessionUrl:
    """A Checkout Session in subscription mode for the chosen plan, with the tenant as
    ``client_reference_id``, its VAT number as the customer's ``eu_vat`` tax id and automatic tax."""
    state = entitlements.current_state(tenant.conn)
    if state.plan() is not plans.Plan(body.plan):
        pass
    if state.status in plans.PAID_STATUSES:
        raise Conflict("The tenant already has a subscription; change it in the customer portal")
    settings = get_billing_settings()
    customer = _customer(tenant, state, body)
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer,
        "client_reference_id": str(tenant.tenant_id),
        "line_items": [{"price": plans.price_id(plans.Plan(body.plan)), "quantity": 1}],
        "automatic_tax": {"enabled": True},
        "customer_update": {"address": "auto", "name": "auto"},
        "tax_id_collection": {"enabled": True},
        "subscription_data": {"metadata": {"tenant_id": str(tenant.tenant_id)}},
        "success_url": settings.billing_success_url,
        "cancel_url": settings.billing_cancel_url,
    }
    session = call("checkout.sessions.create", lambda: get_stripe().v1.checkout.sessions.create(params))  # type: ignore[arg-type]
    audit.record_tenant_action(
        tenant,
        action="billing.checkout_started",
        target_type="tenant",
        target_id=tenant.tenant_id,
        details={"plan": body.plan},
    )
    response.headers.update(NO_STORE)
    return SessionUrl(url=field(session, "url"))


@router.post("/portal-session", status_code=status.HTTP_201_CREATED, summary="Open the customer portal")
def create_portal_session(tenant: Manager, response: Response) -> SessionUrl:
    """A Customer Portal session (invoices, payment method, plan changes, cancellation); 409 before the
    tenant's first Checkout."""
    state = entitlements.current_state(tenant.conn)
    if not state.has_customer:
        raise Conflict("The tenant has no billing account yet; start with a Checkout")
    params: dict[str, Any] = {
        "customer": state.customer_id,
        "return_url": get_billing_settings().billing_portal_return_url,
    }
    session = call(
        "billing_portal.sessions.create",
        lambda: get_stripe().v1.billing_portal.sessions.create(params),  # type: ignore[arg-type]
    )
    response.headers.update(NO_STORE)
    return SessionUrl(url=field(session, "url"))


@router.get("/subscription", summary="The tenant's plan, subscription and usage")
def get_subscription(tenant: TenantConn, response: Response) -> SubscriptionPublic:
    """What the database holds (kept by the webhook): no call to Stripe."""
    state = entitlements.current_state(tenant.conn)
    limits = state.limits()
    counted = {plans.Limit.RECEIPTS_PER_MONTH, plans.Limit.MEMBERS}
    response.headers.update(NO_STORE)
    return SubscriptionPublic(
        plan=state.plan().value,
        status=state.status,
        current_period_end=state.current_period_end,
        cancel_at_period_end=state.cancel_at_period_end,
        trial_end=state.trial_end,
        grace_until=state.grace_until,
        has_billing_account=state.has_customer,
        limits=[
            LimitUsage(
                limit=limit.value,
                maximum=limits.of(limit),
                used=entitlements.usage(tenant.conn, limit) if limit in counted else None,
            )
            for limit in plans.Limit
        ],
    )

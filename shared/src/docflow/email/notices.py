"""The billing notices sent as e-mail: the :class:`docflow.billing.notify.Notifier` that functions
handling Stripe events install. A failed payment mails each owner in their locale once per Stripe
event (idempotency key ``payment_failed/<event>:<owner>/v1``); the notices without a template yet
(action required, trial ending) are logged as before."""

from __future__ import annotations

import uuid

from docflow.billing.notify import Notice, log_notice

TEMPLATES = {Notice.PAYMENT_FAILED: "payment_failed"}


def email_notice(
    notice: Notice, tenant_id: uuid.UUID, owner_ids: list[uuid.UUID], reference: str = ""
) -> None:
    """Mail ``notice`` to the tenant's owners among ``owner_ids``; called after the event's commit."""
    kind = TEMPLATES.get(notice)
    if kind is None or not reference:
        log_notice(notice, tenant_id, owner_ids, reference)
        return
    from docflow.db import system_transaction
    from docflow.db.after_commit import commit_hooks
    from docflow.email.outbox import queue, recipients
    from docflow.email.settings import get_email_settings
    from docflow.email.templates import render

    wanted = set(owner_ids)
    url = f"{get_email_settings().email_app_url}/billing"
    with commit_hooks() as hooks, system_transaction("email.billing", tenant_id=str(tenant_id)) as conn:
        name = conn.execute("select name from public.tenants where id = %s", (tenant_id,)).fetchone()
        tenant = str(name["name"]) if name else ""
        for owner in recipients(conn, tenant_id, ("owner",)):
            if owner.user_id not in wanted:
                continue
            message = render(kind, owner.locale, {"tenant": tenant, "url": url})
            queue(
                conn,
                hooks,
                tenant_id=tenant_id,
                kind=kind,
                entity=f"{reference}:{owner.user_id}",
                to=owner,
                message=message,
            )

"""The invitation e-mail, written by DocFlow (``docflow.email``) instead of Supabase Auth's own mail.

Supabase Auth only makes the link (``generate_link`` with ``type="invite"``: it creates the user and
sends nothing); the message goes through our template in the invitee's language, sent after the
invitation's commit under the idempotency key ``invitation/<invitation id>/v<version>``, so a retried
delivery never mails twice. The language is the one asked for in the invitation, else the invitee's
profile (an address with an account), else the inviter's.
"""

from __future__ import annotations

import uuid

from docflow.auth.principal import Principal
from docflow.email.templates import Locale, locale_of


def invitee_locale(principal: Principal, email: str, requested: str | None) -> Locale:
    """The language of the invitation: requested, the invitee's profile, or the inviter's."""
    from docflow.db import system_transaction

    if requested:
        return locale_of(requested)
    with system_transaction("users.invitation_mail") as conn:
        row = conn.execute("select app_private.locale_of_address(%s) as locale", (email,)).fetchone()
        if row and row["locale"]:
            return locale_of(row["locale"])
        inviter = conn.execute(
            "select locale from public.profiles where user_id = %s", (principal.user_id,)
        ).fetchone()
    return locale_of(inviter["locale"] if inviter else None)


def mail_invitation(
    principal: Principal,
    tenant_id: uuid.UUID,
    invitation_id: uuid.UUID,
    email: str,
    *,
    link: str,
    locale: Locale,
) -> list[str]:
    """Queue and send the invitation (after this function's own commit); returns the keys sent."""
    from docflow.db import system_transaction
    from docflow.email.outbox import Recipient, send_now
    from docflow.email.templates import render

    with system_transaction("users.invitation_mail", tenant_id=str(tenant_id)) as conn:
        tenant = conn.execute("select name from public.tenants where id = %s", (tenant_id,)).fetchone()
        inviter = conn.execute(
            "select display_name from public.profiles where user_id = %s", (principal.user_id,)
        ).fetchone()
    inviter_name = (inviter["display_name"] if inviter else None) or principal.email or "DocFlow"
    message = render(
        "invitation",
        locale,
        {"tenant": str(tenant["name"]) if tenant else "", "inviter": inviter_name, "url": link},
    )
    return send_now(tenant_id, "invitation", str(invitation_id), [(Recipient(None, email, locale), message)])

"""Invitation links from the Supabase Auth admin API (``POST /auth/v1/admin/generate_link``, type
``invite``) with the service role key, using the official ``supabase-auth`` client: Supabase creates
the user and the link and sends nothing; DocFlow mails the link itself
(:mod:`docflow_users.invitation_mail`). The client is imported here only, on the first invitation, so it
costs the other routes nothing at cold start."""

from __future__ import annotations

from typing import Any

from docflow.config import get_settings
from docflow.errors import ServiceUnavailable, UpstreamError
from docflow.observability import get_logger

ALREADY_REGISTERED_CODES = frozenset({"email_exists", "user_already_exists"})


class AlreadyRegistered(Exception):
    """Supabase Auth already has a user with this e-mail address."""


def invitation_link(email: str, *, data: dict[str, Any]) -> str:
    """Ask Supabase Auth to create the user and an invitation link (nothing is sent); returns the link.
    :class:`AlreadyRegistered` when the address has an account already."""
    import httpx
    from supabase_auth import SyncGoTrueAdminAPI
    from supabase_auth.errors import AuthApiError, AuthError
    from supabase_auth.types import GenerateInviteOrMagiclinkParams, GenerateLinkParamsWithDataOptions

    settings = get_settings()
    key = settings.require("supabase_service_role_key")
    options: GenerateLinkParamsWithDataOptions = {"data": data}
    if settings.invite_redirect_url:
        options["redirect_to"] = settings.invite_redirect_url
    with httpx.Client(timeout=settings.http_timeout_seconds, follow_redirects=False) as http:
        admin = SyncGoTrueAdminAPI(
            url=settings.auth_api_url,
            headers={"apikey": key, "Authorization": f"Bearer {key}"},
            http_client=http,
        )
        try:
            params: GenerateInviteOrMagiclinkParams = {"type": "invite", "email": email, "options": options}
            response = admin.generate_link(params)
        except AuthApiError as exc:
            if exc.code in ALREADY_REGISTERED_CODES:
                raise AlreadyRegistered from None
            get_logger().warning(
                "invitation refused", extra={"upstream_status": exc.status, "upstream_code": exc.code}
            )
            if exc.status == 429:
                raise ServiceUnavailable("Too many invitations right now; try again in a minute") from None
            raise UpstreamError("Supabase Auth refused the invitation") from None
        except AuthError as exc:
            get_logger().warning("invitation failed", extra={"error_type": type(exc).__name__})
            raise ServiceUnavailable("Supabase Auth is not reachable; try again later") from None
    link = response.properties.action_link
    if not link.startswith(("https://", "http://")):
        raise UpstreamError("Supabase Auth answered without a link")
    return link

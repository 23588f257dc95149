"""Invitation links from the Supabase Auth admin API (``POST /auth/v1/admin/generate_link``, type
``invite``) with the service role key, using the official ``supabase-auth`` client: Supabase creates
the user and the link and sends nothing; DocFlow mails the link itself
(:mod:`docflow_users.invitation_mail`). The client is imported here only, on the first invitation, so it
costs the other routes nothing at cold start."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from pydantic import Field

from docflow.config import EnvironmentSettings, get_settings
from docflow.errors import ServiceUnavailable, UpstreamError
from docflow.observability import get_logger

ALREADY_REGISTERED_CODES = frozenset({"email_exists", "user_already_exists"})


class AlreadyRegistered(Exception):
    """Supabase Auth already has a user with this e-mail address."""


class InvitationTiming(EnvironmentSettings):
    """``INVITATIONS_DELIVERY_FLOOR_SECONDS`` (``.env.example``)."""

    #: Asking Supabase Auth to invite takes at least this long whatever it answers: an address it
    #: knows is answered sooner than one it creates a user for and e-mails, and the difference would
    #: tell the inviter whether the address has an account. Above Supabase's usual answer time.
    invitations_delivery_floor_seconds: float = Field(default=1.0, ge=0, le=10)


@lru_cache(maxsize=1)
def get_invitation_timing() -> InvitationTiming:
    """The process-wide setting."""
    return InvitationTiming()


@contextmanager
def time_floor(seconds: float) -> Iterator[None]:
    """The block takes at least ``seconds``, whether it returns or raises."""
    started = time.monotonic()
    try:
        yield
    finally:
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))


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

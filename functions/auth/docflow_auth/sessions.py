"""Sign-in and sign-out through Supabase Auth: ``POST /api/auth/callback`` and ``/api/auth/signout``.

The callback is public (the caller has no token yet); it only forwards a one-time code and its PKCE
verifier, so a guessed code gets nothing. Tokens pass through and are never logged.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError

from docflow.auth import bearer_token
from docflow.config import get_settings
from docflow.errors import UpstreamError
from docflow.http.deps import CurrentUser, client_address
from docflow.ratelimit import Limit, bucket_key, enforce_rate_limits
from docflow_auth import supabase
from docflow_auth.schemas import CallbackRequest, Session, SignOutRequest

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _limit_callbacks(client_ip: str) -> None:
    """At most ``AUTH_CALLBACK_RATE_LIMIT_PER_IP`` callbacks per address and window (429 beyond)."""
    settings = get_settings()
    enforce_rate_limits(
        "auth.callback_rate_limit",
        Limit(
            bucket_key("auth.callback.ip", client_ip),
            settings.auth_callback_rate_limit_per_ip,
            settings.auth_callback_rate_limit_window_seconds,
        ),
    )


@router.post("/callback", summary="Exchange an OAuth / PKCE code for a session")
def callback(body: CallbackRequest, request: Request) -> Session:
    """The client sends the ``code`` of the redirect and the ``code_verifier`` it generated; the answer
    is the Supabase session (access and refresh token) to keep. Rate limited per client address."""
    _limit_callbacks(client_address(request))
    raw = supabase.exchange_code(body.code, body.code_verifier)
    try:
        return Session.model_validate(raw)
    except ValidationError:
        raise UpstreamError("Supabase Auth answered with something that is not a session") from None


@router.post("/signout", status_code=status.HTTP_204_NO_CONTENT, summary="Sign out through Supabase Auth")
def signout(request: Request, principal: CurrentUser, body: SignOutRequest | None = None) -> Response:
    """Revokes this session (``local``, the default), every session (``global``) or the others."""
    del principal  # verified by the dependency; the raw token is what Supabase needs
    values = [value.decode("latin-1") for name, value in request.scope["headers"] if name == b"authorization"]
    supabase.sign_out(bearer_token(values), (body or SignOutRequest()).scope)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

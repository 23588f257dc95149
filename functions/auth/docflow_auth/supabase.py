"""The two Supabase Auth (GoTrue) calls the auth function makes, over its documented HTTP API:

- ``POST /auth/v1/token?grant_type=pkce`` exchanges an authorization code and its PKCE verifier for
  a session;
- ``POST /auth/v1/logout?scope=...`` revokes the caller's session(s).

Timeouts are bounded, redirects are not followed, and neither tokens nor upstream bodies are logged.
"""

from __future__ import annotations

from typing import Any

from docflow.config import get_settings
from docflow.errors import BadRequest, ServiceUnavailable, UpstreamError
from docflow.observability import get_logger

MAX_SESSION_BYTES = 64 * 1024


def _post(path: str, *, params: dict[str, str], json: dict[str, Any] | None, bearer: str | None) -> Any:
    import httpx

    settings = get_settings()
    apikey = settings.require("supabase_anon_key")
    headers = {"apikey": apikey, "Authorization": f"Bearer {bearer or apikey}"}
    try:
        with httpx.Client(timeout=settings.http_timeout_seconds, follow_redirects=False) as http:
            return http.post(f"{settings.auth_api_url}/{path}", params=params, json=json, headers=headers)
    except httpx.HTTPError as exc:
        get_logger().warning("supabase auth unreachable", extra={"error_type": type(exc).__name__})
        raise ServiceUnavailable("Supabase Auth is not reachable; try again later") from None


def exchange_code(code: str, code_verifier: str) -> dict[str, Any]:
    """The session for a PKCE authorization code; an unknown, used or mismatched code is a 400."""
    response = _post(
        "token",
        params={"grant_type": "pkce"},
        json={"auth_code": code, "code_verifier": code_verifier},
        bearer=None,
    )
    if 400 <= response.status_code < 500:
        get_logger().info("code exchange refused", extra={"upstream_status": response.status_code})
        raise BadRequest("The sign-in code is invalid, expired or already used; sign in again")
    if response.status_code != 200 or len(response.content) > MAX_SESSION_BYTES:
        get_logger().warning("code exchange failed", extra={"upstream_status": response.status_code})
        raise UpstreamError("Supabase Auth could not complete the sign-in")
    try:
        session: dict[str, Any] = response.json()
    except ValueError:
        raise UpstreamError("Supabase Auth answered with something that is not a session") from None
    return session


def sign_out(access_token: str, scope: str) -> None:
    """Revoke the session of ``access_token`` (``local``), all of the user's (``global``) or the others."""
    response = _post("logout", params={"scope": scope}, json=None, bearer=access_token)
    if response.status_code in {401, 403, 404}:
        return  # the session is already gone: signed out either way
    if response.status_code >= 400:
        get_logger().warning("sign-out failed", extra={"upstream_status": response.status_code})
        raise UpstreamError("Supabase Auth could not sign you out")

"""A local stand-in for Supabase Auth (GoTrue) speaking the part of its HTTP API DocFlow uses.

Served by the local stack on ``LOCAL_SUPABASE_URL`` and started by the tests on a free port:

- ``POST /auth/v1/invite`` (service role key): creates the user (address not yet confirmed), records
  the invitation e-mail;
- ``POST /auth/v1/admin/generate_link`` (service role key): for ``type`` ``invite``, creates the user
  as ``/invite`` does but sends nothing: answers the user with ``action_link``, ``email_otp``,
  ``hashed_token``, ``verification_type`` and ``redirect_to`` for the caller to mail itself (recorded
  in ``state.links``); ``magiclink`` and ``recovery`` for a known user;
- ``POST /auth/v1/token?grant_type=pkce``: exchanges an authorization code and its PKCE verifier for a
  session whose access token is signed with the project's JWT secret (HS256, as the legacy key); the
  user's address counts as confirmed from then on, as after following an invitation link;
- ``POST /auth/v1/logout?scope=local|global|others``: revokes the caller's session;
- ``GET /auth/v1/.well-known/jwks.json``: the asymmetric keys (none: the fake signs with HS256).

Codes are issued by :meth:`FakeSupabaseAuth.authorize`, which plays the browser's trip through
``/authorize`` and the identity provider. When given a database URL, invited users are written to
``auth.users`` as GoTrue does on a real project. Errors use the ``2024-01-01`` API error format.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from docflow_local.fake_server import FakeHandler, FakeServer

API_VERSION = "2024-01-01"
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FakeUser:
    """A user known to the fake."""

    id: uuid.UUID
    email: str
    invited_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    """An invitation e-mail the fake would have sent."""

    email: str
    user_id: uuid.UUID
    data: dict[str, Any]
    redirect_to: str | None


@dataclass(frozen=True, slots=True)
class GeneratedLink:
    """A link ``generate_link`` made (nothing was e-mailed: the caller mails it)."""

    type: str
    email: str
    user_id: uuid.UUID
    data: dict[str, Any]
    action_link: str
    redirect_to: str | None


@dataclass(slots=True)
class _Grant:
    user: FakeUser
    code_challenge: str
    method: str


@dataclass(slots=True)
class FakeState:
    """Everything the fake remembers; tests read it to assert what reached Supabase."""

    users: dict[str, FakeUser] = field(default_factory=dict)
    invitations: list[Invitation] = field(default_factory=list)
    links: list[GeneratedLink] = field(default_factory=list)
    grants: dict[str, _Grant] = field(default_factory=dict)
    sessions: dict[str, uuid.UUID] = field(default_factory=dict)
    revoked_sessions: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)


class AuthProblem(Exception):
    """An error answered in Supabase Auth's format."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class FakeSupabaseAuth(FakeServer):
    """The fake server. ``with FakeSupabaseAuth(...) as fake:`` serves it on ``fake.url`` until exit."""

    thread_name = "fake-supabase"

    def __init__(
        self,
        *,
        jwt_secret: str,
        issuer: str,
        service_role_key: str,
        anon_key: str,
        database_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.jwt_secret = jwt_secret
        self.issuer = issuer
        self.service_role_key = service_role_key
        self.anon_key = anon_key
        self.database_url = database_url
        self.state = FakeState()
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), host=host, port=port)

    @property
    def url(self) -> str:
        """The Auth API base, e.g. ``http://127.0.0.1:54321/auth/v1``."""
        return f"{self.origin}/auth/v1"

    # What the browser and the identity provider would do before DocFlow sees a code.
    def authorize(self, *, user_id: uuid.UUID, email: str, code_challenge: str, method: str = "s256") -> str:
        """Issue a one-time authorization code bound to a PKCE challenge."""
        code = str(uuid.uuid4())
        with self._lock:
            user = self.state.users.setdefault(email.lower(), FakeUser(id=user_id, email=email))
            self.state.grants[code] = _Grant(user=user, code_challenge=code_challenge, method=method.lower())
        return code

    # Endpoints
    def invite(self, body: dict[str, Any], redirect_to: str | None) -> dict[str, Any]:
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise AuthProblem(400, "validation_failed", "Unable to validate email address: invalid format")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        with self._lock:
            if email.lower() in self.state.users or self._user_in_database(email):
                raise AuthProblem(
                    422, "email_exists", "A user with this email address has already been registered"
                )
            user = FakeUser(id=uuid.uuid4(), email=email, invited_at=datetime.now(UTC))
            self._insert_user(user)
            self.state.users[email.lower()] = user
            self.state.invitations.append(Invitation(email, user.id, dict(data or {}), redirect_to))
        return _user_json(user)

    def generate_link(self, body: dict[str, Any], redirect_to: str | None) -> dict[str, Any]:
        """``POST /admin/generate_link``: the user and a verification link, nothing sent."""
        kind, email = body.get("type"), body.get("email")
        if kind not in {"invite", "magiclink", "recovery", "signup"}:
            raise AuthProblem(400, "validation_failed", "Invalid type")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            raise AuthProblem(400, "validation_failed", "Unable to validate email address: invalid format")
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        with self._lock:
            known = self.state.users.get(email.lower())
            if kind in {"invite", "signup"}:
                if known is not None or self._user_in_database(email):
                    raise AuthProblem(
                        422, "email_exists", "A user with this email address has already been registered"
                    )
                known = FakeUser(id=uuid.uuid4(), email=email, invited_at=datetime.now(UTC))
                self._insert_user(known)
                self.state.users[email.lower()] = known
            elif known is None:
                raise AuthProblem(404, "user_not_found", "User with this email not found")
            otp = f"{secrets.randbelow(10**6):06d}"
            hashed = hashlib.sha256(f"{email.lower()}{otp}".encode()).hexdigest()
            query = f"token={hashed}&type={kind}" + (f"&redirect_to={redirect_to}" if redirect_to else "")
            link = f"{self.url}/verify?{query}"
            self.state.links.append(GeneratedLink(kind, email, known.id, dict(data or {}), link, redirect_to))
        return {
            **_user_json(known),
            "action_link": link,
            "email_otp": otp,
            "hashed_token": hashed,
            "verification_type": kind,
            "redirect_to": redirect_to or "",
        }

    def exchange(self, body: dict[str, Any]) -> dict[str, Any]:
        code, verifier = body.get("auth_code"), body.get("code_verifier")
        if not isinstance(code, str) or not isinstance(verifier, str):
            raise AuthProblem(
                400, "validation_failed", "invalid request: both auth code and code verifier required"
            )
        with self._lock:
            grant = self.state.grants.pop(code, None)
        if grant is None:
            raise AuthProblem(404, "flow_state_not_found", "invalid flow state, no valid flow state found")
        expected = pkce_challenge(verifier) if grant.method == "s256" else verifier
        if not secrets.compare_digest(expected, grant.code_challenge):
            raise AuthProblem(
                403, "bad_code_verifier", "code challenge does not match previously saved code verifier"
            )
        self._confirm_email(grant.user)
        return self._session(grant.user)

    def logout(self, token: str | None, scope: str) -> None:
        if scope not in {"global", "local", "others"}:
            raise AuthProblem(400, "validation_failed", "Unsupported scope")
        claims = self._verify(token)
        with self._lock:
            self.state.revoked_sessions.append((str(claims.get("session_id")), scope))

    def _session(self, user: FakeUser) -> dict[str, Any]:
        from docflow.auth import mint_token

        session_id = str(uuid.uuid4())
        expires_in = 3600
        token = mint_token(
            secret=self.jwt_secret,
            issuer=self.issuer,
            user_id=user.id,
            email=user.email,
            expires_in=expires_in,
            extra_claims={"session_id": session_id},
        )
        refresh = secrets.token_urlsafe(16)
        with self._lock:
            self.state.sessions[session_id] = user.id
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": expires_in,
            "expires_at": int(time.time()) + expires_in,
            "refresh_token": refresh,
            "user": _user_json(user),
        }

    def _verify(self, token: str | None) -> dict[str, Any]:
        import jwt

        if not token:
            raise AuthProblem(401, "no_authorization", "This endpoint requires a valid Bearer token")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.jwt_secret, algorithms=["HS256"], audience="authenticated", issuer=self.issuer
            )
        except jwt.PyJWTError:
            raise AuthProblem(403, "bad_jwt", "invalid JWT: unable to parse or verify signature") from None
        return claims

    def _user_in_database(self, email: str) -> bool:
        if self.database_url is None:
            return False
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("select 1 from auth.users where lower(email) = lower(%s)", (email,)).fetchone()
        return row is not None

    def _insert_user(self, user: FakeUser) -> None:
        if self.database_url is None:
            return
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            conn.execute("insert into auth.users (id, email) values (%s, %s)", (user.id, user.email))

    def _confirm_email(self, user: FakeUser) -> None:
        if self.database_url is None:
            return
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            conn.execute(
                "update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now())"
                " where lower(email) = lower(%s)",
                (user.email,),
            )


def _user_json(user: FakeUser) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {
        "id": str(user.id),
        "aud": "authenticated",
        "role": "authenticated",
        "email": user.email,
        "invited_at": user.invited_at.isoformat() if user.invited_at else None,
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {},
        "identities": [],
        "created_at": now,
        "updated_at": now,
        "is_anonymous": False,
    }


def _handler_for(fake: FakeSupabaseAuth) -> type[BaseHTTPRequestHandler]:
    class Handler(FakeHandler):
        server_version = "FakeGoTrue/1"

        def _dispatch(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            fake.state.requests.append((method, parts.path))
            try:
                status, payload = self._route(method, parts.path, query)
            except AuthProblem as problem:
                status, payload = problem.status, {"code": problem.code, "message": problem.message}
            self._reply(status, payload)

        def _route(self, method: str, path: str, query: dict[str, str]) -> tuple[int, Any]:
            if method == "GET" and path == "/auth/v1/.well-known/jwks.json":
                return 200, {"keys": []}
            if method != "POST":
                raise AuthProblem(404, "not_found", "Not found")
            body = self._body()
            if path == "/auth/v1/invite":
                self._require_key(service=True)
                return 200, fake.invite(body, query.get("redirect_to"))
            if path == "/auth/v1/admin/generate_link":
                self._require_key(service=True)
                return 200, fake.generate_link(body, query.get("redirect_to") or body.get("redirect_to"))
            if path == "/auth/v1/token" and query.get("grant_type") == "pkce":
                self._require_key(service=False)
                return 200, fake.exchange(body)
            if path == "/auth/v1/logout":
                self._require_key(service=False)
                fake.logout(self._bearer(), query.get("scope", "global"))
                return 204, None
            raise AuthProblem(404, "not_found", "Not found")

        def _require_key(self, *, service: bool) -> None:
            key = self.headers.get("apikey", "")
            allowed = {fake.service_role_key} if service else {fake.service_role_key, fake.anon_key}
            if key not in allowed:
                raise AuthProblem(401, "no_authorization", "Invalid API key")
            if service and self._bearer() != fake.service_role_key:
                raise AuthProblem(403, "not_admin", "User not allowed")

        def _bearer(self) -> str | None:
            value = self.headers.get("Authorization", "")
            return value[7:] if value.lower().startswith("bearer ") else None

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise AuthProblem(413, "request_too_large", "Request body too large")
            raw = self.rfile.read(length) if length else b"{}"
            try:
                data = json.loads(raw or b"{}")
            except ValueError:
                raise AuthProblem(400, "bad_json", "Could not parse request body as JSON") from None
            if not isinstance(data, dict):
                raise AuthProblem(400, "bad_json", "Request body must be a JSON object")
            return data

        def _reply(self, status: int, payload: Any) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("X-Supabase-Api-Version", API_VERSION)
            if payload is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler

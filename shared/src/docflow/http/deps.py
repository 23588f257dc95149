"""FastAPI dependencies, as ``Annotated`` aliases so route signatures read like documentation:

def list_things(tenant: TenantConn) -> ...
def delete_thing(tenant: Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN)]) -> ...
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from docflow.db.after_commit import AfterCommit
from docflow.errors import Forbidden
from docflow.tenancy import (
    MEMBERSHIPS_QUERY,
    Membership,
    Role,
    choose_membership,
    memberships_from_rows,
    parse_tenant_header,
)

if TYPE_CHECKING:
    from docflow.auth import Principal
    from docflow.db import Connection
else:
    Principal = Any


async def authenticate(request: Request) -> Principal:
    """The verified principal of the request's bearer token (401 otherwise; no database access).

    A coroutine, so that FastAPI runs it on the event loop instead of handing it to a worker thread
    (a hop that cost more than the signature check); only a verification that may fetch the key set
    (an ES256/RS256 token, or an HS256 one naming a ``kid``, while the set is not loaded or expired)
    goes to a thread.
    """
    from docflow.auth import bearer_token, get_verifier

    values = [value.decode("latin-1") for name, value in request.scope["headers"] if name == b"authorization"]
    token = bearer_token(values)
    verifier = get_verifier()
    if verifier.verifies_offline(token):
        principal = verifier.verify(token)
    else:
        from starlette.concurrency import run_in_threadpool

        principal = await run_in_threadpool(verifier.verify, token)
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(authenticate)]


def client_address(request: Request) -> str:
    """The caller's address as API Gateway saw it (``requestContext.http.sourceIp``, via Mangum),
    for rate limits; never log it in clear."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True, slots=True)
class TenantContext:
    """A request acting for one tenant: its open transaction (RLS-bound), who, where and as what,
    and what to do once that transaction has committed."""

    conn: Connection
    principal: Principal
    membership: Membership
    hooks: AfterCommit = field(default_factory=AfterCommit)

    @property
    def tenant_id(self) -> uuid.UUID:
        """The tenant the request acts for."""
        return self.membership.tenant_id

    @property
    def role(self) -> Role:
        """The user's role in that tenant."""
        return self.membership.role

    @property
    def user_id(self) -> uuid.UUID:
        """The acting user."""
        return self.principal.user_id

    def after_commit(self, callback: Callable[[], object], *, propagate: bool = False) -> None:
        """Run ``callback`` once the request's transaction has committed, never after a rollback
        (see :class:`docflow.db.after_commit.AfterCommit`): e-mails, S3 changes, triggers."""
        self.hooks.add(callback, propagate=propagate)


def tenant_context(request: Request, principal: CurrentUser) -> Iterator[TenantContext]:
    """Open the request's transaction, resolve its tenant from the membership table and bind it.

    ``BEGIN``, the claims (with the tenant the request names, not yet checked) and the memberships
    read travel in one round trip; a request that names no tenant has the chosen one bound after
    the read. A tenant the user does not belong to is refused before the route runs (the
    transaction rolls back), and row level security checks the membership again on every query.

    Function-scoped, so the transaction commits before the response is sent: a failed commit is an
    error response, never a lost write behind a 2xx. The callbacks registered with
    :meth:`TenantContext.after_commit` run after the commit, still before the response.
    """
    from docflow.db import set_request_claims, user_claims, user_transaction_reading
    from docflow.db.after_commit import commit_hooks
    from docflow.observability import bind_tenant

    requested = parse_tenant_header(request.headers.get("x-tenant-id"))
    claimed = str(requested) if requested is not None else None
    with (
        commit_hooks() as hooks,
        user_transaction_reading(principal, MEMBERSHIPS_QUERY, tenant_id=claimed) as (conn, rows),
    ):
        membership = choose_membership(memberships_from_rows(rows), requested)
        if membership.tenant_id != requested:  # none named: bind the only membership's tenant
            claims = user_claims(principal, str(membership.tenant_id))
            set_request_claims(conn, claims, role="authenticated")
        bind_tenant(str(membership.tenant_id), str(principal.user_id))
        yield TenantContext(conn=conn, principal=principal, membership=membership, hooks=hooks)


TenantConn = Annotated[TenantContext, Depends(tenant_context, scope="function")]


def require_role(*roles: Role) -> Any:
    """A dependency admitting only the given tenant roles (403 for the others)."""
    allowed = frozenset(roles)

    def check(tenant: TenantConn) -> TenantContext:
        if tenant.role not in allowed:
            raise Forbidden("Your role in this tenant does not allow this action")
        return tenant

    return Depends(check)


#: Members who may change the tenant's data: everyone but viewers.
TenantWriter = Annotated[TenantContext, require_role(Role.OWNER, Role.ADMIN, Role.MEMBER)]


@dataclass(frozen=True, slots=True)
class TenantIdentity:
    """Who acts for which tenant, resolved in a transaction that has already ended: for routes that
    do long work without the database (OCR) and open short transactions of their own around it."""

    principal: Principal
    membership: Membership

    @property
    def tenant_id(self) -> uuid.UUID:
        """The tenant the request acts for."""
        return self.membership.tenant_id

    @property
    def role(self) -> Role:
        """The user's role in that tenant."""
        return self.membership.role


def tenant_identity(request: Request, principal: CurrentUser) -> TenantIdentity:
    """Resolve the request's tenant and role like :func:`tenant_context`, in a read of its own (one
    round trip, its transaction over before the route runs)."""
    from docflow.db import read_as_user
    from docflow.observability import bind_tenant

    requested = parse_tenant_header(request.headers.get("x-tenant-id"))
    rows = read_as_user(principal, MEMBERSHIPS_QUERY)
    membership = choose_membership(memberships_from_rows(rows), requested)
    bind_tenant(str(membership.tenant_id), str(principal.user_id))
    return TenantIdentity(principal=principal, membership=membership)


def _writer_identity(identity: Annotated[TenantIdentity, Depends(tenant_identity)]) -> TenantIdentity:
    if identity.role not in {Role.OWNER, Role.ADMIN, Role.MEMBER}:
        raise Forbidden("Your role in this tenant does not allow this action")
    return identity


#: A writer (not a viewer) whose tenant was resolved in a transaction that is already closed.
TenantWriterIdentity = Annotated[TenantIdentity, Depends(_writer_identity)]


def platform_admin(principal: CurrentUser) -> Principal:
    """Admit DocFlow staff only: the ``platform_admins`` table decides, not the token."""
    from docflow.db import read_as_user

    rows = read_as_user(principal, "select app_private.is_platform_admin() as is_admin")
    if not rows or not rows[0]["is_admin"]:
        raise Forbidden("Platform administrators only")
    return principal


PlatformAdmin = Annotated[Principal, Depends(platform_admin)]

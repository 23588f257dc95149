"""One translation from database errors to the domain errors of :mod:`docflow.errors`.

PostgreSQL names each failure with a SQLSTATE: standard ones (``23505`` unique violation, ...) and
our own ``DFnnn`` codes, which the migrations raise with ``using errcode = 'DFnnn'``. Services never
compare SQLSTATEs themselves; they run their statements inside :func:`translate_errors` and give
their own words for a code where the default says too little::

    with translate_errors({SqlState.UNIQUE_VIOLATION: Conflict("A client with this business ID exists")}):
        conn.execute(...)

A problem's detail never repeats the database's message: a unique violation's message names the
conflicting key, and the key may belong to another tenant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum

from docflow.errors import Conflict, DocflowError, Forbidden, NotFound, TenantSuspended, Unprocessable


class SqlState(StrEnum):
    """Standard SQLSTATEs that are the caller's doing, not a fault of the service."""

    NOT_NULL_VIOLATION = "23502"
    FOREIGN_KEY_VIOLATION = "23503"
    UNIQUE_VIOLATION = "23505"
    CHECK_VIOLATION = "23514"
    #: Row level security refused the row, or a trigger refused the caller's role.
    INSUFFICIENT_PRIVILEGE = "42501"


class DocflowCode(StrEnum):
    """Our own SQLSTATEs (class ``DF``); each comment names the migration that raises the code.

    DF004 was never assigned; give a new rule the next free number.
    """

    #: 0021_members_profiles.sql, trigger on tenant_members: the change would leave no owner.
    LAST_OWNER = "DF001"
    #: 0021_members_profiles.sql, app_private.create_owned_tenant(): the tenant limit is reached.
    TENANT_LIMIT = "DF002"
    #: 0043_tenant_invitations.sql, accept_invitation() and decline_invitation(): no such invitation.
    NO_SUCH_INVITATION = "DF003"
    #: 0043_tenant_invitations.sql, accept_invitation(): the inviting tenant is suspended.
    TENANT_SUSPENDED = "DF005"
    #: 0050_finance.sql, triggers on receipts and their VAT rows: the receipt is in a filed VAT period.
    FILED_PERIOD = "DF006"


#: What each code means to the caller when the service gives no words of its own.
_DEFAULTS: Mapping[str, Callable[[], DocflowError]] = {
    SqlState.NOT_NULL_VIOLATION: lambda: Unprocessable("A required value is missing"),
    SqlState.FOREIGN_KEY_VIOLATION: lambda: Conflict("This refers to a missing record, or one still in use"),
    SqlState.UNIQUE_VIOLATION: lambda: Conflict("This would duplicate an existing record"),
    SqlState.CHECK_VIOLATION: lambda: Unprocessable("A value is not allowed here"),
    SqlState.INSUFFICIENT_PRIVILEGE: lambda: Forbidden("Your role in this tenant does not allow this change"),
    DocflowCode.LAST_OWNER: lambda: Conflict(
        "A tenant needs at least one owner: make someone else an owner first"
    ),
    DocflowCode.TENANT_LIMIT: lambda: Forbidden("This account has created as many tenants as it may"),
    DocflowCode.NO_SUCH_INVITATION: lambda: NotFound("No such invitation"),
    DocflowCode.FILED_PERIOD: lambda: Conflict(
        "This receipt belongs to a filed VAT period and can no longer change; "
        "book a correction in an open period"
    ),
    DocflowCode.TENANT_SUSPENDED: lambda: TenantSuspended(
        "This tenant is suspended; contact DocFlow support"
    ),
}


def domain_error(
    exc: BaseException, overrides: Mapping[str, DocflowError] | None = None
) -> DocflowError | None:
    """The domain error a database error stands for, or ``None`` for one the caller did not cause
    (a broken connection, a syntax error, an unknown SQLSTATE: those stay internal errors)."""
    import psycopg  # loaded already: the error came from it

    state = exc.sqlstate if isinstance(exc, psycopg.Error) else None
    if state is None:
        return None
    if overrides and state in overrides:
        return overrides[state]
    default = _DEFAULTS.get(state)
    return default() if default else None


@contextmanager
def translate_errors(overrides: Mapping[str, DocflowError] | None = None) -> Iterator[None]:
    """Raise the domain error of a database error inside the block (see :func:`domain_error`);
    the database's own message is dropped, so no value of any row reaches the response."""
    try:
        yield
    except Exception as exc:
        error = domain_error(exc, overrides)
        if error is None:
            raise
        raise error from None

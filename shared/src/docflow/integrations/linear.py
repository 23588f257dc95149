"""Linear's GraphQL API through httpx (``LINEAR_API_URL``), one issue per failed or long-waiting
receipt and per support request.

Not the ``linear-api`` package: it is synchronous ``requests`` with no timeout and a hard-coded URL.
Each call here has a bounded timeout, follows no redirect, refuses an answer larger than
``INTEGRATIONS_MAX_RESPONSE_BYTES``, and turns errors into :class:`ProviderError`: HTTP 429 or a
GraphQL error of type ``ratelimited`` (transient, with the reset as ``Retry-After``), 5xx and
timeouts (transient), anything else permanent with Linear's ``userPresentableMessage`` when given.

Issue creation is idempotent: DocFlow chooses the issue id (``IssueCreateInput.id``, a UUID derived
from tenant and subject), so a retried create names the same issue and Linear refuses a second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from docflow.integrations.calls import retry_after
from docflow.integrations.errors import ProviderError

VIEWER = "query DocflowViewer { viewer { id organization { id name } } }"
TEAMS = "query DocflowTeams { teams(first: 50) { nodes { id key name } } }"
ISSUE_CREATE = (
    "mutation DocflowIssueCreate($input: IssueCreateInput!) { issueCreate(input: $input) "
    "{ success issue { id identifier url state { name type } } } }"
)
ISSUE = "query DocflowIssue($id: String!) { issue(id: $id) { id identifier url state { name type } } }"
#: Every document sent (checked against Linear's schema in the tests).
DOCUMENTS = (VIEWER, TEAMS, ISSUE_CREATE, ISSUE)
#: Namespace of the issue ids DocFlow chooses.
ISSUE_NAMESPACE = uuid.UUID("1b0e4f7e-6c1e-4f5e-9a55-0d0c0f1a7e15")
#: Longest title and description sent.
MAX_TITLE = 250
MAX_DESCRIPTION = 10_000


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as DocFlow records it."""

    id: str
    identifier: str
    url: str
    state_name: str | None
    state_type: str | None


def issue_id(tenant_id: uuid.UUID, subject_kind: str, subject_id: uuid.UUID) -> uuid.UUID:
    """The issue id DocFlow gives the subject's issue: the same on every retry."""
    return uuid.uuid5(ISSUE_NAMESPACE, f"{tenant_id}:{subject_kind}:{subject_id}")


def _error(detail: str, upstream: str, *, transient: bool, after: float | None = None) -> ProviderError:
    return ProviderError(detail, provider="linear", upstream=upstream, transient=transient, retry_after=after)


def execute(api_key: str, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one GraphQL document with the tenant's API key; its ``data`` or a :class:`ProviderError`."""
    import httpx

    from docflow.config import get_settings
    from docflow.integrations.settings import get_integrations_settings

    settings = get_integrations_settings()
    limit = settings.integrations_max_response_bytes
    try:
        with (
            httpx.Client(timeout=settings.integrations_timeout_seconds, follow_redirects=False) as http,
            http.stream(
                "POST",
                get_settings().linear_api_url,
                json={"query": document, "variables": variables or {}},
                headers={"Authorization": api_key, "Content-Type": "application/json"},
            ) as response,
        ):
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _error("Linear sent an oversized answer", "oversized", transient=False)
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise _error("Linear sent an oversized answer", "oversized", transient=False)
            status = response.status_code
            headers = response.headers
    except httpx.TimeoutException:
        raise _error("Linear did not answer in time", "timeout", transient=True) from None
    except httpx.HTTPError:
        raise _error("Linear could not be reached", "unreachable", transient=True) from None
    return _result(status, headers, body)


def _result(status: int, headers: Any, body: bytes) -> dict[str, Any]:
    """The ``data`` of an answer, or the :class:`ProviderError` its status or errors stand for."""
    reset = _reset_seconds(headers.get("x-ratelimit-requests-reset"))
    if status == 429:
        raise _error("Linear's rate limit was reached", "ratelimited", transient=True, after=reset)
    if status >= 500:
        raise _error(
            "Linear failed", f"http_{status}", transient=True, after=retry_after(headers.get("retry-after"))
        )
    if 300 <= status < 400:
        raise _error("Linear answered with a redirect", f"http_{status}", transient=False)
    try:
        import json

        payload = json.loads(body)
    except ValueError:
        raise _error("Linear's answer was not JSON", "invalid_json", transient=status >= 500) from None
    if not isinstance(payload, dict):
        raise _error("Linear's answer was not a GraphQL result", "invalid_json", transient=False)
    errors = payload.get("errors")
    if errors:
        first: dict[str, Any] = (
            errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        )
        raw = first.get("extensions")
        extensions: dict[str, Any] = raw if isinstance(raw, dict) else {}
        kind = str(extensions.get("type") or extensions.get("code") or "graphql_error")[:100]
        message = extensions.get("userPresentableMessage")
        detail = str(message)[:300] if isinstance(message, str) and message else "Linear refused the request"
        if kind == "ratelimited":
            raise _error(detail, kind, transient=True, after=reset)
        raise _error(detail, kind.replace(" ", "_"), transient=False)
    if status >= 400 or not isinstance(payload.get("data"), dict):
        raise _error("Linear refused the request", f"http_{status}", transient=False)
    data: dict[str, Any] = payload["data"]
    return data


def _reset_seconds(value: str | None) -> float | None:
    """Seconds until ``x-ratelimit-requests-reset`` (epoch milliseconds)."""
    if not value or not value.isdigit():
        return None
    import time

    return max(0.0, int(value) / 1000 - time.time())


def viewer_organization(api_key: str) -> str:
    """The organization id of the key's workspace (checks the key)."""
    data = execute(api_key, VIEWER)
    return str(data["viewer"]["organization"]["id"])


def teams(api_key: str) -> list[dict[str, str]]:
    """The workspace's teams (first 50): id, key, name."""
    data = execute(api_key, TEAMS)
    return [
        {"id": str(t["id"]), "key": str(t["key"]), "name": str(t["name"])} for t in data["teams"]["nodes"]
    ]


def _issue(node: dict[str, Any]) -> Issue:
    state = node.get("state") or {}
    return Issue(
        id=str(node["id"]),
        identifier=str(node.get("identifier") or "")[:50],
        url=str(node.get("url") or "")[:500],
        state_name=state.get("name"),
        state_type=state.get("type"),
    )


def create_issue(api_key: str, *, issue: uuid.UUID, team_id: str, title: str, description: str) -> Issue:
    """Create the issue ``issue`` (or find it, when an earlier attempt created it)."""
    variables = {
        "input": {
            "id": str(issue),
            "teamId": team_id,
            "title": title[:MAX_TITLE],
            "description": description[:MAX_DESCRIPTION],
        }
    }
    try:
        data = execute(api_key, ISSUE_CREATE, variables)
    except ProviderError as error:
        if error.transient:
            raise
        existing = find_issue(api_key, issue)
        if existing is None:
            raise
        return existing
    payload = data.get("issueCreate") or {}
    if not payload.get("success") or not payload.get("issue"):
        raise _error("Linear did not create the issue", "not_created", transient=False)
    return _issue(payload["issue"])


def find_issue(api_key: str, issue: uuid.UUID) -> Issue | None:
    """The issue of that id, or ``None`` when Linear has none."""
    try:
        data = execute(api_key, ISSUE, {"id": str(issue)})
    except ProviderError as error:
        if error.transient:
            raise
        return None
    node = data.get("issue")
    return _issue(node) if isinstance(node, dict) else None

"""Clients and leads as pages of a tenant's Notion data source, through the official SDK.

The SDK client is built per use with the tenant's token, ``NOTION_BASE_URL``, the pinned
``Notion-Version`` (``NOTION_VERSION``), a bounded timeout, its own retries off (each attempt must
take a rate slot first: :mod:`docflow.integrations.calls`), no redirects followed and a cap on the
answer's size. Its logger is silenced: nothing about a request reaches the logs.

A record's page is created once and then updated, keyed by ``public.notion_pages.page_id``. Before a
create the row is marked ``creating``; a run that finds ``creating`` without a page id (a crash after
Notion answered) first looks the page up by its ``DocFlow ID`` property, so a rerun never creates a
second page. Text is cut to Notion's limits: 2 000 characters per rich text object, 100 rich text
objects per property, 100 blocks per request (the rest appended in further requests).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from docflow.integrations import calls
from docflow.integrations.errors import ProviderError
from docflow.integrations.store import Opened

if TYPE_CHECKING:
    import notion_client

#: Notion's limits (https://developers.notion.com/reference/request-limits).
MAX_RICH_TEXT_CHARS = 2000
MAX_RICH_TEXT_ITEMS = 100
MAX_BLOCKS_PER_REQUEST = 100

#: DocFlow field -> (Notion property type). ``name`` is the title; ``id`` finds a page after a crash.
FIELD_TYPES: dict[str, str] = {
    "name": "title",
    "id": "rich_text",
    "kind": "select",
    "email": "email",
    "phone": "phone_number",
    "business_id": "rich_text",
    "city": "rich_text",
    "status": "select",
    "company": "rich_text",
    "tags": "multi_select",
}
DEFAULT_MAPPING: dict[str, str] = {
    "name": "Name",
    "id": "DocFlow ID",
    "kind": "Kind",
    "email": "Email",
    "phone": "Phone",
    "business_id": "Business ID",
    "city": "City",
    "status": "Status",
    "company": "Company",
    "tags": "Tags",
}

_SILENT = logging.getLogger("docflow.integrations.notion_sdk")
_SILENT.disabled = True
_SILENT.propagate = False


def chunks(text: str, size: int = MAX_RICH_TEXT_CHARS) -> Iterator[str]:
    """``text`` in pieces of at most ``size`` characters (never splitting a surrogate pair: Python
    strings hold code points)."""
    for start in range(0, len(text), size):
        yield text[start : start + size]


def rich_text(text: str) -> list[dict[str, Any]]:
    """A rich text array of ``text`` within Notion's limits."""
    items = [{"type": "text", "text": {"content": piece}} for piece in chunks(text)]
    return items[:MAX_RICH_TEXT_ITEMS]


def paragraphs(text: str) -> list[dict[str, Any]]:
    """Paragraph blocks of ``text``, one rich text of at most 2 000 characters each."""
    return [
        {"object": "block", "type": "paragraph", "paragraph": {"rich_text": rich_text(piece)}}
        for piece in chunks(text)
    ]


def block_batches(blocks: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``blocks`` in requests of at most 100."""
    return [blocks[i : i + MAX_BLOCKS_PER_REQUEST] for i in range(0, len(blocks), MAX_BLOCKS_PER_REQUEST)]


def properties(record: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """The page properties of a record under the tenant's mapping (unmapped fields are left out)."""
    result: dict[str, Any] = {}
    for field, name in mapping.items():
        kind = FIELD_TYPES.get(field)
        value = record.get(field)
        if kind is None or not name:
            continue
        if kind == "title":
            result[name] = {"title": rich_text(str(value or "")[:MAX_RICH_TEXT_CHARS])}
        elif kind == "rich_text":
            result[name] = {"rich_text": rich_text(str(value)) if value not in (None, "") else []}
        elif kind == "select":
            result[name] = {"select": {"name": str(value)[:100]} if value else None}
        elif kind == "multi_select":
            result[name] = {"multi_select": [{"name": str(tag)[:100]} for tag in (value or [])][:100]}
        elif kind in {"email", "phone_number"}:
            result[name] = {kind: str(value) if value else None}
    return result


def _error(detail: str, upstream: str, *, transient: bool, after: float | None = None) -> ProviderError:
    return ProviderError(detail, provider="notion", upstream=upstream, transient=transient, retry_after=after)


def client(token: str) -> notion_client.Client:
    """The SDK client for one tenant's token (see the module documentation)."""
    import httpx
    import notion_client

    from docflow.config import get_settings
    from docflow.integrations.settings import get_integrations_settings

    settings = get_integrations_settings()
    limit = settings.integrations_max_response_bytes

    def cap(response: httpx.Response) -> None:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise _error("Notion sent an oversized answer", "oversized", transient=False)

    http = httpx.Client(follow_redirects=False, event_hooks={"response": [cap]})
    return notion_client.Client(
        client=http,
        auth=token,
        base_url=get_settings().notion_base_url,
        notion_version=settings.notion_version,
        timeout_ms=int(settings.integrations_timeout_seconds * 1000),
        retry=False,
        logger=_SILENT,
    )


def request(call: Any) -> Any:
    """Run one SDK call, its failures as :class:`ProviderError` (429 and 5xx transient)."""
    import httpx
    from notion_client.errors import HTTPResponseError, RequestTimeoutError

    try:
        return call()
    except ProviderError:
        raise
    except RequestTimeoutError:
        raise _error("Notion did not answer in time", "timeout", transient=True) from None
    except HTTPResponseError as error:
        status = int(error.status)
        code = str(getattr(error.code, "value", error.code))[:100]
        if status == 429:
            after = calls.retry_after(error.headers.get("retry-after"))
            raise _error(
                "Notion's rate limit was reached", "rate_limited", transient=True, after=after
            ) from None
        if status >= 500:
            raise _error("Notion failed", code or f"http_{status}", transient=True) from None
        raise _error("Notion refused the request", code or f"http_{status}", transient=False) from None
    except httpx.TimeoutException:
        raise _error("Notion did not answer in time", "timeout", transient=True) from None
    except httpx.HTTPError:
        raise _error("Notion could not be reached", "unreachable", transient=True) from None


def _record(conn: Any, tenant_id: uuid.UUID, kind: str, entity_id: uuid.UUID) -> dict[str, Any] | None:
    if kind == "client":
        row = conn.execute(
            """
            select id, name, kind, email, phone, business_id, city, tags, notes as body
              from public.clients where tenant_id = %s and id = %s
            """,
            (tenant_id, entity_id),
        ).fetchone()
    else:
        row = conn.execute(
            """
            select id, name, email, phone, company, status, message as body
              from public.leads where tenant_id = %s and id = %s
            """,
            (tenant_id, entity_id),
        ).fetchone()
    return dict(row) if row else None


def sync_record(integration: Opened, kind: str, entity_id: uuid.UUID) -> str:
    """Create or update the record's page; returns ``created``, ``updated``, ``skipped`` or ``failed``.
    Transient provider errors are raised (the queue retries the message)."""
    from docflow.db import system_transaction
    from docflow.integrations.settings import get_integrations_settings

    tenant_id = integration.tenant_id
    data_source = integration.settings.get("data_source_id")
    mapping = {**DEFAULT_MAPPING, **dict(integration.settings.get("mapping") or {})}
    with system_transaction("integrations.notion", tenant_id=str(tenant_id)) as conn:
        record = _record(conn, tenant_id, kind, entity_id)
        if record is None:
            return "skipped"
        state = conn.execute(
            """
            insert into public.notion_pages (tenant_id, entity_kind, entity_id) values (%s, %s, %s)
            on conflict (tenant_id, entity_kind, entity_id) do update set updated_at = now()
            returning page_id, status
            """,
            (tenant_id, kind, entity_id),
        ).fetchone()
        assert state is not None
        if not data_source:
            _mark(conn, tenant_id, kind, entity_id, status="failed", error="data_source_not_chosen")
            return "failed"
    record["id"] = str(record["id"])
    props = properties(record, mapping)
    body = paragraphs(str(record.get("body") or ""))
    sdk = client(integration.secret)
    rate = get_integrations_settings().notion_rate_per_second

    def send(call: Any) -> Any:
        return calls.call(tenant_id, "notion", rate, lambda: request(call))

    try:
        page_id: str | None = state["page_id"]
        if page_id is None and state["status"] == "creating" and mapping.get("id"):
            page_id = _find_page(send, sdk, data_source, mapping["id"], record["id"])
        if page_id is not None:
            try:
                send(lambda: sdk.pages.update(page_id=page_id, properties=props))
            except ProviderError as error:
                if error.upstream != "object_not_found":
                    raise
                page_id = None  # deleted in Notion: create it again
            else:
                with system_transaction("integrations.notion", tenant_id=str(tenant_id)) as conn:
                    _mark(conn, tenant_id, kind, entity_id, status="synced", page_id=page_id)
                return "updated"
        with system_transaction("integrations.notion", tenant_id=str(tenant_id)) as conn:
            _mark(conn, tenant_id, kind, entity_id, status="creating")
        batches = block_batches(body)
        first = batches[0] if batches else []
        created = send(
            lambda: sdk.pages.create(
                parent={"type": "data_source_id", "data_source_id": data_source},
                properties=props,
                children=first,
            )
        )
        new_page = str(created["id"])
        with system_transaction("integrations.notion", tenant_id=str(tenant_id)) as conn:
            _mark(conn, tenant_id, kind, entity_id, status="synced", page_id=new_page)
        for batch in batches[1:]:
            send(lambda batch=batch: sdk.blocks.children.append(block_id=new_page, children=batch))
        return "created"
    except ProviderError as error:
        if error.transient:
            raise
        with system_transaction("integrations.notion", tenant_id=str(tenant_id)) as conn:
            _mark(conn, tenant_id, kind, entity_id, status="failed", error=error.upstream)
        return "failed"
    finally:
        sdk.close()


def _find_page(send: Any, sdk: Any, data_source: str, prop: str, record_id: str) -> str | None:
    """The page a crashed create left, found by its ``DocFlow ID`` property."""
    found = send(
        lambda: sdk.data_sources.query(
            data_source_id=data_source,
            filter={"property": prop, "rich_text": {"equals": record_id}},
            page_size=1,
        )
    )
    results = found.get("results") or []
    return str(results[0]["id"]) if results else None


def _mark(
    conn: Any,
    tenant_id: uuid.UUID,
    kind: str,
    entity_id: uuid.UUID,
    *,
    status: str,
    page_id: str | None = None,
    error: str | None = None,
) -> None:
    conn.execute(
        """
        update public.notion_pages
           set status = %s, page_id = coalesce(%s, page_id), error_code = %s,
               attempts = attempts + case when %s = 'creating' then 0 else 1 end,
               synced_at = case when %s = 'synced' then now() else synced_at end, updated_at = now()
         where tenant_id = %s and entity_kind = %s and entity_id = %s
        """,
        (status, page_id, error, status, status, tenant_id, kind, entity_id),
    )


def resync_all(conn: Any, tenant_id: uuid.UUID) -> int:
    """Queue every client and lead of the tenant for a sync (the "resync everything" action)."""
    cursor = conn.execute(
        """
        insert into public.integration_outbox (tenant_id, provider, topic, entity_id)
        select %s, 'notion', 'client', id from public.clients where tenant_id = %s
        union all
        select %s, 'notion', 'lead', id from public.leads where tenant_id = %s
        """,
        (tenant_id, tenant_id, tenant_id, tenant_id),
    )
    return max(0, int(cursor.rowcount))

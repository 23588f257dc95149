"""Parse the two CSP report formats into flat, scrubbed records.

- ``application/csp-report`` (CSP level 2, ``report-uri``): ``{"csp-report": {"document-uri": ...}}``
- ``application/reports+json`` (Reporting API, ``report-to``): a list of ``{"type": "csp-violation",
  "body": {"documentURL": ...}}``; reports of other types are ignored.

Only known fields are kept. URLs lose their query string and fragment (tokens and emails travel
there) and every text passes the PII scrubber; long values are cut. Anything that is not one of the
formats is a 400 or 415 problem, never a 500.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from docflow.errors import BadRequest, UnsupportedMediaType
from docflow.pii import scrub_text

MAX_BODY_BYTES = 65_536
MAX_REPORTS = 100
MAX_FIELD_CHARS = 512

LEGACY_MEDIA_TYPES = frozenset({"application/csp-report", "application/json"})
REPORTING_MEDIA_TYPE = "application/reports+json"

LEGACY_FIELDS: dict[str, str] = {
    "document-uri": "document_url",
    "referrer": "referrer",
    "blocked-uri": "blocked_url",
    "violated-directive": "violated_directive",
    "effective-directive": "effective_directive",
    "original-policy": "original_policy",
    "disposition": "disposition",
    "source-file": "source_file",
    "line-number": "line_number",
    "column-number": "column_number",
    "status-code": "status_code",
    "script-sample": "sample",
}
REPORTING_FIELDS: dict[str, str] = {
    "documentURL": "document_url",
    "referrer": "referrer",
    "blockedURL": "blocked_url",
    "effectiveDirective": "effective_directive",
    "originalPolicy": "original_policy",
    "disposition": "disposition",
    "sourceFile": "source_file",
    "lineNumber": "line_number",
    "columnNumber": "column_number",
    "statusCode": "status_code",
    "sample": "sample",
}
URL_FIELDS = frozenset({"document_url", "referrer", "blocked_url", "source_file"})
NUMBER_FIELDS = frozenset({"line_number", "column_number", "status_code"})

CspRecord = dict[str, str | int]


def media_type(content_type: str | None) -> str:
    """The bare media type of a ``Content-Type`` header, lower case."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def strip_url(value: str) -> str:
    """A URL without user info, query string and fragment; keywords (``inline``, ``eval``) unchanged."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "[unparseable-url]"
    if not parts.scheme or not parts.netloc:
        return value.split("?", 1)[0].split("#", 1)[0]
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _clean(field: str, value: Any) -> str | int | None:
    if field in NUMBER_FIELDS:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10_000_000:
            return value
        return None
    if not isinstance(value, str):
        return None
    text = value[: MAX_FIELD_CHARS * 4]
    if field in URL_FIELDS:
        text = strip_url(text)
    return scrub_text(text)[:MAX_FIELD_CHARS]


def _record(raw: Any, fields: dict[str, str]) -> CspRecord:
    if not isinstance(raw, dict):
        raise BadRequest("A CSP report must be a JSON object")
    record: CspRecord = {}
    for source, target in fields.items():
        if source in raw:
            cleaned = _clean(target, raw[source])
            if cleaned is not None:
                record[target] = cleaned
    return record


def _load_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("The report is not valid JSON") from None


def parse_reports(content_type: str | None, body: bytes) -> list[CspRecord]:
    """The CSP violations in a request body, scrubbed (415 for other media types, 400 if malformed)."""
    kind = media_type(content_type)
    if kind not in LEGACY_MEDIA_TYPES and kind != REPORTING_MEDIA_TYPE:
        raise UnsupportedMediaType("Send application/csp-report or application/reports+json")
    data = _load_json(body)
    if kind != REPORTING_MEDIA_TYPE:
        if not isinstance(data, dict) or "csp-report" not in data:
            raise BadRequest('A legacy report is an object with a "csp-report" member')
        return [_record(data["csp-report"], LEGACY_FIELDS)]
    items = data if isinstance(data, list) else [data]
    if len(items) > MAX_REPORTS:
        raise BadRequest(f"At most {MAX_REPORTS} reports per request")
    records: list[CspRecord] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise BadRequest("Each report is an object with a type and a body")
        if not isinstance(item.get("body"), dict):
            raise BadRequest("Each report is an object with a type and a body")
        if item["type"] != "csp-violation":
            continue
        records.append(_record(item.get("body"), REPORTING_FIELDS))
    return records

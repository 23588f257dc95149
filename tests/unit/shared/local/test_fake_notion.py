"""The fake Notion speaks Notion's documented API: every endpoint it serves (and every body field
DocFlow sends) is one of the SDK's endpoint descriptors (``shared/data/specs/notion``), its error
codes are Notion's, and it enforces the limits DocFlow relies on (rate, 2 000 characters, 100 blocks)."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from docflow_local.fake_notion import FakeNotion
from tests.support.paths import REPO_ROOT

TOKEN = "ntn_unitfaketoken0000000000"
#: What the fake serves (method, path template), as DocFlow calls it.
SERVED = {
    ("post", "pages"),
    ("get", "pages/{}"),
    ("patch", "pages/{}"),
    ("get", "data_sources/{}"),
    ("post", "data_sources/{}/query"),
    ("patch", "blocks/{}/children"),
    ("get", "users/me"),
}
#: Body fields DocFlow sends, per endpoint.
SENT_FIELDS = {
    ("post", "pages"): {"parent", "properties", "children"},
    ("patch", "pages/{}"): {"properties"},
    ("post", "data_sources/{}/query"): {"filter", "page_size"},
    ("patch", "blocks/{}/children"): {"children"},
}
_DESCRIPTOR = re.compile(
    r'export const \w+ = \{\s*method: "(\w+)",(.*?)path: \([^)]*\): string =>\s*`([^`]+)`', re.DOTALL
)


@cache
def _folder() -> Path | None:
    candidates = [os.environ.get("DOCFLOW_NOTION_SPECS", "")] + [
        str(parent / "shared" / "data" / "specs" / "notion") for parent in REPO_ROOT.parents
    ]
    return next((Path(c) for c in candidates if c and (Path(c) / "api-endpoints").is_dir()), None)


@cache
def _endpoints() -> dict[tuple[str, str], set[str]]:
    folder = _folder()
    if folder is None:
        pytest.skip("Notion's SDK endpoint types (shared/data/specs/notion) are not next to the repository")
    found: dict[tuple[str, str], set[str]] = {}
    for source in sorted((folder / "api-endpoints").glob("*.ts")):
        for method, middle, path in _DESCRIPTOR.findall(source.read_text(encoding="utf-8")):
            body = re.search(r"bodyParams: \[(.*?)\]", middle, re.DOTALL)
            params = set(re.findall(r'"(\w+)"', body.group(1))) if body else set()
            found[(method, re.sub(r"\$\{[^}]+\}", "{}", path))] = params
    return found


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeNotion]:
    with FakeNotion(tokens={TOKEN}, rate_per_second=3) as server:
        yield server


def _call(fake: FakeNotion, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{fake.url}/v1/{path}", data=data, method=method.upper())
    request.add_header("Authorization", headers.get("auth", f"Bearer {TOKEN}"))
    if "version" not in headers:
        request.add_header("Notion-Version", "2025-09-03")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_every_endpoint_served_is_documented() -> None:
    documented = _endpoints()
    assert sorted(SERVED - set(documented)) == []


def test_every_body_field_docflow_sends_is_documented() -> None:
    documented = _endpoints()
    assert {key: sorted(fields - documented[key]) for key, fields in SENT_FIELDS.items()} == {
        key: [] for key in SENT_FIELDS
    }


def test_error_codes_are_notions() -> None:
    folder = _folder()
    if folder is None:
        pytest.skip("Notion's SDK endpoint types (shared/data/specs/notion) are not next to the repository")
    text = "".join(p.read_text(encoding="utf-8") for p in (folder / "api-endpoints").glob("*.ts"))
    for code in (
        "unauthorized",
        "validation_error",
        "object_not_found",
        "rate_limited",
        "invalid_json",
        "invalid_request_url",
        "missing_version",
        "internal_server_error",
    ):
        assert f'"{code}"' in text, code


def test_given_limits_when_exceeded_then_notion_errors(fake: FakeNotion) -> None:
    fake.rate_per_second = 1000
    source = fake.add_data_source()
    parent = {"type": "data_source_id", "data_source_id": source}
    long_text = {"Name": {"title": [{"type": "text", "text": {"content": "x" * 2001}}]}}
    assert (
        _call(fake, "post", "pages", {"parent": parent, "properties": long_text})[1]["code"]
        == "validation_error"
    )
    blocks = [{"type": "paragraph", "paragraph": {"rich_text": []}}] * 101
    status, answer = _call(fake, "post", "pages", {"parent": parent, "properties": {}, "children": blocks})
    assert (status, answer["code"]) == (400, "validation_error")
    assert _call(fake, "get", "users/me", auth="Bearer nope")[0] == 401
    assert _call(fake, "get", "users/me", version="")[1]["code"] == "missing_version"
    assert _call(fake, "get", "pages/00000000-0000-4000-8000-000000000000")[1]["code"] == "object_not_found"
    fake.rate_per_second = 3


def test_given_more_than_three_requests_in_a_second_then_429_with_retry_after(fake: FakeNotion) -> None:
    fake.reset()
    statuses = [_call(fake, "get", "users/me")[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert fake.state.over_limit == 1

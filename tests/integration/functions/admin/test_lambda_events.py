"""The sample events of the platform functions, through their real Lambda handlers as staff: what
``DOCFLOW_TOKEN=<staff token> docflow invoke admin events/admin/get-tenants.json`` does."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable

import pytest

from docflow_local.lambda_context import LocalLambdaContext
from docflow_local.seed import DemoData
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db

AS_STAFF = {
    "admin/get-tenants.json": 200,
    "admin/get-audit-log.json": 200,
    "admin/post-suspend-tenant.json": 404,  # the event names no existing tenant
    "admin/get-tenants-no-token.json": 401,
    "supabase_utils/get-migrations.json": 200,
    "supabase_utils/get-health.json": 200,
    "supabase_utils/get-rls-check-no-token.json": 401,
}


def test_every_platform_event_is_listed() -> None:
    found = {
        f"{p.parent.name}/{p.name}"
        for f in ("admin", "supabase_utils")
        for p in (ROOT / "events" / f).glob("*.json")
    }
    assert found - {"admin/expected.json", "supabase_utils/expected.json"} == set(AS_STAFF)


@pytest.mark.parametrize(("name", "status"), AS_STAFF.items())
def test_event_as_staff(name: str, status: int, demo: DemoData, token_for: Callable[..., str]) -> None:
    token = token_for(demo.platform_admin_id, demo.platform_admin_email)
    event = json.loads((ROOT / "events" / name).read_text().replace("${DOCFLOW_TOKEN}", token))
    function = name.split("/", maxsplit=1)[0]
    handler = importlib.import_module(f"docflow_{function}.handler").handler
    response = handler(event, LocalLambdaContext(function))
    assert response["statusCode"] == status, response["body"]
    assert response["isBase64Encoded"] is False
    body = json.loads(response["body"])
    if status == 200:
        assert "status" in body or "items" in body

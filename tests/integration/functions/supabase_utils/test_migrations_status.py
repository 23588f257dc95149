"""Migration status against the shipped manifest: the repository folder locally, the packaged
``migrations.json`` when deployed."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from docflow_local.seed import DemoData
from docflow_supabase_utils import manifest
from tests.support.paths import REPO_ROOT as ROOT

pytestmark = pytest.mark.db


def test_every_repository_migration_is_applied(
    client: TestClient, staff: dict[str, str], demo: DemoData
) -> None:
    response = client.get("/api/v1/supabase/migrations", headers=staff)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "up_to_date"
    assert body["source"] == "directory"
    assert body["pending"] == []
    versions = sorted(path.stem for path in (ROOT / "migrations").glob("*.sql"))
    assert [item["version"] for item in body["applied"]] == versions
    assert body["latest_applied"] == versions[-1]


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A packaged manifest written the way ``sam build`` writes it."""
    target = tmp_path / "migrations.json"
    manifest.write(ROOT / "migrations", target)
    monkeypatch.setattr(manifest, "PACKAGED_MANIFEST", target)
    monkeypatch.setattr(manifest.load, "__defaults__", (target,))
    return target


def test_the_packaged_manifest_is_preferred_and_shows_pending_versions(
    client: TestClient, staff: dict[str, str], demo: DemoData, packaged: Path
) -> None:
    data = json.loads(packaged.read_text())
    data["migrations"]["9999_future_feature"] = "0" * 64
    packaged.write_text(json.dumps(data))
    body = client.get("/api/v1/supabase/migrations", headers=staff).json()
    assert body["source"] == "package"
    assert body["status"] == "pending"
    assert body["pending"] == ["9999_future_feature"]


def test_a_changed_or_unknown_applied_version_is_drift(
    client: TestClient, staff: dict[str, str], demo: DemoData, packaged: Path
) -> None:
    data = json.loads(packaged.read_text())
    first = next(iter(data["migrations"]))
    data["migrations"][first] = "f" * 64
    last = list(data["migrations"])[-1]
    del data["migrations"][last]
    packaged.write_text(json.dumps(data))
    body = client.get("/api/v1/supabase/migrations", headers=staff).json()
    states = {item["version"]: item["state"] for item in body["applied"]}
    assert body["status"] == "drift"
    assert states[first] == "changed"
    assert states[last] == "unknown"


def test_no_manifest_at_all_is_503(
    client: TestClient,
    staff: dict[str, str],
    demo: DemoData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(manifest.load, "__defaults__", (tmp_path / "absent.json",))
    monkeypatch.setenv("MIGRATIONS_DIR", str(tmp_path / "nowhere"))
    response = client.get("/api/v1/supabase/migrations", headers=staff)
    assert response.status_code == 503


def test_the_build_writes_the_manifest_of_the_repository(tmp_path: Path) -> None:
    target = tmp_path / "migrations.json"
    count = manifest.write(ROOT / "migrations", target)
    checksums = json.loads(target.read_text())["migrations"]
    assert count == len(checksums) == len(list((ROOT / "migrations").glob("*.sql")))
    assert list(checksums) == sorted(checksums)


def test_each_read_is_audited(
    client: TestClient, staff: dict[str, str], demo: DemoData, superuser_url: str
) -> None:
    marker = str(uuid.uuid4())
    client.get("/api/v1/supabase/migrations", headers={**staff, "X-Correlation-Id": marker})
    with psycopg.connect(superuser_url) as conn:
        row = conn.execute(
            "select action, actor_user_id from public.audit_log where correlation_id = %s", (marker,)
        ).fetchone()
    assert row == ("supabase.migrations.read", demo.platform_admin_id)

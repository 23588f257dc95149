"""End to end in the local stack: the gateway on uvicorn, moto S3 with bucket notifications, the
poller delivering them to the OCR function's handler, real Tesseract, and the upload CLI.

presign -> upload -> processed -> GET shows the fields -> PATCH -> export, then the synchronous
OCR route and its per-tenant limit. Two receipts are read by Tesseract in this module.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from docflow.tenancy import Role
from docflow_local.seed import DemoData, demo_id
from tests.support.ocr_corpus import encode, render_receipt

pytestmark = [pytest.mark.db, pytest.mark.ocr]

ROOT = Path(__file__).resolve().parents[2]
TENANT_A = demo_id("tenant:demo-oy")
TENANT_B = demo_id("tenant:esimerkki-ab")
LINES = (
    "K-MARKET TESTI",
    "Y-tunnus 1234567-1",
    "14.03.2026 14:05",
    "MAITO 1L          1,95",
    "LEIPA             3,40",
    "YHTEENSA          5,35",
    "ALV%  VEROTON  VERO  VEROLLINEN",
    "13,5    4,71   0,64   5,35",
    "KORTTI            5,35",
)


@pytest.fixture(scope="module")
def stack(postgres: object, demo: DemoData) -> Iterator[str]:
    """The local stack's API on a free port, with uploads delivered to the OCR handler."""
    import uvicorn

    from docflow.aws import s3_client
    from docflow_local.gateway import LocalGateway
    from docflow_local.postgres import free_port
    from docflow_local.s3_events import deliver_receipt_events
    from tests.support.local_s3 import ensure_receipts_bucket

    bucket = ensure_receipts_bucket()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(LocalGateway(ROOT / "template.yaml"), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        with deliver_receipt_events(ROOT / "template.yaml") as poller:
            assert poller is not None
            yield f"http://127.0.0.1:{port}"
    finally:
        s3_client().put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def token(demo: DemoData, token_for: Callable[..., str]) -> Callable[..., str]:
    def make(tenant: uuid.UUID = TENANT_A) -> str:
        owner = next(u for u in demo.users if u.tenant_id == tenant and u.role == Role.OWNER)
        return token_for(owner.user_id, owner.email)

    return make


def _unique_png(tmp_path: Path) -> Path:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", uuid.uuid4().hex)
    path = tmp_path / "k-market.png"
    path.write_bytes(encode(render_receipt(LINES), "PNG", pnginfo=info))
    return path


def test_upload_is_read_reviewed_corrected_and_exported(
    stack: str, token: Callable[..., str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docflow.cli import main

    path = _unique_png(tmp_path)
    started = time.monotonic()
    status = main(["receipts", "upload", str(path), "--api", stack, "--token", token(), "--timeout", "60"])
    elapsed = time.monotonic() - started
    printed = capsys.readouterr().out.splitlines()
    assert status == 0, printed
    result = json.loads(printed[0])
    assert result["status"] == "processed"
    assert (result["merchant"], result["business_id"], result["date"]) == (
        "K-MARKET TESTI",
        "1234567-1",
        "2026-03-14",
    )
    assert result["total"] == "5.35"
    assert result["vat"] == [
        {"rate": "13.50", "net": "4.71", "tax": "0.64", "gross": "5.35", "confidence": 0.97}
    ]
    assert elapsed < 30

    auth = {"Authorization": f"Bearer {token()}"}
    receipt_url = f"{stack}/api/v1/receipts/{result['receipt_id']}"
    detail = httpx.get(receipt_url, headers=auth).json()
    assert detail["fields"]["total"]["confidence"] > 0.5
    assert [h["to_status"] for h in detail["status_history"]] == ["pending", "processing", "processed"]
    assert httpx.get(detail["download_url"]).content == path.read_bytes()

    patched = httpx.patch(
        receipt_url, json={"merchant": "K-Market Testi", "category": "elintarvikkeet"}, headers=auth
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["fields"]["merchant"]["corrected"] is True

    export = httpx.get(
        f"{stack}/api/v1/receipts/export",
        params={"from": "2026-03-14", "to": "2026-03-14", "format": "csv-fi"},
        headers=auth,
    )
    assert export.status_code == 200
    row = next(
        line for line in export.content.decode("utf-8-sig").splitlines() if result["receipt_id"] in line
    )
    assert row.startswith("14.03.2026;K-Market Testi;1234567-1;4,71;0,64;5,35;13,5;elintarvikkeet;")

    other = httpx.get(receipt_url, headers={"Authorization": f"Bearer {token(TENANT_B)}"})
    assert other.status_code == 404


def test_synchronous_ocr_and_its_per_tenant_limit(
    stack: str, token: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.config import reset_settings

    data = _unique_png(tmp_path).read_bytes()
    auth = {"Authorization": f"Bearer {token()}", "Content-Type": "image/png"}
    response = httpx.post(f"{stack}/api/v1/ocr", content=data, headers=auth, timeout=60)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["receipt"]["total"] == "5.35"
    assert "YHTEENS" in body["text"]
    spoofed = httpx.post(f"{stack}/api/v1/ocr", content=b"<html></html>", headers=auth)
    assert spoofed.status_code == 415

    monkeypatch.setenv("OCR_RATE_LIMIT_PER_MINUTE", "1")
    reset_settings()
    try:
        limited = {"Authorization": f"Bearer {token(TENANT_B)}", "Content-Type": "image/png"}
        assert httpx.post(f"{stack}/api/v1/ocr", content=b"<html></html>", headers=limited).status_code == 415
        refused = httpx.post(f"{stack}/api/v1/ocr", content=data, headers=limited)
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
    finally:
        monkeypatch.delenv("OCR_RATE_LIMIT_PER_MINUTE")
        reset_settings()

"""Receipt pipeline fixtures and helpers: a moto S3 server with the receipts bucket, the receipts API,
uploads through real presigned POSTs, S3 event records, and a counting stand-in for the OCR engine."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from psycopg.rows import dict_row

from docflow.pipeline.events import ObjectCreated, parse_s3_event
from docflow.tenancy import Role
from docflow_local.seed import DemoData
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.demo import demo_user
from tests.support.ocr_corpus import encode, render_receipt

RECEIPT_LINES: tuple[str, ...] = (
    "K-MARKET TESTI",
    "Y-tunnus 1234567-1",
    "12.03.2026 14:05",
    "MAITO 1L          1,95",
    "LEIPA             3,40",
    "YHTEENSA          5,35",
    "ALV%  VEROTON  VERO  VEROLLINEN",
    "13,5    4,71   0,64   5,35",
    "KORTTI            5,35",
)

_SEQUENCE = itertools.count(1)


def next_sequencer() -> str:
    """A fresh, increasing S3 sequencer."""
    return f"{0x0A00000000 + next(_SEQUENCE) * 16:018X}"


@pytest.fixture(scope="session")
def s3_bucket(postgres: object) -> str:
    """The session's moto S3 server with the versioned receipts bucket."""
    from tests.support.local_s3 import ensure_receipts_bucket

    return ensure_receipts_bucket()


@pytest.fixture(scope="session")
def receipt_image() -> Any:
    """A small rendered Finnish receipt (13.5 % VAT, valid Y-tunnus)."""
    return render_receipt(RECEIPT_LINES)


@pytest.fixture
def receipt_png(receipt_image: Any) -> bytes:
    """The rendered receipt as a PNG whose bytes no other test uploads (a text chunk differs)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", uuid.uuid4().hex)
    return encode(receipt_image, "PNG", pnginfo=info)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    from docflow_receipts_api.handler import app

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def headers(demo: DemoData, token_for: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """``headers(tenant, role)``: the Authorization header of that demo user."""

    def make(tenant: uuid.UUID = TENANT_A, role: Role = Role.OWNER) -> dict[str, str]:
        user = demo_user(demo, tenant, role)
        return {"Authorization": f"Bearer {token_for(user.user_id, user.email)}"}

    return make


@dataclass(frozen=True)
class Uploaded:
    """A receipt created through the API and its original uploaded with the presigned POST."""

    receipt_id: uuid.UUID
    key: str
    response: dict[str, Any] = field(repr=False)


def presign(
    client: TestClient, headers: dict[str, str], *, filename: str, content_type: str, size: int
) -> dict[str, Any]:
    """``POST /uploads`` for one file; asserts 201."""
    response = client.post(
        "/api/v1/receipts/uploads",
        json={"files": [{"filename": filename, "content_type": content_type, "size_bytes": size}]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    upload: dict[str, Any] = response.json()["uploads"][0]
    return upload


def post_file(upload: dict[str, Any], data: bytes) -> httpx.Response:
    """Upload to S3 exactly as a browser would with the presigned POST."""
    form = upload["upload"]
    return httpx.post(form["url"], data=form["fields"], files={"file": ("receipt", data)}, timeout=10)


@pytest.fixture
def upload(
    client: TestClient, headers: Callable[..., dict[str, str]], s3_bucket: str
) -> Callable[..., Uploaded]:
    """``upload(data, filename=..., content_type=..., tenant=...)``: presign and POST the file."""

    def run(
        data: bytes,
        *,
        filename: str = "kuitti.png",
        content_type: str = "image/png",
        tenant: uuid.UUID = TENANT_A,
        declared_size: int | None = None,
    ) -> Uploaded:
        size = declared_size if declared_size is not None else len(data)
        created = presign(client, headers(tenant), filename=filename, content_type=content_type, size=size)
        if declared_size is None:
            assert post_file(created, data).status_code in {200, 201, 204}
        else:
            from docflow.aws import s3_client

            s3_client().put_object(
                Bucket=s3_bucket, Key=created["upload"]["fields"]["key"], Body=data, ContentType=content_type
            )
        return Uploaded(uuid.UUID(created["receipt_id"]), created["upload"]["fields"]["key"], created)

    return run


def s3_event(
    key: str, *, sequencer: str, bucket: str = "docflow-receipts-local", size: int = 1
) -> dict[str, Any]:
    """An ``ObjectCreated:Post`` notification as S3 sends it (key URL-encoded)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "eu-north-1",
                "eventTime": dt.datetime.now(dt.UTC).isoformat(),
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key), "size": size, "sequencer": sequencer},
                },
            }
        ]
    }


def record_for(key: str, *, sequencer: str | None = None, size: int | None = None) -> ObjectCreated:
    """The parsed record of a notification for ``key``."""
    event = s3_event(key, sequencer=sequencer or next_sequencer())
    if size is None:
        del event["Records"][0]["s3"]["object"]["size"]
    else:
        event["Records"][0]["s3"]["object"]["size"] = size
    return parse_s3_event(event)[0]


@dataclass
class FakeScan:
    """Counts engine runs; returns a fixed reading (or delegates to the real engine)."""

    real: Callable[..., Any] | None = None
    calls: int = 0

    def __call__(self, data: bytes, **kwargs: Any) -> Any:
        self.calls += 1
        if self.real is not None:
            return self.real(data, **kwargs)
        return fixed_reading(data)


def fixed_reading(data: bytes = b"") -> tuple[Any, Any]:
    """A deterministic reading without Tesseract; the total depends on the bytes, as a real one would."""
    import hashlib

    from docflow.ocr.models import OcrLine, OcrResult, make_page
    from docflow.receipts.models import Field, ReceiptData, VatRow

    cents = 100 + int(hashlib.sha256(data).hexdigest()[:8], 16) % 90_000
    total = (Decimal(cents) / 100).quantize(Decimal("0.01"))
    net = (total / Decimal("1.135")).quantize(Decimal("0.01"))
    receipt = ReceiptData(
        merchant=Field("K-MARKET TESTI", 0.9),
        business_id=Field("1234567-1", 0.97),
        date=Field(dt.date(2026, 3, 12), 0.99),
        total=Field(total, 0.99),
        currency=Field("EUR", 0.6),
        vat=(VatRow(Decimal("13.5"), net, total - net, total, confidence=0.93),),
    )
    lines = tuple(OcrLine(text, 0.9, (0, 0, 10, 10), 1) for text in ("K-MARKET TESTI", "puh 040 123 4567"))
    page = make_page(number=1, width=10, height=10, lines=lines, source="ocr", seconds=0.01)
    return receipt, OcrResult((page,), "image/png", "fin", 0.01)


@pytest.fixture
def fake_scan(monkeypatch: pytest.MonkeyPatch) -> FakeScan:
    """The engine replaced by a counting fake (idempotency tests need no real OCR)."""
    fake = FakeScan()
    monkeypatch.setattr("docflow.pipeline.steps.scan_bytes", fake)
    return fake


@pytest.fixture
def counted_scan(monkeypatch: pytest.MonkeyPatch) -> FakeScan:
    """The real engine, counted."""
    from docflow.receipts.scan import scan_bytes

    counter = FakeScan(real=scan_bytes)
    monkeypatch.setattr("docflow.pipeline.steps.scan_bytes", counter)
    return counter


@pytest.fixture
def db(superuser_url: str) -> Callable[..., Any]:
    """``db(sql, *params)``: rows from the owner connection (behind the API's back)."""

    def query(sql: str, *params: object) -> list[dict[str, Any]]:
        with psycopg.connect(superuser_url, row_factory=dict_row, autocommit=True) as conn:
            cursor = conn.execute(sql, params)  # type: ignore[call-overload]
            return list(cursor.fetchall()) if cursor.description else []

    return query


def expire_lease(db: Callable[..., Any], receipt_id: uuid.UUID) -> None:
    """What time does to a crashed run's lease."""
    db(
        "update public.receipts set lease_until = now() - interval '1 second'"
        " where id = %s and status = 'processing'",
        receipt_id,
    )


STATE_COLUMNS = (
    "status, failure_reason, content_hash, fields, corrected_fields, merchant, business_id, receipt_date, "
    "total, currency, ocr_text, confidence, warnings, duplicate_of, lease_until"
)


def final_state(db: Callable[..., Any], receipt_id: uuid.UUID) -> dict[str, Any]:
    """The receipt's result columns, VAT rows and items (what a clean run determines)."""
    select = sql.SQL("select {} from public.receipts where id = %s").format(sql.SQL(STATE_COLUMNS))
    row = db(select, receipt_id)[0]
    row["vat"] = db(
        "select position, rate, net, tax, gross from public.receipt_vat_rows"
        " where receipt_id = %s order by 1",
        receipt_id,
    )
    row["items"] = db(
        "select position, name, amount from public.receipt_items where receipt_id = %s order by 1", receipt_id
    )
    return row

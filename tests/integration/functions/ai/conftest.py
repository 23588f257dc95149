"""Fixtures of the AI tests: the AI app, fresh tenants, hard receipts with OCR text, the fake model."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg.rows import dict_row

from docflow.tenancy import Role
from docflow_local.fake_openai import FakeOpenAI
from docflow_local.finance_data import ReceiptSpec, VatLine, insert_receipts
from tests.support.tenants import Headers, Tenant, create_tenant, member_headers

#: A receipt the engine left for review (13.5 % and 25.5 % rows, total 24.93).
OCR_TEXT = """K-Market Keskusta
Y-tunnus 0737546-2
12.11.2026 14:03
MAITO 1,89
LEIPÄ 3,10
YHTEENSÄ 24,93
ALV 13,5 % 5,00 0,68 5,68
ALV 25,5 % 15,34 3,91 19,25
KORTTI 24,93
"""
RECEIPT_DATE = dt.date(2026, 11, 12)


@pytest.fixture(scope="module")
def http(postgres: object) -> Iterator[TestClient]:
    from docflow_ai.handler import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def model(openai_fake: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The fake model, with no scripted answer or fault left from another test."""
    openai_fake.reset()
    yield openai_fake
    openai_fake.reset()


@pytest.fixture
def auth(token_for: Callable[..., str]) -> Headers:
    def headers(tenant: Tenant, role: Role = Role.OWNER) -> dict[str, str]:
        return member_headers(token_for, tenant, role)

    return headers


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, *Role)


@pytest.fixture
def hard_receipt(superuser_url: str) -> Callable[..., uuid.UUID]:
    """``hard_receipt(tenant, text=..., **columns)``: a ``needs_review`` receipt read by the engine with
    no total and no VAT rows (columns override: ``total``, ``corrected_fields``, ``status``...)."""

    def insert(
        tenant: Tenant, text: str = OCR_TEXT, vat: tuple[VatLine, ...] = (), **columns: Any
    ) -> uuid.UUID:
        spec = ReceiptSpec(
            RECEIPT_DATE, "K-Market Keskusta", None, vat, business_id=None, status="needs_review"
        )
        with psycopg.connect(superuser_url) as conn:
            (receipt_id,) = insert_receipts(conn, tenant.id, [spec])
            fields = {
                "country": {"value": "FI", "confidence": 0.9},
                "merchant": {"value": "K-Market Keskusta", "confidence": 0.5},
            }
            conn.execute(
                "update public.receipts set ocr_text = %s, confidence = 0.4, fields = %s::jsonb"
                " where id = %s",
                (text, json.dumps(fields), receipt_id),
            )
            for column, value in columns.items():
                conn.execute(f"update public.receipts set {column} = %s where id = %s", (value, receipt_id))  # noqa: S608
        return receipt_id

    return insert


@pytest.fixture
def row(superuser_url: str) -> Callable[[uuid.UUID], dict[str, Any]]:
    """The stored receipt with its VAT rows."""

    def read(receipt_id: uuid.UUID) -> dict[str, Any]:
        with psycopg.connect(superuser_url, row_factory=dict_row) as conn:
            receipt = conn.execute("select * from public.receipts where id = %s", (receipt_id,)).fetchone()
            assert receipt is not None
            receipt["vat"] = conn.execute(
                "select rate, net, tax, gross from public.receipt_vat_rows where receipt_id = %s"
                " order by position",
                (receipt_id,),
            ).fetchall()
            receipt["readings"] = conn.execute(
                "select provenance, accepted, rejected from public.ai_receipt_readings where receipt_id = %s",
                (receipt_id,),
            ).fetchall()
            return receipt

    return read

"""Processed receipts with VAT rows written straight into the database, as the pipeline stores them:
for the demo seed, the finance tests and the finance benchmark (never shipped)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class VatLine:
    """A VAT row: rate, net, tax, gross as printed."""

    rate: str
    net: str
    tax: str
    gross: str


@dataclass(frozen=True, slots=True)
class ReceiptSpec:
    """One receipt to write: what the pipeline would have read (or a user corrected)."""

    receipt_date: dt.date
    merchant: str
    total: str | None
    vat: Sequence[VatLine] = ()
    business_id: str | None = "0737546-2"
    status: str = "processed"
    category: str | None = None
    country: str | None = "FI"
    currency: str = "EUR"
    corrected_fields: Sequence[str] = ()
    client_id: uuid.UUID | None = None
    items: Sequence[str] = ()
    receipt_id: uuid.UUID = field(default_factory=uuid.uuid4)
    processed_at: dt.datetime | None = None
    ocr_text: str | None = None

    @property
    def warnings(self) -> list[dict[str, str]]:
        """The pipeline's warnings for a foreign receipt."""
        if self.country and self.country != "FI":
            return [{"code": "foreign_receipt", "message": "issued abroad: not Finnish deductible VAT"}]
        return []


def insert_receipts(conn: Any, tenant_id: uuid.UUID, receipts: Sequence[ReceiptSpec]) -> list[uuid.UUID]:
    """Insert the receipts, their VAT rows and items (as the database owner or ``service_role``)."""
    for spec in receipts:
        fields = {"country": {"value": spec.country, "confidence": 0.9}} if spec.country else {}
        conn.execute(
            """
            insert into public.receipts
              (id, tenant_id, status, object_key, size_bytes, content_type, original_filename, fields,
               corrected_fields, merchant, business_id, receipt_date, total, currency, warnings, category,
               client_id, processed_at, ocr_text)
            values (%s, %s, %s, %s, 1000, 'image/jpeg', 'kuitti.jpg', %s::jsonb, %s, %s, %s, %s, %s, %s,
                    %s::jsonb, %s, %s, coalesce(%s, now()), %s)
            """,
            (
                spec.receipt_id,
                tenant_id,
                spec.status,
                f"incoming/{tenant_id}/{spec.receipt_id}/kuitti.jpg",
                json.dumps(fields),
                list(spec.corrected_fields),
                spec.merchant,
                spec.business_id,
                spec.receipt_date,
                None if spec.total is None else Decimal(spec.total),
                spec.currency,
                json.dumps(spec.warnings),
                spec.category,
                spec.client_id,
                spec.processed_at,
                spec.ocr_text,
            ),
        )
        for position, row in enumerate(spec.vat):
            conn.execute(
                """
                insert into public.receipt_vat_rows (tenant_id, receipt_id, position, rate, net, tax, gross)
                values (%s, %s, %s, %s, %s, %s, %s)
                """,
                (tenant_id, spec.receipt_id, position, row.rate, row.net, row.tax, row.gross),
            )
        for position, name in enumerate(spec.items):
            conn.execute(
                """
                insert into public.receipt_items (tenant_id, receipt_id, position, name, amount)
                values (%s, %s, %s, %s, 0)
                """,
                (tenant_id, spec.receipt_id, position, name),
            )
    return [spec.receipt_id for spec in receipts]


def demo_receipts(today: dt.date, tenant_id: uuid.UUID) -> list[ReceiptSpec]:
    """Processed demo receipts of the 12 months before ``today``'s month (fuel, supplies, lunches,
    software, a business dinner that is not deductible) and two of today: a Swedish hotel (foreign)
    and one that needs review."""
    templates = [
        ("Neste Espoo", "polttoaine", [("25.5", "64.00", "16.32", "80.32")]),
        ("K-Rauta Lommila", "tarvikkeet", [("25.5", "120.00", "30.60", "150.60")]),
        (
            "Ravintola Savoy",
            "edustus",
            [("25.5", "80.00", "20.40", "100.40"), ("14", "50.00", "7.00", "57.00")],
        ),
        ("Elisa Oyj", "puhelin_ja_internet", [("25.5", "39.84", "10.16", "50.00")]),
        ("Lounasravintola Pihka", "ravintola", [("14", "12.28", "1.72", "14.00")]),
        ("Verkkokauppa.com", "toimisto", [("25.5", "79.68", "20.32", "100.00")]),
    ]
    receipts: list[ReceiptSpec] = []
    for month in range(1, 13):
        index = today.year * 12 + today.month - 1 - month
        day = dt.date(index // 12, index % 12 + 1, 10)
        for offset, (merchant, category, rows) in enumerate(templates):
            vat = [VatLine(*_dated_rate(day, *row)) for row in rows]
            total = sum((Decimal(v.gross) for v in vat), Decimal(0))
            receipts.append(
                ReceiptSpec(
                    receipt_date=day + dt.timedelta(days=offset),
                    merchant=merchant,
                    total=str(total),
                    vat=vat,
                    category=category,
                    receipt_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-receipt:{tenant_id}:{day}:{offset}"),
                )
            )
    receipts.append(
        ReceiptSpec(
            receipt_date=today,
            merchant="Scandic Hotell Stockholm",
            total="1250.00",
            vat=[VatLine("12", "1116.07", "133.93", "1250.00")],
            business_id=None,
            country="SE",
            currency="SEK",
            category="majoitus",
            receipt_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-receipt:{tenant_id}:{today}:se"),
        )
    )
    receipts.append(
        ReceiptSpec(
            receipt_date=today,
            merchant="R-Kioski",
            total="8.90",
            status="needs_review",
            # What OCR read: the engine found no VAT rows, so the receipt waits for review (or for
            # a second reading through the model).
            ocr_text=(
                f"R-Kioski Kamppi\nY-tunnus 0737546-2\n{today.day}.{today.month}.{today.year} 08:12\n"
                "PUHELINLATURI 8,90\nYHTEENSÄ 8,90\nALV 25,5 % 7,09 1,81 8,90\nKORTTI 8,90\n"
            ),
            receipt_id=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-receipt:{tenant_id}:{today}:review"),
        )
    )
    return receipts


def _dated_rate(day: dt.date, rate: str, net: str, tax: str, gross: str) -> tuple[str, str, str, str]:
    """The reduced rate valid on ``day`` (14 % until 2025, 13.5 % from 2026), amounts recomputed."""
    if rate == "14" and day >= dt.date(2026, 1, 1):
        net_value = Decimal(gross) / Decimal("1.135")
        net_cents = net_value.quantize(Decimal("0.01"))
        return "13.5", str(net_cents), str(Decimal(gross) - net_cents), gross
    return rate, net, tax, gross

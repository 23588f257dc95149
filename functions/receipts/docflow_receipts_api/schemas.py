"""Request and response bodies of the receipts routes."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.http.pagination import PageParams
from docflow.http.types import Text

Status = Literal["pending", "processing", "processed", "needs_review", "failed"]
Money = Decimal
#: Largest amount a filter takes: ``numeric(14, 2)`` holds no more.
MAX_AMOUNT = Decimal("999999999999.99")


class UploadFileCreate(BaseModel):
    """One file the client is about to upload."""

    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, Text(min_length=1, max_length=255, plain=True, strip=False)]
    content_type: Annotated[str, Text(min_length=3, max_length=100, strip=False)]
    size_bytes: int = Field(gt=0, lt=2**63)
    sha256: Annotated[str, Text(max_length=64, strip=False, pattern=r"^[0-9a-fA-F]{64}$")] | None = None


class UploadsCreate(BaseModel):
    """``POST /uploads``: up to 20 files at once."""

    model_config = ConfigDict(extra="forbid")

    files: list[UploadFileCreate] = Field(min_length=1, max_length=20)


class PresignedUpload(BaseModel):
    """POST ``fields`` and then the file (as the last form field ``file``) to ``url``."""

    url: str
    fields: dict[str, str]
    expires_at: dt.datetime


class UploadPublic(BaseModel):
    """The pending receipt created for one file and how to upload it."""

    receipt_id: uuid.UUID
    filename: str
    status: Status
    upload: PresignedUpload
    duplicate_of: uuid.UUID | None = None


class UploadsPublic(BaseModel):
    """Every file's receipt, in request order."""

    uploads: list[UploadPublic]


class FieldPublic(BaseModel):
    """An extracted (or corrected) value and how sure DocFlow is of it."""

    value: Any
    confidence: float | None
    corrected: bool


class VatRowIn(BaseModel):
    """A corrected VAT row."""

    model_config = ConfigDict(extra="forbid")

    rate: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    net: Money = Field(max_digits=14, decimal_places=2)
    tax: Money = Field(max_digits=14, decimal_places=2)
    gross: Money = Field(max_digits=14, decimal_places=2)


class VatRowPublic(BaseModel):
    """One row of the VAT breakdown."""

    rate: Decimal
    net: Money
    tax: Money
    gross: Money
    confidence: float = Field(ge=0, le=1, description="how sure the reading is; 1 for a row a person entered")


class ItemPublic(BaseModel):
    """One purchased line."""

    name: str
    quantity: Decimal | None
    unit_price: Money | None
    amount: Money


class StatusChange(BaseModel):
    """One entry of the status history."""

    from_status: Status | None
    to_status: Status
    reason: str | None
    at: dt.datetime


class ReceiptSummary(BaseModel):
    """A receipt in lists."""

    id: uuid.UUID
    status: Status
    failure_reason: str | None
    original_filename: str
    merchant: str | None
    business_id: str | None
    receipt_date: dt.date | None
    total: Money | None
    currency: str
    category: str | None
    client_id: uuid.UUID | None
    confidence: float | None
    duplicate_of: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ReceiptPublic(ReceiptSummary):
    """A receipt with everything a reviewer needs."""

    content_type: str
    size_bytes: int
    fields: dict[str, FieldPublic]
    corrected_fields: list[str]
    vat_rows: list[VatRowPublic]
    items: list[ItemPublic]
    warnings: list[dict[str, str]]
    status_history: list[StatusChange]
    ocr_seconds: float | None
    processed_at: dt.datetime | None
    download_url: str | None


class ReceiptUpdate(BaseModel):
    """``PATCH``: the fields a person corrects. Each one sent is marked as corrected."""

    model_config = ConfigDict(extra="forbid")

    merchant: Annotated[str, Text(min_length=1, max_length=200, plain=True, strip=False)] | None = None
    business_id: Annotated[str, Text(max_length=20, strip=False)] | None = None
    date: dt.date | None = None
    total: Money | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    currency: Annotated[str, Text(max_length=3, strip=False, pattern=r"^[A-Z]{3}$")] | None = None
    category: Annotated[str, Text(min_length=1, max_length=100, strip=False)] | None = None
    client_id: uuid.UUID | None = None
    vat_rows: list[VatRowIn] | None = Field(default=None, max_length=10)


class ReceiptQuery(PageParams):
    """Filters and paging of the receipt list (every filter given must match)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    status: Status | None = None
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")
    merchant: Annotated[str, Text(min_length=1, max_length=100, strip=False)] | None = None
    category: Annotated[str, Text(min_length=1, max_length=100, strip=False)] | None = None
    min_total: Money | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    max_total: Money | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    q: Annotated[str, Text(min_length=2, max_length=200, strip=False)] | None = Field(
        default=None, description="words in the text"
    )


class ExportQuery(BaseModel):
    """The export's date range (receipt dates, inclusive) and format."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    export_format: Literal["csv", "csv-fi", "json"] = Field(default="csv-fi", alias="format")


class ReprocessPublic(BaseModel):
    """The receipt is queued for another reading."""

    id: uuid.UUID
    status: Status

"""Opaque keyset cursors for the receipt list (``created_at desc, id desc``)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid

from docflow.errors import Unprocessable


def encode_cursor(created_at: dt.datetime, receipt_id: uuid.UUID) -> str:
    """The cursor that continues after this row."""
    raw = f"{created_at.isoformat()}|{receipt_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    """The row a cursor points after; 422 for anything that is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, receipt_id = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return dt.datetime.fromisoformat(created), uuid.UUID(receipt_id)
    except (ValueError, UnicodeDecodeError):
        raise Unprocessable("invalid cursor") from None

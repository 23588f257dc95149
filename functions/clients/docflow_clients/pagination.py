"""Opaque cursors for keyset pagination over ``(name, id)``."""

from __future__ import annotations

import base64
import json
import uuid

from docflow.errors import Unprocessable


def encode_cursor(name: str, row_id: uuid.UUID) -> str:
    """The position after ``(name, id)``, as URL-safe text."""
    raw = json.dumps([name, str(row_id)], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> tuple[str, uuid.UUID]:
    """The position a cursor names; anything else is a 422."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, row_id = json.loads(raw)
        if not isinstance(name, str):
            raise TypeError("name")
        return name, uuid.UUID(str(row_id))
    except (ValueError, TypeError):
        raise Unprocessable("The cursor is not valid; start again without one") from None

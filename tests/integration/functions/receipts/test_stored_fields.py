"""A receipt's stored fields are shown as they are, even when a row was written by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.support.receipt_pipeline import Uploaded


def test_bare_stored_values_are_shown_without_confidence(
    client: TestClient,
    headers: Callable[..., dict[str, str]],
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Callable[..., Any],
) -> None:
    uploaded = upload(receipt_png)
    db(
        """update public.receipts
              set fields = '{"merchant": "Kahvila Canary", "total": {"value": "5.35", "confidence": 0.9}}'
            where id = %s""",
        uploaded.receipt_id,
    )
    response = client.get(f"/api/v1/receipts/{uploaded.receipt_id}", headers=headers())
    assert response.status_code == 200
    fields = response.json()["fields"]
    assert fields["merchant"] == {"value": "Kahvila Canary", "confidence": None, "corrected": False}
    assert fields["total"] == {"value": "5.35", "confidence": 0.9, "corrected": False}

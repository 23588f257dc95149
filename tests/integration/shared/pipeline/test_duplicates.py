"""The pipeline's duplicate step: a receipt already in the tenant's books is flagged for review."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from docflow.pipeline.runner import process_record
from docflow.receipts.models import Field
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.identifiers import random_ytunnus
from tests.support.ocr_corpus import encode
from tests.support.receipt_pipeline import FakeScan, Uploaded, final_state, fixed_reading, record_for

pytestmark = pytest.mark.db


@pytest.fixture
def own_business(fake_scan: FakeScan) -> FakeScan:
    """The counting fake, reading a Y-tunnus no other test's receipt has (no match by chance)."""
    business_id = Field(random_ytunnus(), 0.97)

    def read(data: bytes, **kwargs: Any) -> tuple[Any, Any]:
        receipt, result = fixed_reading(data)
        return dataclasses.replace(receipt, business_id=business_id), result

    fake_scan.real = read
    return fake_scan


def _other_png(receipt_image: Any) -> bytes:
    """The same picture with other bytes (a text chunk differs), as a second photo of one receipt."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", uuid.uuid4().hex)
    return encode(receipt_image, "PNG", pnginfo=info)


def test_the_same_bytes_twice_are_a_duplicate_of_the_first(
    upload: Callable[..., Uploaded], receipt_png: bytes, own_business: FakeScan, db: Callable[..., Any]
) -> None:
    """GIVEN a processed receipt WHEN its very bytes arrive again THEN the second links to the first."""
    first = upload(receipt_png)
    process_record(record_for(first.key))
    again = upload(receipt_png)
    process_record(record_for(again.key))
    assert final_state(db, first.receipt_id)["duplicate_of"] is None
    state = final_state(db, again.receipt_id)
    assert state["duplicate_of"] == first.receipt_id
    assert state["status"] == "needs_review"
    assert {"code": "duplicate", "receipt_id": str(first.receipt_id)}.items() <= state["warnings"][0].items()


def test_other_bytes_with_the_same_business_id_date_and_total_are_a_duplicate(
    upload: Callable[..., Uploaded],
    receipt_image: Any,
    own_business: FakeScan,
    db: Callable[..., Any],
) -> None:
    """GIVEN two photos of one receipt (other bytes, same Y-tunnus, date and total) THEN the second
    is a duplicate of the first."""
    read = own_business.real
    assert read is not None
    same = uuid.uuid4().bytes
    own_business.real = lambda data, **kwargs: read(same, **kwargs)
    first, second = upload(_other_png(receipt_image)), upload(_other_png(receipt_image))
    process_record(record_for(first.key))
    process_record(record_for(second.key))
    assert (
        final_state(db, first.receipt_id)["content_hash"]
        != final_state(db, second.receipt_id)["content_hash"]
    )
    state = final_state(db, second.receipt_id)
    assert state["duplicate_of"] == first.receipt_id
    assert state["status"] == "needs_review"


def test_a_receipt_of_another_total_or_another_tenant_is_no_duplicate(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    receipt_image: Any,
    own_business: FakeScan,
    db: Callable[..., Any],
) -> None:
    """GIVEN a processed receipt WHEN other bytes (another total) or the same bytes in another tenant
    arrive THEN neither is flagged."""
    first = upload(receipt_png)
    process_record(record_for(first.key))
    other_total = upload(_other_png(receipt_image))
    elsewhere = upload(receipt_png, tenant=TENANT_B)
    process_record(record_for(other_total.key))
    process_record(record_for(elsewhere.key))
    for receipt in (other_total, elsewhere):
        state = final_state(db, receipt.receipt_id)
        assert state["duplicate_of"] is None
        assert state["status"] == "processed"


def test_a_deleted_receipt_is_no_longer_the_original(
    upload: Callable[..., Uploaded], receipt_png: bytes, own_business: FakeScan, db: Callable[..., Any]
) -> None:
    """GIVEN a receipt that was deleted WHEN its bytes arrive again THEN the new one stands alone."""
    first = upload(receipt_png)
    process_record(record_for(first.key))
    db("update public.receipts set deleted_at = now() where id = %s", first.receipt_id)
    again = upload(receipt_png)
    process_record(record_for(again.key))
    assert final_state(db, again.receipt_id)["duplicate_of"] is None

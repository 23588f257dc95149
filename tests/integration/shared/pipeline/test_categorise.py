"""The store step applies the tenant's category rules to the receipt it stores, in its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from docflow.pipeline.runner import process_record
from tests.support.receipt_pipeline import TENANT_A, FakeScan, Uploaded, final_state, record_for

pytestmark = pytest.mark.db


@pytest.fixture
def rule(db: Callable[..., Any]) -> Iterator[uuid.UUID]:
    """A rule of the first demo tenant: merchants like the fake reading's go to ``tarvikkeet``."""
    (row,) = db(
        """
        insert into public.category_rules (tenant_id, category_id, match_kind, pattern)
        select tenant_id, id, 'merchant', 'k-market' from public.expense_categories
         where tenant_id = %s and code = 'tarvikkeet'
        returning id
        """,
        TENANT_A,
    )
    yield row["id"]
    db("delete from public.category_rules where id = %s", row["id"])


def test_a_stored_receipt_is_categorised_by_the_rules(
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Callable[..., Any],
    rule: uuid.UUID,
) -> None:
    uploaded = upload(receipt_png + uuid.uuid4().bytes)
    process_record(record_for(uploaded.key))
    assert final_state(db, uploaded.receipt_id)["status"] == "processed"
    (row,) = db("select category from public.receipts where id = %s", uploaded.receipt_id)
    assert row["category"] == "tarvikkeet"
    assert fake_scan.calls == 1
    assert rule

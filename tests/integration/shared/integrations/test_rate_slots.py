"""The per-integration request slots in PostgreSQL: 1.1 / rate apart across every caller, pushed back
by a request that left late."""

from __future__ import annotations

import itertools
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from docflow.integrations import calls

pytestmark = pytest.mark.db


def test_given_concurrent_callers_when_they_take_slots_then_each_is_spaced_by_the_rate(
    postgres: object,
) -> None:
    tenant = uuid.uuid4()
    with ThreadPoolExecutor(max_workers=4) as pool:
        waits = sorted(pool.map(lambda _: calls.take_slot(tenant, "notion", 3.0), range(8)))
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert waits[0] < 0.05
    assert all(gap > 0.3 for gap in gaps), gaps
    assert waits[-1] == pytest.approx(7 * 1.1 / 3, abs=0.1)


def test_given_a_late_request_when_pushed_then_the_next_slot_moves_back(postgres: object) -> None:
    tenant = uuid.uuid4()
    calls.take_slot(tenant, "notion", 3.0)
    calls.push_slots(tenant, "notion", 1.0)
    assert calls.take_slot(tenant, "notion", 3.0) == pytest.approx(1.1 / 3 + 1.0, abs=0.1)
    assert calls.take_slot(uuid.uuid4(), "notion", 3.0) < 0.05  # another tenant has its own slots

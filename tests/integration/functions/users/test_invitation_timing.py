"""Inviting an address that has an account takes as long as inviting a new one: the answer time does
not tell the inviter whether the address is registered (a ratio of medians, not absolute times)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from docflow_local.fake_supabase import FakeSupabaseAuth
from tests.support.tenants import Headers, Tenant

pytestmark = pytest.mark.db

ROUNDS = 5
#: What Supabase Auth spends creating a user and sending the e-mail, beyond answering "email_exists".
NEW_USER_SECONDS = 0.15
#: The floor under test (production: 1.0 s).
FLOOR = "0.4"


def _median_seconds(http: TestClient, headers: dict[str, str], emails: list[str]) -> tuple[float, list[int]]:
    seconds, statuses = [], []
    for email in emails:
        started = time.perf_counter()
        response = http.post("/api/users/invitations", json={"email": email}, headers=headers)
        seconds.append(time.perf_counter() - started)
        statuses.append(response.status_code)
    return statistics.median(seconds), statuses


def test_known_and_new_addresses_take_the_same_time(
    http: TestClient,
    make_tenant: Callable[..., Tenant],
    auth: Headers,
    fake_auth: FakeSupabaseAuth,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docflow_users.invitations import get_invitation_timing

    monkeypatch.setenv("INVITATIONS_DELIVERY_FLOOR_SECONDS", FLOOR)
    get_invitation_timing.cache_clear()
    invite = fake_auth.invite

    def slower_for_new_users(body: dict[str, Any], redirect_to: str | None) -> dict[str, Any]:
        known = str(body.get("email", "")).lower() in fake_auth.state.users or fake_auth._user_in_database(
            str(body.get("email", ""))
        )
        if not known:
            time.sleep(NEW_USER_SECONDS)
        return invite(body, redirect_to)

    monkeypatch.setattr(fake_auth, "invite", slower_for_new_users)
    inviter = make_tenant("owner")
    known = [make_tenant("owner").members["owner"].email for _ in range(ROUNDS)]
    new = [f"uusi-{uuid.uuid4().hex[:8]}@example.test" for _ in range(ROUNDS)]
    headers = auth(inviter, "owner")
    known_median, known_statuses = _median_seconds(http, headers, known)
    new_median, new_statuses = _median_seconds(http, headers, new)
    assert known_statuses == new_statuses == [201] * ROUNDS
    ratio = known_median / new_median
    assert 0.85 < ratio < 1.15, f"known {known_median:.3f} s, new {new_median:.3f} s"

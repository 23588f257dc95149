"""The send log and the after-commit send against the fake Resend: sent only after the commit, once per
idempotency key, never to a suppressed address, 429 and 5xx retried, other errors final."""

from __future__ import annotations

import itertools
import uuid

import psycopg
import pytest

from docflow.db import system_transaction
from docflow.db.after_commit import commit_hooks
from docflow.email.outbox import Recipient, queue
from docflow.email.templates import render
from docflow_local.fake_resend import FakeResend
from tests.support.email import sends
from tests.support.tenants import Tenant, create_tenant

pytestmark = pytest.mark.db


@pytest.fixture
def tenant(superuser_url: str) -> Tenant:
    return create_tenant(superuser_url, "owner")


def _queue(tenant: Tenant, entity: str, address: str | None = None, *, fail: bool = False) -> str | None:
    to = Recipient(None, address or tenant.members["owner"].email, "sv")
    message = render(
        "invitation", "sv", {"tenant": tenant.name, "inviter": "Maija", "url": "https://a.test/i"}
    )
    with commit_hooks() as hooks, system_transaction("tests.email", tenant_id=str(tenant.id)) as conn:
        key = queue(
            conn, hooks, tenant_id=tenant.id, kind="invitation", entity=entity, to=to, message=message
        )
        if fail:
            raise RuntimeError("the change rolls back")
    return key


def test_sent_after_commit_with_the_key_and_logged_without_body(
    tenant: Tenant, resend: FakeResend, superuser_url: str
) -> None:
    key = _queue(tenant, "inv-1")
    assert key == "invitation/inv-1/v2"
    mails = resend.sent_to(tenant.members["owner"].email)
    assert len(mails) == 1
    assert mails[0]["subject"] == f"Inbjudan till DocFlow: {tenant.name}"
    assert "Acceptera inbjudan" in mails[0]["html"]
    assert "Acceptera inbjudan" in mails[0]["text"]
    [row] = sends(superuser_url, tenant.id)
    assert (row["status"], row["provider_id"], row["locale"], row["attempts"]) == (
        "sent",
        mails[0]["id"],
        "sv",
        1,
    )
    assert set(row) >= {"recipient"}
    assert not {"subject", "html", "text", "body"} & set(row)


def test_nothing_is_sent_when_the_change_rolls_back(
    tenant: Tenant, resend: FakeResend, superuser_url: str
) -> None:
    with pytest.raises(RuntimeError):
        _queue(tenant, "inv-rollback", fail=True)
    assert resend.sent_to(tenant.members["owner"].email) == []
    assert sends(superuser_url, tenant.id) == []


def test_the_same_key_twice_mails_once(tenant: Tenant, resend: FakeResend) -> None:
    assert _queue(tenant, "inv-twice") is not None
    assert _queue(tenant, "inv-twice") is None
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1


def test_a_crash_after_the_send_before_the_log_update_never_mails_twice(
    tenant: Tenant, resend: FakeResend, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row stays pending; the rerun sends again under the same Idempotency-Key, which Resend
    answers with the first message's id."""
    from docflow.email import outbox

    real = outbox.deliver

    def crash_after_send(message: outbox.Outgoing) -> str:
        from docflow.email import client

        client.send(message)
        raise RuntimeError("the process died")

    monkeypatch.setattr(outbox, "deliver", crash_after_send)
    _queue(tenant, "inv-crash")
    assert sends(superuser_url, tenant.id)[0]["status"] == "pending"
    monkeypatch.setattr(outbox, "deliver", real)
    _queue(tenant, "inv-crash")
    mails = resend.sent_to(tenant.members["owner"].email)
    assert len(mails) == 1
    [row] = sends(superuser_url, tenant.id)
    assert (row["status"], row["provider_id"]) == ("sent", mails[0]["id"])


def test_a_suppressed_address_is_never_mailed(tenant: Tenant, resend: FakeResend, superuser_url: str) -> None:
    address = tenant.members["owner"].email
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.email_suppressions (tenant_id, address, reason) values (%s, %s, 'bounced')",
            (tenant.id, address.upper().lower()),
        )
    assert _queue(tenant, "inv-suppressed", address.upper()) is None
    assert resend.sent_to(address.upper()) == []
    assert sends(superuser_url, tenant.id)[0]["status"] == "suppressed"


def test_429_and_500_are_retried(tenant: Tenant, resend: FakeResend, superuser_url: str) -> None:
    resend.fail_next("429", "500", "html")
    _queue(tenant, "inv-retry")
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1
    assert sends(superuser_url, tenant.id)[0]["status"] == "sent"


def test_retries_are_bounded(tenant: Tenant, resend: FakeResend, superuser_url: str) -> None:
    resend.fail_next("500", "500", "500", "500", "500")
    _queue(tenant, "inv-down")
    assert resend.sent_to(tenant.members["owner"].email) == []
    [row] = sends(superuser_url, tenant.id)
    assert (row["status"], row["attempts"], row["error_code"]) == ("failed", 4, "500:internal_server_error")
    resend.state.faults.clear()


def test_a_validation_error_is_final(tenant: Tenant, resend: FakeResend, superuser_url: str) -> None:
    before = len(resend.state.requests)
    _queue(tenant, "inv-invalid", "not-an-address")
    assert len(resend.state.requests) == before + 1
    [row] = sends(superuser_url, tenant.id)
    assert (row["status"], row["error_code"]) == ("failed", "422:validation_error")


def test_a_slow_resend_is_waited_for(tenant: Tenant, resend: FakeResend) -> None:
    resend.latency_seconds = 0.3
    _queue(tenant, "inv-slow")
    assert len(resend.sent_to(tenant.members["owner"].email)) == 1


def test_a_hanging_resend_is_given_up_within_the_send_budget(
    tenant: Tenant, resend: FakeResend, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt times out; no retry starts that could end past ``EMAIL_SEND_BUDGET_SECONDS``, so
    the request that mails after its commit answers within its function's timeout."""
    import time

    from docflow.email.settings import get_email_settings

    monkeypatch.setenv("RESEND_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("EMAIL_SEND_BUDGET_SECONDS", "3")
    get_email_settings.cache_clear()
    resend.latency_seconds = 3.0
    try:
        started = time.monotonic()
        _queue(tenant, "inv-hang")
        elapsed = time.monotonic() - started
    finally:
        monkeypatch.undo()
        get_email_settings.cache_clear()
    [row] = sends(superuser_url, tenant.id)
    assert (row["status"], row["attempts"]) == ("failed", 2)  # 1 s, 0.5 s, 1 s fit 3 s; a third not
    assert elapsed < 3


def test_at_the_real_rate_limit_every_message_goes_out_once(
    tenant: Tenant, resend: FakeResend, superuser_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve messages at Resend's 5 requests per second: the shared send slots pace them (the run
    takes at least 11 slot gaps), and a 429 that jitter still provokes is honoured with its retry-after:
    every message goes out exactly once."""
    import time

    from docflow.email.settings import reset_email_settings

    monkeypatch.setattr("docflow.email.client._sleep", time.sleep)
    monkeypatch.setenv("EMAIL_RATE_PER_SECOND", "5")
    reset_email_settings()
    resend.rate_per_second = 5
    limited = resend.state.rate_limited
    started = time.monotonic()
    try:
        for index in range(12):
            _queue(tenant, f"inv-rate-{index}")
    finally:
        monkeypatch.undo()
        reset_email_settings()
    elapsed = time.monotonic() - started
    assert len(resend.sent_to(tenant.members["owner"].email)) == 12
    assert [row["status"] for row in sends(superuser_url, tenant.id)] == ["sent"] * 12
    print(f"\n429 answered while paced: {resend.state.rate_limited - limited}")
    assert elapsed >= 11 * 1.1 / 5 - 0.1


def test_send_slots_are_shared_and_spaced(postgres: object) -> None:
    """Concurrent takers get slots 1/rate apart, whatever instance asks."""
    from concurrent.futures import ThreadPoolExecutor

    def take(_: int) -> float:
        with system_transaction("tests.pace") as conn:
            row = conn.execute("select app_private.email_take_send_slot(10) as wait").fetchone()
        return float(row["wait"]) if row else -1.0

    with ThreadPoolExecutor(5) as pool:
        waits = sorted(pool.map(take, range(10)))
    assert waits[-1] >= 0.8
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert min(gaps) > 0.05


def test_rls_owners_see_their_log_members_do_not(
    tenant: Tenant, resend: FakeResend, superuser_url: str
) -> None:
    from psycopg.rows import dict_row

    from docflow.config import get_settings
    from docflow.db import set_request_claims

    _queue(tenant, "inv-rls")
    other = create_tenant(superuser_url, "owner", "member")

    def count(user: uuid.UUID, tenant_id: uuid.UUID) -> int:
        with psycopg.connect(get_settings().database_url, row_factory=dict_row) as conn:
            set_request_claims(
                conn,
                {"sub": str(user), "role": "authenticated", "tenant_id": str(tenant_id)},
                role="authenticated",
            )
            row = conn.execute("select count(*) as n from public.email_sends").fetchone()
            conn.rollback()
            return int(row["n"]) if row else -1

    assert count(tenant.members["owner"].user_id, tenant.id) == 1
    assert count(other.members["owner"].user_id, tenant.id) == 0
    assert count(other.members["member"].user_id, other.id) == 0

"""Billing notices by e-mail: a failed payment mails each owner in their locale, once per Stripe event."""

from __future__ import annotations

import psycopg
import pytest

from docflow.billing.notify import Notice
from docflow.email.notices import email_notice
from docflow_local.fake_resend import FakeResend
from tests.support.email import sends
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db


def test_payment_failed_mails_each_owner_once_per_event(superuser_url: str, resend: FakeResend) -> None:
    tenant = create_tenant(superuser_url, "owner", "owner2", "admin")
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.profiles (user_id, locale) values (%s, 'en')",
            (tenant.members["owner2"].user_id,),
        )
    owners = [tenant.members["owner"].user_id, tenant.members["owner2"].user_id]
    for _ in range(2):  # the event delivered twice
        email_notice(Notice.PAYMENT_FAILED, tenant.id, owners, "evt_1PaymentFailed")
    [fi] = resend.sent_to(tenant.members["owner"].email)
    [en] = resend.sent_to(tenant.members["owner2"].email)
    assert fi["subject"] == f"Maksu epäonnistui: {tenant.name}"
    assert en["subject"] == f"Payment failed: {tenant.name}"
    assert resend.sent_to(tenant.members["admin"].email) == []
    assert (
        sorted(row["idempotency_key"].split(":")[0] for row in sends(superuser_url, tenant.id))
        == ["payment_failed/evt_1PaymentFailed"] * 2
    )
    email_notice(Notice.PAYMENT_FAILED, tenant.id, owners, "evt_2PaymentFailedAgain")
    assert len(resend.sent_to(tenant.members["owner"].email)) == 2


def test_notices_without_a_template_are_only_logged(superuser_url: str, resend: FakeResend) -> None:
    tenant = create_tenant(superuser_url, "owner")
    email_notice(Notice.TRIAL_WILL_END, tenant.id, [tenant.members["owner"].user_id], "evt_3Trial")
    assert resend.sent_to(tenant.members["owner"].email) == []
    assert sends(superuser_url, tenant.id) == []

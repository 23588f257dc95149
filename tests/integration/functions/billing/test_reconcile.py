"""The daily reconciliation repairs tenants whose webhooks never arrived or whose stored state drifted,
leaves the others alone, and is idempotent."""

from __future__ import annotations

import json

import psycopg
import pytest

from docflow.billing.plans import Plan, price_id
from docflow_local.fake_stripe import FakeStripe
from docflow_local.lambda_context import LocalLambdaContext
from tests.support.billing import stored, subscribe
from tests.support.tenants import create_tenant

pytestmark = pytest.mark.db


def test_missed_webhooks_are_repaired_once(
    fake: FakeStripe, superuser_url: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow_billing.handler import handler

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the local stack turns EMF off

    missed = create_tenant(superuser_url, "owner", paid=False)
    drifted = create_tenant(superuser_url, "owner", paid=False)
    subscription, _ = subscribe(fake, missed.id, Plan.PRO)
    other, _ = subscribe(fake, drifted.id, Plan.ACCOUNTANT)
    fake.update_subscription(other, cancel_at_period_end=True)
    with psycopg.connect(superuser_url) as conn:
        conn.execute(
            "insert into public.billing_subscriptions (tenant_id, stripe_subscription_id, status, price_id,"
            " synced_at) values (%s, %s, 'past_due', %s, now() - interval '1 day')",
            (drifted.id, other, price_id(Plan.ACCOUNTANT)),
        )

    capfd.readouterr()
    first = handler({"docflow_job": "billing.reconcile"}, LocalLambdaContext("billing"))
    assert first["repaired"] >= 2
    # The repairs leave the invocation as an EMF record on stdout, not buffered for a later one.
    flushed = [json.loads(line) for line in capfd.readouterr().out.splitlines() if '"_aws"' in line]
    assert [record["BillingSubscriptionsRepaired"] for record in flushed] == [[first["repaired"]]]
    row = stored(superuser_url, missed.id)
    assert row is not None
    assert (row["stripe_subscription_id"], row["status"], row["price_id"]) == (
        subscription,
        "active",
        price_id(Plan.PRO),
    )
    row = stored(superuser_url, drifted.id)
    assert row is not None
    assert (row["status"], row["cancel_at_period_end"]) == ("active", True)

    second = handler({"docflow_job": "billing.reconcile"}, LocalLambdaContext("billing"))
    assert second["repaired"] == 0
    assert second["checked"] == first["checked"]


def test_stripe_unavailable_fails_the_run_and_changes_nothing(fake: FakeStripe, superuser_url: str) -> None:
    from docflow.billing.reconcile import reconcile
    from docflow.errors import ServiceUnavailable

    tenant = create_tenant(superuser_url, "owner", paid=False)
    subscribe(fake, tenant.id)
    fake.fail_next("500", "500", "500")
    with pytest.raises(ServiceUnavailable):
        reconcile()
    assert stored(superuser_url, tenant.id) is None

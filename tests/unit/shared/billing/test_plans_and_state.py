"""Plans, prices and the plan in force for each stored subscription state (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from docflow.billing.entitlements import SubscriptionState, allows
from docflow.billing.plans import LIMITS, Limit, Plan, plan_for_price, price_id

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
PRO = price_id(Plan.PRO)


def test_every_paid_plan_has_its_own_price_and_maps_back() -> None:
    assert {plan_for_price(price_id(plan)) for plan in (Plan.PRO, Plan.ACCOUNTANT)} == {
        Plan.PRO,
        Plan.ACCOUNTANT,
    }
    assert price_id(Plan.PRO) != price_id(Plan.ACCOUNTANT)
    with pytest.raises(ValueError, match="free"):
        price_id(Plan.FREE)


def test_an_unknown_price_gives_the_free_plan() -> None:
    assert plan_for_price("price_somethingelse") is Plan.FREE
    assert plan_for_price(None) is Plan.FREE


def test_limits_grow_with_the_plan() -> None:
    for limit in Limit:
        assert LIMITS[Plan.FREE].of(limit) < LIMITS[Plan.PRO].of(limit) < LIMITS[Plan.ACCOUNTANT].of(limit)


@pytest.mark.parametrize(
    ("status", "grace", "plan"),
    [
        ("active", None, Plan.PRO),
        ("trialing", None, Plan.PRO),
        ("past_due", timedelta(seconds=1), Plan.PRO),
        ("past_due", timedelta(0), Plan.FREE),
        ("past_due", None, Plan.FREE),
        ("canceled", None, Plan.FREE),
        ("unpaid", None, Plan.FREE),
        ("incomplete", None, Plan.FREE),
        ("paused", None, Plan.FREE),
        ("none", None, Plan.FREE),
    ],
)
def test_the_plan_in_force_follows_the_status(status: str, grace: timedelta | None, plan: Plan) -> None:
    state = SubscriptionState(
        status=status, price_id=PRO, grace_until=NOW + grace if grace is not None else None
    )
    assert state.plan(NOW) is plan


def test_a_tenant_without_a_subscription_is_on_the_free_plan() -> None:
    assert SubscriptionState().plan(NOW) is Plan.FREE
    assert not SubscriptionState().has_customer


@pytest.mark.parametrize(
    ("used", "adding", "expected"), [(19, 1, True), (20, 1, False), (18, 2, True), (18, 3, False)]
)
def test_allows_counts_what_is_added(used: int, adding: int, expected: bool) -> None:
    assert allows(SubscriptionState(), Limit.RECEIPTS_PER_MONTH, used, adding) is expected

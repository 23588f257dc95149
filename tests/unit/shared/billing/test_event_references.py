"""What each handled event type points at: the subscription to re-read, the customer, the tenant."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from docflow.billing.events import HANDLED_TYPES, references
from docflow.billing.store import StripeSubscription

TENANT = uuid.uuid4()


def _event(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"id": "evt_1", "type": kind, "created": 1, "data": {"object": obj}}


def test_checkout_names_the_tenant_by_client_reference_id() -> None:
    refs = references(
        _event(
            "checkout.session.completed",
            {"client_reference_id": str(TENANT), "subscription": "sub_1", "customer": "cus_1"},
        )
    )
    assert (refs.subscription, refs.customer, refs.tenant) == ("sub_1", "cus_1", TENANT)


@pytest.mark.parametrize("kind", sorted(t for t in HANDLED_TYPES if t.startswith("customer.subscription.")))
def test_subscription_events_name_themselves(kind: str) -> None:
    refs = references(
        _event(kind, {"id": "sub_2", "customer": {"id": "cus_2"}, "metadata": {"tenant_id": str(TENANT)}})
    )
    assert (refs.subscription, refs.customer, refs.tenant) == ("sub_2", "cus_2", TENANT)


@pytest.mark.parametrize("kind", sorted(t for t in HANDLED_TYPES if t.startswith("invoice.")))
def test_invoices_name_their_subscription_in_the_parent_or_the_old_field(kind: str) -> None:
    new = {"customer": "cus_3", "parent": {"subscription_details": {"subscription": "sub_3", "metadata": {}}}}
    old = {"customer": "cus_3", "subscription": "sub_3"}
    assert references(_event(kind, new)).subscription == references(_event(kind, old)).subscription == "sub_3"


def test_a_tenant_id_that_is_not_a_uuid_names_no_tenant() -> None:
    refs = references(_event("checkout.session.completed", {"client_reference_id": "'; drop table x; --"}))
    assert refs.tenant is None


def test_the_period_end_is_read_from_the_item_or_the_subscription() -> None:
    base = {"id": "sub_4", "customer": "cus_4", "status": "active", "metadata": {}}
    on_item = StripeSubscription.from_api(
        {**base, "items": {"data": [{"current_period_end": 1800000000, "price": {"id": "price_x"}}]}}
    )
    on_subscription = StripeSubscription.from_api(
        {**base, "current_period_end": 1800000000, "items": {"data": []}}
    )
    assert on_item.current_period_end == on_subscription.current_period_end
    assert on_item.current_period_end is not None
    assert (on_item.price_id, on_subscription.price_id) == ("price_x", None)

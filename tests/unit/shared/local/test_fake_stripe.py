"""The local fake of Stripe speaks Stripe's API as the SDK expects it: form decoding, keys, the error
object, idempotency keys, list pagination, signatures the SDK verifies, and objects shaped like Stripe's
published example objects (``shared/data/specs/stripe/fixtures3.json`` next to the repository)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from docflow_local.fake_stripe import API_VERSION, FakeStripe, decode_form
from tests.support.paths import REPO_ROOT

KEY = "sk_test_unitfakekey"
SECRET = "whsec_unitfakewebhooksecret"


def _specs_dir() -> Path | None:
    candidates = [os.environ.get("DOCFLOW_STRIPE_SPECS", "")] + [
        str(parent / "shared" / "data" / "specs" / "stripe") for parent in REPO_ROOT.parents
    ]
    return next((Path(c) for c in candidates if c and (Path(c) / "fixtures3.json").exists()), None)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeStripe]:
    with FakeStripe(api_key=KEY, webhook_secret=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def api(fake: FakeStripe) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {KEY}", "Stripe-Version": API_VERSION}
    with httpx.Client(base_url=fake.url, headers=headers, timeout=5) as client:
        yield client


def _checkout(api: httpx.Client, **extra: str) -> httpx.Response:
    form = {
        "mode": "subscription",
        "line_items[0][price]": "price_docflow_pro",
        "line_items[0][quantity]": "1",
        "client_reference_id": "tenant-1",
        "automatic_tax[enabled]": "true",
        "subscription_data[metadata][tenant_id]": "tenant-1",
        **extra,
    }
    return api.post("/v1/checkout/sessions", data=form)


def test_form_encoding_decodes_to_nested_objects_and_lists() -> None:
    body = "a[0][b]=1&a[1][b]=2&m[k]=v&flag=true&empty="
    assert decode_form(body) == {"a": [{"b": "1"}, {"b": "2"}], "m": {"k": "v"}, "flag": "true", "empty": ""}


def test_a_wrong_key_gets_stripes_error_object(fake: FakeStripe) -> None:
    response = httpx.get(f"{fake.url}/v1/subscriptions", headers={"Authorization": "Bearer sk_test_wrong"})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert response.headers["request-id"].startswith("req_")


def test_an_unknown_object_is_404_resource_missing(api: httpx.Client) -> None:
    error = api.get("/v1/subscriptions/sub_missing").json()["error"]
    assert (error["code"], error["param"]) == ("resource_missing", "id")


def test_idempotency_keys_replay_and_refuse_other_parameters(api: httpx.Client, fake: FakeStripe) -> None:
    first = api.post("/v1/customers", data={"name": "A"}, headers={"Idempotency-Key": "k-1"})
    again = api.post("/v1/customers", data={"name": "A"}, headers={"Idempotency-Key": "k-1"})
    assert first.json()["id"] == again.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    other = api.post("/v1/customers", data={"name": "B"}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 400
    assert other.json()["error"]["type"] == "idempotency_error"


def test_subscriptions_list_pages_with_starting_after(api: httpx.Client, fake: FakeStripe) -> None:
    for _ in range(3):
        fake.complete_checkout(_checkout(api).json()["id"])
    seen: list[str] = []
    after: dict[str, str] = {}
    while True:
        page = api.get("/v1/subscriptions", params={"limit": 2, "status": "all", **after}).json()
        assert page["object"] == "list"
        assert len(page["data"]) <= 2
        seen += [s["id"] for s in page["data"]]
        if not page["has_more"]:
            break
        after = {"starting_after": page["data"][-1]["id"]}
    assert len(seen) == len(set(seen)) == len(fake.state.subscriptions)
    assert api.get("/v1/subscriptions", params={"limit": 101}).status_code == 400


@pytest.mark.parametrize(("fault", "status"), [("429", 429), ("500", 500), ("redirect", 302)])
def test_faults_answer_as_asked_once(api: httpx.Client, fake: FakeStripe, fault: str, status: int) -> None:
    fake.fail_next(fault)
    assert api.get("/v1/subscriptions").status_code == status
    assert api.get("/v1/subscriptions").status_code == 200


def test_events_are_signed_so_the_sdk_accepts_them(api: httpx.Client, fake: FakeStripe) -> None:
    import stripe

    fake.complete_checkout(_checkout(api).json()["id"])
    body, header = fake.signed(fake.state.events[-1])
    event = stripe.Webhook.construct_event(body, header, SECRET, tolerance=300)
    assert event["type"] == "invoice.paid"
    stale_body, stale = fake.signed(fake.state.events[-1], timestamp=int(time.time()) - 301)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale_body, stale, SECRET, tolerance=300)


def _kind(value: object) -> str:
    """The JSON type of a value (integers and decimals are both numbers)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _objects(api: httpx.Client, fake: FakeStripe) -> dict[str, list[dict[str, Any]]]:
    customer = api.post(
        "/v1/customers", data={"tax_id_data[0][type]": "eu_vat", "tax_id_data[0][value]": "FI01120389"}
    ).json()
    session = _checkout(api, customer=customer["id"]).json()
    portal = api.post(
        "/v1/billing_portal/sessions", data={"customer": customer["id"], "return_url": "https://x.test"}
    )
    before = len(fake.state.events)
    subscription = fake.complete_checkout(session["id"])
    fake.update_subscription(subscription, status="past_due")
    events = fake.state.events[before:]
    by_type: dict[str, list[dict[str, Any]]] = {
        "event": events,
        "customer": [customer],
        "billing_portal.session": [portal.json()],
    }
    for event in events:
        obj = event["data"]["object"]
        by_type.setdefault(obj["object"], []).append(obj)
        for item in obj.get("items", {}).get("data", []):
            by_type.setdefault("subscription_item", []).append(item)
            by_type.setdefault("price", []).append(item["price"])
    for tax_id in customer["tax_ids"]["data"]:
        by_type.setdefault("tax_id", []).append(tax_id)
    return by_type


def test_objects_and_events_have_the_shape_of_stripes_example_objects(
    api: httpx.Client, fake: FakeStripe
) -> None:
    specs = _specs_dir()
    if specs is None:
        pytest.skip("Stripe's example objects (shared/data/specs/stripe) are not next to the repository")
    examples = json.loads((specs / "fixtures3.json").read_text())["resources"]
    #: Fields the fake adds that the example objects lack, with the reason.
    allowed_extra = {"customer": {"tax_ids"}}  # expandable on customers (expand[]=tax_ids)
    objects = _objects(api, fake)
    assert set(objects) >= {
        "event",
        "customer",
        "checkout.session",
        "billing_portal.session",
        "subscription",
        "invoice",
    }
    for kind, found in objects.items():
        example = examples[kind]
        for obj in found:
            unknown = set(obj) - set(example) - allowed_extra.get(kind, set())
            assert unknown == set(), f"{kind}: {sorted(unknown)}"
            assert obj["object"] == example["object"]
            mismatched = [
                key
                for key, value in obj.items()
                if key in example
                and None not in (value, example[key])
                and _kind(value) != _kind(example[key])
            ]
            assert mismatched == [], f"{kind}: {mismatched}"
    assert set(objects["event"][0]) == set(examples["event"])

"""The Linear webhook's envelope checks, before any tenant is looked up."""

from __future__ import annotations

import json
import time

import pytest

from docflow.integrations.linear_webhook import InvalidLinearWebhook, parse, sign

GOOD = {"linear-delivery": "8f0c7e6a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "linear-signature": "a" * 64}


def _body(**fields: object) -> bytes:
    return json.dumps(
        {"type": "Issue", "organizationId": "org", "webhookTimestamp": int(time.time() * 1000), **fields}
    ).encode()


def test_given_a_timely_delivery_then_its_id_and_body() -> None:
    delivery, body = parse(_body(), GOOD, tolerance=60)
    assert delivery == GOOD["linear-delivery"]
    assert body["organizationId"] == "org"


@pytest.mark.parametrize("age", [61, -61])
def test_given_a_delivery_outside_60_seconds_either_way_then_refused(age: int) -> None:
    stamp = int((time.time() - age) * 1000)
    with pytest.raises(InvalidLinearWebhook):
        parse(_body(webhookTimestamp=stamp), GOOD, tolerance=60)


@pytest.mark.parametrize(
    ("payload", "headers"),
    [
        (b"not json", GOOD),
        (b"[]", GOOD),
        (json.dumps({"organizationId": "org"}).encode(), GOOD),
        (json.dumps({"webhookTimestamp": True, "organizationId": "org"}).encode(), GOOD),
        (_body(organizationId=None), GOOD),
        (_body(), {**GOOD, "linear-signature": "A" * 63}),
        (_body(), {**GOOD, "linear-delivery": "x" * 101}),
        (_body(), {"linear-signature": "a" * 64}),
    ],
)
def test_given_a_malformed_delivery_then_refused_without_the_expected_value(
    payload: bytes, headers: dict[str, str]
) -> None:
    with pytest.raises(InvalidLinearWebhook) as caught:
        parse(payload, headers, tolerance=60)
    assert "a" * 64 not in caught.value.detail


def test_the_signature_is_hex_hmac_sha256_of_the_raw_body() -> None:
    assert sign("secret", b"{}") == "77325902caca812dc259733aacd046b73817372c777b8d95b402647474516e13"

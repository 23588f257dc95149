"""The Standard Webhooks (Svix) signature of Resend's deliveries."""

from __future__ import annotations

import base64
import json

import pytest

from docflow.email.webhook import InvalidWebhook, configured_secrets, sign, verify

SECRET = "whsec_" + base64.b64encode(b"first-secret-of-the-tests").decode()
OTHER = "whsec_" + base64.b64encode(b"second-secret-of-the-tests").decode()
NOW = 1_795_770_000
BODY = json.dumps({"type": "email.delivered", "data": {"email_id": "e-1"}}).encode()


def _headers(
    body: bytes = BODY, *, secret: str = SECRET, stamp: int = NOW, svix_id: str = "msg_1"
) -> dict[str, str]:
    key = configured_secrets(secret)[0]
    return {
        "svix-id": svix_id,
        "svix-timestamp": str(stamp),
        "svix-signature": sign(key, svix_id, stamp, body),
    }


def _verify(body: bytes, headers: dict[str, str], secrets: str = SECRET) -> tuple[str, dict[str, object]]:
    return verify(body, headers, configured_secrets(secrets), tolerance=300, now=NOW)


def test_valid_delivery_is_accepted() -> None:
    svix_id, event = _verify(BODY, _headers())
    assert svix_id == "msg_1"
    assert event["type"] == "email.delivered"


def test_wrong_secret_is_refused() -> None:
    with pytest.raises(InvalidWebhook):
        _verify(BODY, _headers(secret=OTHER))


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_or_future_timestamp_is_refused(offset: int) -> None:
    with pytest.raises(InvalidWebhook, match="tolerance"):
        _verify(BODY, _headers(stamp=NOW + offset))


@pytest.mark.parametrize("offset", [-300, 300])
def test_timestamp_at_the_tolerance_is_accepted(offset: int) -> None:
    assert _verify(BODY, _headers(stamp=NOW + offset))[0] == "msg_1"


def test_tampered_body_is_refused() -> None:
    headers = _headers()
    with pytest.raises(InvalidWebhook):
        _verify(BODY.replace(b"e-1", b"e-2"), headers)


def test_re_serialised_json_is_refused() -> None:
    """The signature covers the raw bytes: the same JSON formatted differently does not match."""
    headers = _headers()
    with pytest.raises(InvalidWebhook):
        _verify(json.dumps(json.loads(BODY), indent=2).encode(), headers)


def test_changed_svix_id_is_refused() -> None:
    headers = _headers()
    headers["svix-id"] = "msg_2"
    with pytest.raises(InvalidWebhook):
        _verify(BODY, headers)


def test_several_signatures_during_rotation() -> None:
    """The header lists one signature per secret; one match with a configured secret is enough."""
    old, new = _headers(secret=OTHER), _headers(secret=SECRET)
    both = {**new, "svix-signature": f"{old['svix-signature']} {new['svix-signature']}"}
    assert _verify(BODY, both)[0] == "msg_1"
    assert _verify(BODY, both, secrets=f"{OTHER},{SECRET}")[0] == "msg_1"
    only_old = {**new, "svix-signature": old["svix-signature"]}
    assert _verify(BODY, only_old, secrets=f"{SECRET},{OTHER}")[0] == "msg_1"
    with pytest.raises(InvalidWebhook):
        _verify(BODY, only_old, secrets=SECRET)


@pytest.mark.parametrize("missing", ["svix-id", "svix-timestamp", "svix-signature"])
def test_missing_header_is_refused(missing: str) -> None:
    headers = _headers()
    del headers[missing]
    with pytest.raises(InvalidWebhook, match="required"):
        _verify(BODY, headers)


@pytest.mark.parametrize(
    ("name", "value"),
    [("svix-timestamp", "12ab"), ("svix-signature", "v1," + "A" * 2000), ("svix-id", "msg 1;drop")],
)
def test_malformed_headers_are_refused(name: str, value: str) -> None:
    with pytest.raises(InvalidWebhook):
        _verify(BODY, {**_headers(), name: value})


def test_signature_without_v1_prefix_is_refused() -> None:
    headers = _headers()
    headers["svix-signature"] = headers["svix-signature"].removeprefix("v1,")
    with pytest.raises(InvalidWebhook):
        _verify(BODY, headers)


def test_signed_body_that_is_not_an_event_is_refused() -> None:
    body = b"[1, 2]"
    with pytest.raises(InvalidWebhook, match="Resend event"):
        _verify(body, _headers(body))


def test_the_error_never_tells_the_expected_signature() -> None:
    headers = _headers(secret=OTHER)
    expected = _headers()["svix-signature"]
    with pytest.raises(InvalidWebhook) as caught:
        _verify(BODY, headers)
    assert expected.split(",", 1)[1] not in str(caught.value)


def test_secret_must_be_base64() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        configured_secrets("whsec_not base64!!")
    with pytest.raises(ValueError, match="empty"):
        configured_secrets(" , ")

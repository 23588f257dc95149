"""The ``Stripe-Signature`` check (the SDK's, plus the future-timestamp bound), without a database."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

import pytest

from docflow.billing.signatures import TOLERANCE_SECONDS, BadSignature, configured_secrets, verify_event

SECRET = "whsec_unitsecretforsignatures"
OTHER = "whsec_anothersecretforrotation"
BODY = json.dumps({"id": "evt_1", "object": "event", "type": "invoice.paid"}).encode()


def _v1(secret: str, moment: int, body: bytes = BODY) -> str:
    return hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()


def _header(secret: str, moment: int | None = None) -> str:
    moment = int(time.time()) if moment is None else moment
    return f"t={moment},v1={_v1(secret, moment)}"


def test_a_valid_signature_gives_the_event() -> None:
    assert verify_event(BODY, _header(SECRET), [SECRET])["id"] == "evt_1"


def test_any_configured_secret_may_have_signed_it() -> None:
    assert verify_event(BODY, _header(OTHER), [SECRET, OTHER])["id"] == "evt_1"


def test_one_of_several_v1_signatures_is_enough() -> None:
    moment = int(time.time())
    header = f"t={moment},v1={_v1(OTHER, moment)},v1={_v1(SECRET, moment)}"
    assert verify_event(BODY, header, [SECRET])["id"] == "evt_1"


#: Bad headers, built when the test runs (a timestamp taken at collection would age meanwhile).
BAD_HEADERS: dict[str, Callable[[], str | None]] = {
    "none": lambda: None,
    "empty": lambda: "",
    "no-timestamp": lambda: "v1=abc",
    "bad-timestamp": lambda: "t=notanumber,v1=abc",
    "wrong-secret": lambda: _header(OTHER),
    "stale": lambda: _header(SECRET, int(time.time()) - TOLERANCE_SECONDS - 60),
    "future": lambda: _header(SECRET, int(time.time()) + TOLERANCE_SECONDS + 60),
    "huge": lambda: "t=1," + "v1=a," * 1000,
}


@pytest.mark.parametrize("case", sorted(BAD_HEADERS))
def test_bad_headers_are_refused(case: str) -> None:
    header = BAD_HEADERS[case]()
    with pytest.raises(BadSignature):
        verify_event(BODY, header, [SECRET])


def test_a_changed_body_is_refused() -> None:
    with pytest.raises(BadSignature):
        verify_event(BODY.replace(b"paid", b"void"), _header(SECRET), [SECRET])


def test_a_signed_body_that_is_not_json_is_refused() -> None:
    moment = int(time.time())
    body = b"not json"
    with pytest.raises(BadSignature):
        verify_event(body, f"t={moment},v1={_v1(SECRET, moment, body)}", [SECRET])


def test_secrets_are_read_comma_separated() -> None:
    assert configured_secrets(f" {SECRET} ,{OTHER},") == [SECRET, OTHER]

"""scrub_mapping: nested structures, sensitive keys, no mutation, cycles and depth."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from docflow.pii import REDACTED, is_sensitive_key, scrub_mapping
from docflow.pii.mapping import CYCLE, MAX_DEPTH, TRUNCATED


def test_given_nested_payload_when_scrubbed_then_every_string_is_scrubbed() -> None:
    payload = {
        "user": {"contact": ["matti@example.fi", ("puh", "040 123 4567")]},
        "notes": {"IBAN FI21 1234 5600 0007 85"},
        "frozen": frozenset({"hetu 131052-308T"}),
        "count": 3,
        "ratio": 0.5,
        "ok": True,
        "missing": None,
        "when": datetime.date(2024, 3, 15),
    }
    assert scrub_mapping(payload) == {
        "user": {"contact": ["[EMAIL]", ("puh", "[PHONE]")]},
        "notes": {"IBAN [IBAN]"},
        "frozen": frozenset({"hetu [HETU]"}),
        "count": 3,
        "ratio": 0.5,
        "ok": True,
        "missing": None,
        "when": datetime.date(2024, 3, 15),
    }


@pytest.mark.parametrize(
    "key",
    [
        "authorization",
        "Authorization",
        "cookie",
        "Set-Cookie",
        "set_cookie",
        "password",
        "PASSWD",
        "secret",
        "token",
        "access_token",
        "refresh-token",
        "api_key",
        "ApiKey",
        "X-Api-Key",
        "x_api_key",
        "client_secret",
        "Stripe-Signature",
        "svix-signature",
        "Linear-Signature",
        "session",
        "iban",
        "hetu",
        "SSN",
        "card_number",
        "card-number",
        "csrf_token",
        "stripe_webhook_secret",
    ],
)
def test_given_sensitive_key_when_scrubbed_then_value_redacted_whatever_its_type(key: str) -> None:
    assert is_sensitive_key(key)
    assert scrub_mapping({key: "plain-looking-value"}) == {key: REDACTED}
    assert scrub_mapping({key: {"nested": 1}}) == {key: REDACTED}
    assert scrub_mapping({key: 12345}) == {key: 12345}


@pytest.mark.parametrize(
    "key", ["level", "tenant_id", "token_count", "max_tokens", "s3_key", "idempotency_key", 7]
)
def test_given_ordinary_key_when_checked_then_not_sensitive(key: object) -> None:
    assert not is_sensitive_key(key)


def test_given_payload_when_scrubbed_then_input_not_mutated() -> None:
    payload: dict[str, Any] = {"a": ["matti@example.fi", {"password": "x"}], "b": {"c": "040 123 4567"}}
    before = copy.deepcopy(payload)
    result = scrub_mapping(payload)
    assert payload == before
    assert result is not payload
    assert result["a"] is not payload["a"]


def test_given_cyclic_structure_when_scrubbed_then_cycle_marked_and_no_recursion_error() -> None:
    payload: dict[str, Any] = {"email": "matti@example.fi"}
    payload["self"] = payload
    items: list[Any] = ["040 123 4567"]
    items.append(items)
    assert scrub_mapping(payload) == {"email": "[EMAIL]", "self": CYCLE}
    assert scrub_mapping(items) == ["[PHONE]", CYCLE]


def test_given_shared_but_acyclic_value_when_scrubbed_then_both_copies_scrubbed() -> None:
    shared = {"email": "matti@example.fi"}
    assert scrub_mapping({"a": shared, "b": shared}) == {"a": {"email": "[EMAIL]"}, "b": {"email": "[EMAIL]"}}


def test_given_very_deep_structure_when_scrubbed_then_truncated_at_max_depth() -> None:
    deep: Any = "matti@example.fi"
    for _ in range(MAX_DEPTH + 10):
        deep = [deep]
    result = scrub_mapping(deep)
    depth = 0
    while isinstance(result, list):
        result = result[0]
        depth += 1
    assert result == TRUNCATED
    assert depth == MAX_DEPTH


def test_given_bytes_values_when_scrubbed_then_bytes_scrubbed_and_type_kept() -> None:
    assert scrub_mapping({"body": b"to matti@example.fi"}) == {"body": b"to [EMAIL]"}
    assert scrub_mapping([bytearray(b"040 123 4567")]) == [b"[PHONE]"]


def test_given_unknown_object_when_scrubbed_then_rendered_and_scrubbed() -> None:
    class Customer:
        def __str__(self) -> str:
            return "Customer(email=matti@example.fi)"

    assert scrub_mapping({"customer": Customer()}) == {"customer": "Customer(email=[EMAIL])"}
    assert scrub_mapping(ValueError("bad hetu 131052-308T")) == "bad hetu [HETU]"


def test_given_personal_data_in_keys_when_scrubbed_then_keys_scrubbed_without_losing_values() -> None:
    result = scrub_mapping({"matti@example.fi": 1, "liisa@example.fi": 2, 3: "x"})
    assert sorted(value for value in result.values() if isinstance(value, int)) == [1, 2]
    assert all("example.fi" not in str(key) for key in result)
    assert result[3] == "x"


def test_given_keep_keys_when_scrubbed_then_those_top_level_values_untouched() -> None:
    record = {"service": "matti@example.fi", "message": "matti@example.fi", "nested": {"service": "a@b.fi"}}
    assert scrub_mapping(record, keep={"service"}) == {
        "service": "matti@example.fi",
        "message": "[EMAIL]",
        "nested": {"service": "[EMAIL]"},
    }

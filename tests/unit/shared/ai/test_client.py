"""The official SDK against the local fake of the model API: structured outputs, errors, retries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from docflow.ai.client import AiNotConfigured, complete_json, is_configured, reset_client
from docflow.errors import ServiceUnavailable, UpstreamError
from docflow_local.fake_openai import FakeOpenAI

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["category"],
    "properties": {"category": {"type": "string", "enum": ["polttoaine", "muut"]}},
}


@pytest.fixture
def fake(openai_fake: Any) -> Iterator[FakeOpenAI]:
    openai_fake.reset()
    reset_client()
    yield openai_fake
    openai_fake.reset()


def ask(text: str = "<receipt>\nmerchant: Neste Espoo\n</receipt>") -> Any:
    return complete_json(system="choose", user=text, schema_name="receipt_category", schema=SCHEMA)


def test_structured_output_round_trip(fake: FakeOpenAI) -> None:
    completion = ask()
    assert completion.data == {"category": "polttoaine"}
    assert completion.tokens > 0
    body = fake.requests[-1]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA
    assert [m["role"] for m in body["messages"]] == ["system", "user"]


def test_malformed_json_is_no_data(fake: FakeOpenAI) -> None:
    fake.reply_next('{"category": "polttoaine"', "[1, 2]")
    assert ask().data is None
    assert ask().data is None


def test_429_is_retried_after_retry_after(fake: FakeOpenAI) -> None:
    fake.fail_next(429)
    assert ask().data == {"category": "polttoaine"}
    assert len(fake.requests) == 1  # the refused request never reached the model


def test_persistent_429_is_503(fake: FakeOpenAI) -> None:
    fake.fail_next(429, 429, 429)
    with pytest.raises(ServiceUnavailable):
        ask()


def test_persistent_5xx_is_503_after_bounded_retries(fake: FakeOpenAI) -> None:
    fake.fail_next(500, 502, 503, 200)  # 200 is not a fault code: it must never be reached
    with pytest.raises(ServiceUnavailable):
        ask()


def test_a_hanging_model_is_given_up_within_the_call_budget(
    fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt times out; no retry runs past ``AI_CALL_BUDGET_SECONDS``, so the route answers
    its 503 within its function's timeout (29 s) even when the model hangs."""
    import time

    from docflow.ai.settings import reset_ai_settings

    monkeypatch.setenv("AI_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("AI_CALL_BUDGET_SECONDS", "1.8")
    reset_ai_settings()
    reset_client()
    fake.latency_seconds = 3.0
    try:
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable):
            ask()
        elapsed = time.monotonic() - started
    finally:
        fake.latency_seconds = 0.0
        monkeypatch.undo()
        reset_ai_settings()
        reset_client()
    assert elapsed < 2.2  # without the budget: three attempts of 1 s and their backoff


def test_a_refused_key_is_502(fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> None:
    from docflow.config import reset_settings

    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    reset_settings()
    reset_client()
    try:
        with pytest.raises(UpstreamError):
            ask()
    finally:
        monkeypatch.undo()
        reset_settings()
        reset_client()


def test_without_a_key_it_is_not_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from docflow.config import reset_settings

    monkeypatch.setenv("OPENAI_API_KEY", "")
    reset_settings()
    reset_client()
    try:
        assert not is_configured()
        with pytest.raises(AiNotConfigured) as caught:
            ask()
        assert caught.value.status == 503
    finally:
        monkeypatch.undo()
        reset_settings()
        reset_client()


def test_the_fake_answers_the_documented_error_object(fake: FakeOpenAI) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        fake.url + "/chat/completions", data=json.dumps({"model": "m"}).encode(), method="POST"
    )
    request.add_header("Authorization", f"Bearer {fake.api_key}")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    error = json.loads(caught.value.read())["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["param"] == "messages"


def test_the_sdk_never_logs_prompts(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    with caplog.at_level(logging.DEBUG):
        ask("<receipt>\nmerchant: Canaryshop Zq7\n</receipt>")
    assert "Canaryshop" not in caplog.text

"""One provider request: within the rate slot, 429 and 5xx retried with backoff (``Retry-After``
winning), permanent errors and over-long waits raised at once."""

from __future__ import annotations

import uuid

import pytest

from docflow.integrations import calls
from docflow.integrations.errors import ProviderError
from docflow.integrations.settings import reset_integrations_settings


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(calls, "sleep", waits.append)
    monkeypatch.setattr(calls, "take_slot", lambda *_: 0.25)
    monkeypatch.setenv("INTEGRATIONS_BACKOFF_BASE_SECONDS", "0.5")
    monkeypatch.setenv("INTEGRATIONS_BACKOFF_MAX_SECONDS", "8")
    monkeypatch.setenv("INTEGRATIONS_MAX_ATTEMPTS", "4")
    reset_integrations_settings()
    yield waits
    reset_integrations_settings()


def _failing(*errors: ProviderError) -> object:
    queue = list(errors)

    def request() -> str:
        if queue:
            raise queue.pop(0)
        return "ok"

    return request


def _error(*, transient: bool, after: float | None = None) -> ProviderError:
    return ProviderError("x", provider="notion", upstream="u", transient=transient, retry_after=after)


def test_given_transient_errors_when_called_then_retried_with_backoff_and_retry_after(
    slept: list[float],
) -> None:
    request = _failing(_error(transient=True), _error(transient=True, after=3.0))
    assert calls.call(uuid.uuid4(), "notion", 3, request) == "ok"  # type: ignore[arg-type]
    assert slept == [0.25, 0.5, 0.25, 3.0, 0.25]


def test_given_a_permanent_error_then_raised_without_retry(slept: list[float]) -> None:
    with pytest.raises(ProviderError):
        calls.call(uuid.uuid4(), "notion", 3, _failing(_error(transient=False)))  # type: ignore[arg-type]
    assert slept == [0.25]


def test_given_a_retry_after_beyond_the_cap_then_the_queue_retries_instead(slept: list[float]) -> None:
    with pytest.raises(ProviderError):
        calls.call(uuid.uuid4(), "notion", 3, _failing(_error(transient=True, after=60)))  # type: ignore[arg-type]
    assert slept == [0.25]


def test_given_errors_past_the_attempts_then_the_last_is_raised(slept: list[float]) -> None:
    request = _failing(*[_error(transient=True)] * 5)
    with pytest.raises(ProviderError):
        calls.call(uuid.uuid4(), "notion", 3, request)  # type: ignore[arg-type]
    assert len(slept) == 4 + 3


@pytest.mark.parametrize(
    ("value", "seconds"), [("2", 2.0), (" 0.5 ", 0.5), ("", None), ("Wed, 21 Oct", None), ("-1", None)]
)
def test_retry_after_values(value: str, seconds: float | None) -> None:
    assert calls.retry_after(value) == seconds

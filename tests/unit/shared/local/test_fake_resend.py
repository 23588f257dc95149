"""The fake Resend answers as Resend documents: through the official SDK and raw HTTP."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from docflow_local.fake_resend import FakeResend

KEY = "re_unit_test_key"
MAIL = {"from": "DocFlow <noreply@docflow.test>", "to": ["a@example.test"], "subject": "Hi", "text": "Hello"}


@pytest.fixture
def fake() -> Iterator[FakeResend]:
    with FakeResend(api_key=KEY, rate_per_second=5) as server:
        yield server


def _post(
    fake: FakeResend, body: dict[str, Any], *, key: str | None = None, auth: str = KEY
) -> tuple[int, dict[str, Any], Any]:
    headers = {"Authorization": f"Bearer {auth}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(f"{fake.url}/emails", json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), error.headers


def test_the_sdk_sends_and_reads_back(fake: FakeResend) -> None:
    import resend

    resend.api_key, resend.api_url = KEY, fake.url
    answer = resend.Emails.send(MAIL)  # type: ignore[arg-type]
    assert fake.state.emails[answer["id"]]["subject"] == "Hi"
    assert resend.Emails.get(answer["id"])["to"] == ["a@example.test"]


def test_the_sdk_raises_resends_error_types(fake: FakeResend) -> None:
    import resend

    resend.api_key, resend.api_url = "re_wrong", fake.url
    with pytest.raises(resend.exceptions.ResendError) as caught:
        resend.Emails.send(MAIL)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.error_type) == (403, "invalid_api_key")
    resend.api_key = KEY
    with pytest.raises(resend.exceptions.ResendError) as missing:
        resend.Emails.send({**MAIL, "subject": ""})  # type: ignore[arg-type]
    assert (missing.value.code, missing.value.error_type) == (422, "missing_required_field")


def test_error_object_and_rate_limit_headers(fake: FakeResend) -> None:
    status, body, headers = _post(fake, {**MAIL, "to": "nobody"})
    assert status == 422
    assert body == {"statusCode": 422, "message": "Invalid `to` field.", "name": "validation_error"}
    assert headers["ratelimit-limit"] == "5"
    statuses = [_post(fake, MAIL)[0] for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    status, body, headers = _post(fake, MAIL)
    assert (status, body["name"]) == (429, "rate_limit_exceeded")
    assert headers["ratelimit-remaining"] == "0"
    assert int(headers["retry-after"]) >= 1


def test_idempotency_key_replays_and_refuses_other_payloads(fake: FakeResend) -> None:
    first = _post(fake, MAIL, key="invitation/x/v1")
    again = _post(fake, MAIL, key="invitation/x/v1")
    assert first[0] == again[0] == 200
    assert first[1] == again[1]
    assert len(fake.state.sent) == 1
    other = _post(fake, {**MAIL, "subject": "Other"}, key="invitation/x/v1")
    assert (other[0], other[1]["name"]) == (409, "invalid_idempotent_request")
    too_long = _post(fake, MAIL, key="k" * 257)
    assert too_long[0] == 400


def test_concurrent_requests_with_one_key_send_once(fake: FakeResend) -> None:
    fake.rate_per_second = 100
    fake.latency_seconds = 0.05
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(_post(fake, MAIL, key="k/1/v1")[0])) for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake.state.sent) == 1
    assert set(results) <= {200, 409}


def test_faults(fake: FakeResend) -> None:
    fake.fail_next("500", "429")
    assert _post(fake, MAIL)[1]["name"] == "internal_server_error"
    assert _post(fake, MAIL)[0] == 429
    assert _post(fake, MAIL)[0] == 200

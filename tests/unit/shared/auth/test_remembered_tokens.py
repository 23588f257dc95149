"""GIVEN a token the verifier accepted WHEN the same token comes again THEN it is answered from memory,
but never past the token's expiry or the life of the key that verified it, and within a bounded size."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest

from docflow.auth import TokenVerifier
from docflow.auth import verifier as verifier_module
from docflow.config import Settings
from docflow.errors import Unauthorized
from tests.support.auth_fakes import JWT_SECRET, FakeClock, RecordingFetcher
from tests.support.forged_tokens import SigningKeys, valid_claims, valid_token


class CountingDecodes:
    """Counts the verifier's full signature checks."""

    def __init__(self, verifier: TokenVerifier, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        decode = verifier._decode

        def counted(*args: Any) -> dict[str, Any]:
            self.count += 1
            return decode(*args)

        monkeypatch.setattr(verifier, "_decode", counted)


@pytest.mark.parametrize("algorithm", ["HS256", "ES256"])
def test_a_token_seen_before_skips_the_signature_check(
    verifier: TokenVerifier,
    settings: Settings,
    keys: SigningKeys,
    monkeypatch: pytest.MonkeyPatch,
    algorithm: str,
) -> None:
    decodes = CountingDecodes(verifier, monkeypatch)
    token = valid_token(settings, keys, algorithm=algorithm)
    first = verifier.verify(token)
    assert verifier.verify(token) is first
    assert decodes.count == 1


def test_a_remembered_token_goes_through_the_full_check_again_once_it_expires(
    verifier: TokenVerifier, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = CountingDecodes(verifier, monkeypatch)
    now = int(time.time())
    token = jwt.encode(valid_claims(settings, exp=now + 60, iat=now), JWT_SECRET)
    verifier.verify(token)
    verifier.verify(token)
    assert decodes.count == 1
    # WHEN the verifier's clock reaches the token's exp
    monkeypatch.setattr(time, "time", lambda: float(now + 60))
    # THEN the memory no longer answers for it: the full check runs (and decides, with its leeway)
    verifier.verify(token)
    assert decodes.count == 2


def test_a_token_whose_key_left_the_key_set_is_refused_after_the_refresh(
    verifier: TokenVerifier,
    settings: Settings,
    keys: SigningKeys,
    fetcher: RecordingFetcher,
    clock: FakeClock,
) -> None:
    token = valid_token(settings, keys, algorithm="ES256")
    assert verifier.verify(token)
    # WHEN the project rotates the key out and the cached key set expires
    remaining = [key for key in keys.jwks()["keys"] if key["kid"] != keys.es_kid]
    fetcher.body = json.dumps({"keys": remaining}).encode()
    clock.advance(settings.jwks_cache_ttl_seconds + 1)
    # THEN the remembered token is no longer accepted
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_a_refused_token_is_never_remembered(
    verifier: TokenVerifier, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    decodes = CountingDecodes(verifier, monkeypatch)
    token = jwt.encode(valid_claims(settings), "another-secret-that-is-long-enough-0123")
    for _ in range(2):
        with pytest.raises(Unauthorized):
            verifier.verify(token)
    assert decodes.count == 2


def test_the_memory_holds_at_most_its_limit_and_forgets_the_oldest_first(
    verifier: TokenVerifier, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verifier_module, "MAX_REMEMBERED_TOKENS", 3)
    decodes = CountingDecodes(verifier, monkeypatch)
    tokens = [jwt.encode(valid_claims(settings, session_id=str(n)), JWT_SECRET) for n in range(4)]
    for token in tokens:
        verifier.verify(token)
    assert decodes.count == 4
    verifier.verify(tokens[3])  # still remembered
    assert decodes.count == 4
    verifier.verify(tokens[0])  # forgotten when the fourth came
    assert decodes.count == 5

"""Whether a verification can run on the event loop: only when it cannot fetch the key set."""

from __future__ import annotations

import jwt
import pytest

from docflow.auth import JwksCache, TokenVerifier
from docflow.config import Settings
from docflow.errors import Unauthorized
from tests.support.auth_fakes import JWT_SECRET, FakeClock, RecordingFetcher, make_settings
from tests.support.forged_tokens import SigningKeys, valid_claims, valid_token


def test_a_key_set_is_fresh_once_fetched_and_until_its_ttl(
    jwks: JwksCache, keys: SigningKeys, clock: FakeClock, settings: Settings
) -> None:
    assert not jwks.is_fresh()
    jwks.get(keys.es_kid)
    assert jwks.is_fresh()
    clock.advance(settings.jwks_cache_ttl_seconds - 1)
    assert jwks.is_fresh()
    clock.advance(1)
    assert not jwks.is_fresh()


def test_a_failed_first_fetch_leaves_the_set_stale(settings: Settings, keys: SigningKeys) -> None:
    def failing(url: str, timeout: float, max_bytes: int) -> bytes:
        raise OSError("unreachable")

    jwks = JwksCache.from_settings(settings, fetcher=failing)
    assert jwks.get(keys.es_kid) is None
    assert not jwks.is_fresh()


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_an_asymmetric_token_needs_the_key_set_until_it_is_loaded(
    settings: Settings, jwks: JwksCache, keys: SigningKeys, fetcher: RecordingFetcher, algorithm: str
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    token = valid_token(settings, keys, algorithm=algorithm)
    assert not verifier.verifies_offline(token)
    verifier.verify(token)
    assert len(fetcher.calls) == 1
    assert verifier.verifies_offline(token)


def test_a_remembered_asymmetric_token_needs_the_set_again_once_it_expires(
    settings: Settings, jwks: JwksCache, keys: SigningKeys, clock: FakeClock
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    token = valid_token(settings, keys, algorithm="ES256")
    verifier.verify(token)
    clock.advance(settings.jwks_cache_ttl_seconds)
    assert not verifier.verifies_offline(token)


def test_an_hs256_token_without_kid_never_needs_the_key_set(
    settings: Settings, jwks: JwksCache, fetcher: RecordingFetcher
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    token = valid_token(settings)
    assert verifier.verifies_offline(token)
    verifier.verify(token)  # first time: the full check
    assert verifier.verifies_offline(token)
    verifier.verify(token)  # then from memory
    assert fetcher.calls == []


def test_an_hs256_token_naming_a_kid_needs_the_key_set(
    settings: Settings, jwks: JwksCache, fetcher: RecordingFetcher
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    token = jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256", headers={"kid": "legacy"})
    assert not verifier.verifies_offline(token)
    verifier.verify(token)  # the kid is looked up in the set first: a fetch
    assert len(fetcher.calls) == 1


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "%%%.e30.sig"])
def test_a_token_refused_before_any_key_lookup_is_checked_offline(
    settings: Settings, jwks: JwksCache, fetcher: RecordingFetcher, token: str
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    assert verifier.verifies_offline(token)
    with pytest.raises(Unauthorized):
        verifier.verify(token)
    assert fetcher.calls == []


def test_a_verifier_without_a_key_set_is_always_offline(keys: SigningKeys) -> None:
    settings = make_settings(supabase_auth_enabled=False)
    verifier = TokenVerifier(settings)
    assert verifier.verifies_offline(valid_token(settings, keys, algorithm="ES256"))

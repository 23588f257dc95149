"""Whether a verification can run on the event loop: only when it needs no network."""

from __future__ import annotations

from docflow.auth import JwksCache, TokenVerifier
from docflow.config import Settings
from tests.support.auth_fakes import FakeClock, RecordingFetcher, make_settings
from tests.support.forged_tokens import SigningKeys


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


def test_the_verifier_is_ready_when_its_keys_are(
    settings: Settings, jwks: JwksCache, keys: SigningKeys, fetcher: RecordingFetcher
) -> None:
    verifier = TokenVerifier(settings, jwks=jwks)
    assert not verifier.keys_ready()
    jwks.get(keys.es_kid)
    assert verifier.keys_ready()
    assert len(fetcher.calls) == 1


def test_a_verifier_without_a_key_set_is_always_ready() -> None:
    verifier = TokenVerifier(make_settings(supabase_auth_enabled=False))
    assert verifier.keys_ready()

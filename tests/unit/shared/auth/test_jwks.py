"""GIVEN a Supabase JWKS endpoint WHEN keys are looked up THEN fetches are bounded, cached, outage-proof."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from docflow.auth import JwksCache
from docflow.auth.jwks import MAX_KID_LENGTH, JwksError, fetch_jwks, parse_jwks
from docflow.config import Settings
from tests.support.auth_fakes import FakeClock, RecordingFetcher
from tests.support.forged_tokens import SigningKeys
from tests.support.jwks_server import serve_jwks


def ec_jwk(curve: ec.EllipticCurve | None = None, **extra: Any) -> dict[str, Any]:
    public_key = ec.generate_private_key(curve or ec.SECP256R1()).public_key()
    jwk = ECAlgorithm.to_jwk(public_key, as_dict=True)
    return {**jwk, "kid": "ec", **extra}


def document(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"keys": list(entries)}).encode()


class TestParsing:
    def test_published_ec_and_rsa_keys_are_loaded_with_their_algorithm(self, keys: SigningKeys) -> None:
        parsed = parse_jwks(json.dumps(keys.jwks()).encode())
        assert {kid: key.algorithm for kid, key in parsed.items()} == {
            keys.es_kid: "ES256",
            keys.rsa_kid: "RS256",
        }

    def test_a_key_without_alg_gets_the_algorithm_of_its_type(self) -> None:
        jwk = ec_jwk()
        assert "alg" not in jwk
        assert parse_jwks(document(jwk))["ec"].algorithm == "ES256"

    @pytest.mark.parametrize(
        ("name", "entry"),
        [
            ("symmetric oct key", {"kty": "oct", "kid": "ec", "k": "c2VjcmV0", "alg": "HS256"}),
            (
                "OKP key",
                {
                    "kty": "OKP",
                    "kid": "ec",
                    "crv": "Ed25519",
                    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
                },
            ),
            ("EC P-384 key", ec_jwk(ec.SECP384R1())),
            ("EC key announced as RS256", ec_jwk(alg="RS256")),
            ("EC key announced as HS256", ec_jwk(alg="HS256")),
            ("encryption key", ec_jwk(use="enc")),
            ("key_ops without verify", ec_jwk(key_ops=["sign"])),
            ("private key material", ec_jwk(d="AAAA")),
            ("kid missing", {k: v for k, v in ec_jwk().items() if k != "kid"}),
            ("kid not a string", ec_jwk(kid=5)),
            ("kid too long", ec_jwk(kid="k" * (MAX_KID_LENGTH + 1))),
            ("point not on the curve", ec_jwk(x="AAAA", y="AAAA")),
            (
                "RSA 1024-bit key",
                {
                    **RSAAlgorithm.to_jwk(
                        rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key(),  # noqa: S505 - refused on purpose
                        as_dict=True,
                    ),
                    "kid": "ec",
                },
            ),
        ],
        ids=lambda value: value if isinstance(value, str) else "",
    )
    def test_unusable_entries_are_ignored(self, name: str, entry: dict[str, Any]) -> None:
        assert parse_jwks(document(entry, ec_jwk(kid="good"))).keys() == {"good"}

    def test_a_kid_listed_twice_is_dropped_as_ambiguous(self) -> None:
        assert parse_jwks(document(ec_jwk(kid="twice"), ec_jwk(kid="twice"), ec_jwk(kid="once"))).keys() == {
            "once"
        }

    def test_an_empty_key_set_is_valid(self) -> None:
        assert parse_jwks(b'{"keys": []}') == {}

    @pytest.mark.parametrize("body", [b"not json", b"[]", b'{"keys": {}}', b"{}"])
    def test_a_body_that_is_not_a_key_set_is_an_error(self, body: bytes) -> None:
        with pytest.raises(JwksError):
            parse_jwks(body)


class TestCaching:
    def test_first_lookup_fetches_and_later_lookups_use_the_cache(
        self, jwks: JwksCache, fetcher: RecordingFetcher, keys: SigningKeys, settings: Settings
    ) -> None:
        assert jwks.get(keys.es_kid) is not None
        assert jwks.get(keys.rsa_kid) is not None
        assert jwks.get(keys.es_kid) is not None
        assert fetcher.calls == [settings.jwks_url]

    def test_expired_cache_is_refetched(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        jwks.get(keys.es_kid)
        clock.advance(settings.jwks_cache_ttl_seconds - 1)
        jwks.get(keys.es_kid)
        assert len(fetcher.calls) == 1
        clock.advance(1)
        jwks.get(keys.es_kid)
        assert len(fetcher.calls) == 2

    def test_rotated_key_is_found_after_the_cooldown(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        jwks.get(keys.es_kid)
        fetcher.body = document(ec_jwk(kid="new-key"))
        assert jwks.get("new-key") is None
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        assert jwks.get("new-key") is not None
        assert jwks.get(keys.es_kid) is None

    def test_random_kid_storm_costs_at_most_one_fetch_per_cooldown(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        jwks.get(keys.es_kid)
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        for number in range(100):
            assert jwks.get(f"random-{number}") is None
            clock.advance(0.25)
        assert len(fetcher.calls) == 2
        assert jwks.fetch_count == 2

    def test_outage_keeps_serving_the_stale_keys(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        jwks.get(keys.es_kid)
        fetcher.failing = True
        clock.advance(settings.jwks_cache_ttl_seconds + 1)
        for _ in range(10):
            assert jwks.get(keys.es_kid) is not None
        assert len(fetcher.calls) == 2, "a failed refresh is retried only after the cooldown"
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        assert jwks.get(keys.es_kid) is not None
        assert len(fetcher.calls) == 3

    def test_cold_start_outage_finds_no_key_and_retries_after_the_cooldown(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        fetcher.failing = True
        assert jwks.get(keys.es_kid) is None
        assert jwks.get(keys.es_kid) is None
        assert len(fetcher.calls) == 1
        fetcher.failing = False
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        assert jwks.get(keys.es_kid) is not None

    def test_a_malformed_refresh_keeps_the_previous_keys(
        self,
        jwks: JwksCache,
        fetcher: RecordingFetcher,
        clock: FakeClock,
        keys: SigningKeys,
        settings: Settings,
    ) -> None:
        jwks.get(keys.es_kid)
        fetcher.body = b"<html>maintenance</html>"
        clock.advance(settings.jwks_cache_ttl_seconds)
        assert jwks.get(keys.es_kid) is not None
        assert len(fetcher.calls) == 2

    def test_lookup_without_unknown_kid_refetch_only_loads_and_refreshes(
        self, jwks: JwksCache, fetcher: RecordingFetcher, clock: FakeClock, settings: Settings
    ) -> None:
        """GIVEN refetch_unknown=False WHEN kids are missing THEN only the first load and the TTL fetch."""
        assert jwks.get("legacy-hs256-kid", refetch_unknown=False) is None
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        assert jwks.get("legacy-hs256-kid", refetch_unknown=False) is None
        assert len(fetcher.calls) == 1
        clock.advance(settings.jwks_cache_ttl_seconds)
        jwks.get("legacy-hs256-kid", refetch_unknown=False)
        assert len(fetcher.calls) == 2

    def test_concurrent_lookups_share_one_fetch(self, keys: SigningKeys) -> None:
        """GIVEN a slow endpoint WHEN eight threads ask for a kid at once THEN one fetch serves them all."""
        body = json.dumps(keys.jwks()).encode()
        release = threading.Event()
        calls: list[str] = []

        def slow_fetcher(url: str, timeout_seconds: float, max_bytes: int) -> bytes:
            calls.append(url)
            release.wait(timeout=5)
            return body

        cache = JwksCache("https://example.invalid/jwks.json", fetcher=slow_fetcher)
        results: list[object] = []
        threads = [threading.Thread(target=lambda: results.append(cache.get(keys.es_kid))) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.05)
        release.set()
        for thread in threads:
            thread.join(timeout=5)
        assert len(calls) == 1
        assert len(results) == 8
        assert all(result is not None for result in results)


class TestOverHttp:
    def test_keys_are_fetched_from_a_real_endpoint(self, keys: SigningKeys) -> None:
        with serve_jwks(keys.jwks()) as server:
            cache = JwksCache(server.url, timeout_seconds=2)
            key = cache.get(keys.rsa_kid)
            assert key is not None
            assert key.algorithm == "RS256"
            assert server.request_count == 1

    def test_a_server_slower_than_the_timeout_is_abandoned_within_the_timeout(
        self, keys: SigningKeys
    ) -> None:
        with serve_jwks(keys.jwks(), delay_seconds=5) as server:
            cache = JwksCache(server.url, timeout_seconds=0.3)
            started = time.monotonic()
            assert cache.get(keys.es_kid) is None
            elapsed = time.monotonic() - started
        assert elapsed < 2, f"the JWKS fetch took {elapsed:.2f}s despite a 0.3 s timeout"
        assert cache.fetch_count == 1

    def test_an_error_status_is_a_failed_fetch(self, keys: SigningKeys) -> None:
        with serve_jwks(keys.jwks()) as server:
            server.status = 503
            with pytest.raises(OSError, match="503"):
                fetch_jwks(server.url, 2, 65_536)
            assert JwksCache(server.url).get(keys.es_kid) is None

    def test_a_body_over_the_size_cap_is_refused(self, keys: SigningKeys) -> None:
        with serve_jwks(keys.jwks()) as server, pytest.raises(JwksError, match="too large"):
            fetch_jwks(server.url, 2, 200)

    @pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/jwks.json", "/auth/v1/jwks"])
    def test_only_http_urls_are_fetched(self, url: str) -> None:
        with pytest.raises(JwksError, match="http"):
            fetch_jwks(url, 1, 1024)

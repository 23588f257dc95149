"""GIVEN an access token WHEN the verifier checks it THEN only genuine Supabase user tokens pass."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import uuid
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from docflow.auth import JwksCache, TokenVerifier, get_verifier, reset_verifier
from docflow.auth.jwks import MAX_KID_LENGTH
from docflow.auth.verifier import FORBIDDEN_HEADER_PARAMETERS
from docflow.config import Settings, reset_settings
from docflow.errors import Unauthorized
from tests.support.auth_fakes import (
    JWT_SECRET,
    SUPABASE_URL,
    FakeClock,
    RecordingFetcher,
    make_settings,
)
from tests.support.forged_tokens import (
    FORGED_USER_ID,
    SigningKeys,
    forged_tokens,
    signing_keys,
    valid_claims,
    valid_token,
)
from tests.support.jwks_server import serve_jwks

CORPUS = forged_tokens(make_settings(), es_private_key=signing_keys().es_private_key)
CORPUS_WITHOUT_SECRET = forged_tokens(make_settings(jwt_secret=None))
GENERIC_DETAILS = {"invalid token", "token expired"}


def _accepts(verifier: TokenVerifier, token: str) -> bool:
    """Whether the verifier accepts the token; any exception other than Unauthorized propagates."""
    try:
        verifier.verify(token)
    except Unauthorized:
        return False
    return True


def rejection_reason(verifier: TokenVerifier, token: str, caplog: pytest.LogCaptureFixture) -> str:
    """Why the verifier refused the token, as it logs it (the client only ever sees a generic 401)."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="docflow.auth.verifier"), pytest.raises(Unauthorized):
        verifier.verify(token)
    reasons = [
        r.getMessage().removeprefix("access token rejected: ")
        for r in caplog.records
        if r.getMessage().startswith("access token rejected: ")
    ]
    assert len(reasons) == 1, reasons
    return reasons[0]


def assert_refused(verifier: TokenVerifier, token: str) -> Unauthorized:
    """The token is refused with a generic 401 that does not echo it."""
    with pytest.raises(Unauthorized) as raised:
        verifier.verify(token)
    error = raised.value
    assert error.detail in GENERIC_DETAILS
    if token:
        assert token not in str(error.args) + str(error.headers) + str(error.extra)
    assert error.__cause__ is None
    return error


class TestGenuineTokens:
    @pytest.mark.parametrize("algorithm", ["HS256", "ES256", "RS256"])
    def test_each_supported_algorithm_verifies(
        self, verifier: TokenVerifier, settings: Settings, keys: SigningKeys, algorithm: str
    ) -> None:
        principal = verifier.verify(valid_token(settings, keys, algorithm=algorithm, email="a@b.fi"))
        assert principal.user_id == uuid.UUID(FORGED_USER_ID)
        assert principal.email == "a@b.fi"
        assert principal.role == "authenticated"

    def test_verified_claims_are_kept_for_the_database_session(
        self, verifier: TokenVerifier, settings: Settings, keys: SigningKeys
    ) -> None:
        claims = valid_claims(settings)
        token = jwt.encode(claims, keys.es_private_key, algorithm="ES256", headers={"kid": keys.es_kid})
        assert json.loads(verifier.verify(token).claims_json()) == claims

    def test_hs256_token_with_a_kid_outside_the_jwks_verifies(
        self, verifier: TokenVerifier, settings: Settings, fetcher: RecordingFetcher, clock: FakeClock
    ) -> None:
        """GIVEN a legacy-secret token's kid is unknown to the JWKS THEN it verifies without refetches."""
        token = jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256", headers={"kid": "legacy-1"})
        assert verifier.verify(token).user_id == uuid.UUID(FORGED_USER_ID)
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        assert verifier.verify(token).user_id == uuid.UUID(FORGED_USER_ID)
        assert len(fetcher.calls) == 1, "the key set is loaded once, not refetched for the legacy kid"

    def test_es256_token_verifies_against_a_real_jwks_endpoint(self, keys: SigningKeys) -> None:
        with serve_jwks(keys.jwks()) as server:
            settings = make_settings(supabase_url=server.base_url)
            verifier = TokenVerifier(settings)
            principal = verifier.verify(valid_token(settings, keys, algorithm="ES256"))
            assert principal.user_id == uuid.UUID(FORGED_USER_ID)
            assert server.request_count == 1


class TestForgedTokens:
    def test_the_corpus_is_large_enough(self) -> None:
        assert len(CORPUS) >= 25
        assert len({name for name, _ in CORPUS}) == len(CORPUS)

    @pytest.mark.parametrize(("name", "token"), CORPUS, ids=[name for name, _ in CORPUS])
    def test_forged_token_is_unauthorized(self, verifier: TokenVerifier, name: str, token: str) -> None:
        assert_refused(verifier, token)

    def test_forged_tokens_are_unauthorized_when_only_asymmetric_keys_are_trusted(
        self, keys: SigningKeys
    ) -> None:
        fetcher = RecordingFetcher(json.dumps(keys.jwks()).encode())
        settings = make_settings(jwt_secret=None)
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings, fetcher=fetcher))
        assert verifier.verify(valid_token(make_settings(), keys, algorithm="ES256"))
        accepted = [name for name, token in CORPUS_WITHOUT_SECRET if _accepts(verifier, token)]
        assert accepted == []

    def test_claim_forgeries_differ_from_a_token_that_verifies(
        self, verifier: TokenVerifier, settings: Settings
    ) -> None:
        """GIVEN claim forgeries are signed with the trusted secret THEN that signer alone still passes."""
        assert verifier.verify(jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256"))

    def test_key_urls_in_headers_are_never_fetched(
        self, verifier: TokenVerifier, fetcher: RecordingFetcher, settings: Settings
    ) -> None:
        for _, token in CORPUS:
            with pytest.raises(Unauthorized):
                verifier.verify(token)
        assert set(fetcher.calls) <= {settings.jwks_url}

    def test_random_kid_storm_costs_at_most_one_fetch_per_cooldown(
        self,
        verifier: TokenVerifier,
        jwks: JwksCache,
        clock: FakeClock,
        settings: Settings,
        keys: SigningKeys,
    ) -> None:
        verifier.verify(valid_token(settings, keys, algorithm="ES256"))
        clock.advance(settings.jwks_refetch_cooldown_seconds)
        for _ in range(100):
            token = jwt.encode(
                valid_claims(settings),
                keys.es_private_key,
                algorithm="ES256",
                headers={"kid": uuid.uuid4().hex},
            )
            with pytest.raises(Unauthorized):
                verifier.verify(token)
        assert jwks.fetch_count == 2

    def test_rejections_are_logged_without_the_token(
        self, verifier: TokenVerifier, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger="docflow.auth")
        for _, token in CORPUS:
            with pytest.raises(Unauthorized):
                verifier.verify(token)
        assert caplog.records
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert all(token not in logged for _, token in CORPUS if token)


class TestTimeChecks:
    @pytest.mark.parametrize("seconds_late", [1, 20])
    def test_expiry_within_the_leeway_is_accepted(
        self, verifier: TokenVerifier, settings: Settings, seconds_late: int
    ) -> None:
        now = int(time.time())
        token = jwt.encode(valid_claims(settings, exp=now - seconds_late, iat=now - 3600), JWT_SECRET)
        assert verifier.verify(token)

    def test_expiry_beyond_the_leeway_is_token_expired(
        self, verifier: TokenVerifier, settings: Settings
    ) -> None:
        now = int(time.time())
        token = jwt.encode(
            valid_claims(settings, exp=now - settings.jwt_leeway_seconds - 15, iat=now - 3600), JWT_SECRET
        )
        assert assert_refused(verifier, token).detail == "token expired"

    def test_issue_time_slightly_ahead_is_accepted(self, verifier: TokenVerifier, settings: Settings) -> None:
        now = int(time.time())
        assert verifier.verify(jwt.encode(valid_claims(settings, iat=now + 20), JWT_SECRET))

    def test_issue_time_beyond_the_leeway_is_refused(
        self, verifier: TokenVerifier, settings: Settings
    ) -> None:
        now = int(time.time())
        token = jwt.encode(valid_claims(settings, iat=now + settings.jwt_leeway_seconds + 15), JWT_SECRET)
        assert assert_refused(verifier, token).detail == "invalid token"


class TestConfiguration:
    def test_without_supabase_auth_only_the_local_secret_works(
        self, keys: SigningKeys, fetcher: RecordingFetcher
    ) -> None:
        settings = make_settings(supabase_auth_enabled=False)
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings, fetcher=fetcher))
        assert verifier.verify(valid_token(settings, keys, algorithm="HS256"))
        for algorithm in ("ES256", "RS256"):
            assert_refused(verifier, valid_token(settings, keys, algorithm=algorithm))
        assert fetcher.calls == []

    def test_without_a_secret_hs256_tokens_are_refused(
        self, keys: SigningKeys, fetcher: RecordingFetcher
    ) -> None:
        settings = make_settings(jwt_secret=None)
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings, fetcher=fetcher))
        assert_refused(verifier, valid_token(make_settings(), keys, algorithm="HS256"))
        assert verifier.verify(valid_token(settings, keys, algorithm="ES256"))

    def test_a_secret_shorter_than_32_bytes_is_never_used(self) -> None:
        short = "only-31-bytes-of-secret-0123456"
        settings = make_settings(jwt_secret=short, supabase_auth_enabled=False)
        header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT"}').decode()
        payload = jwt.utils.base64url_encode(json.dumps(valid_claims(settings)).encode()).decode()
        signature = hmac.new(short.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        token = f"{header}.{payload}.{jwt.utils.base64url_encode(signature).decode()}"
        assert_refused(TokenVerifier(settings), token)

    def test_get_verifier_is_cached_until_reset(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENVIRONMENT", "test")
        monkeypatch.setenv("SUPABASE_URL", SUPABASE_URL)
        monkeypatch.setenv("JWT_SECRET", JWT_SECRET)
        monkeypatch.setenv("SUPABASE_AUTH_ENABLED", "false")
        reset_settings()
        try:
            first = get_verifier()
            assert get_verifier() is first
            assert first.verify(valid_token(make_settings()))
            reset_verifier()
            assert get_verifier() is not first
        finally:
            reset_settings()


FUZZ = hypothesis_settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
HEADER_NAMES = ["alg", "kid", "typ", "crit", "cty"]
CLAIM_NAMES = ["exp", "iat", "nbf", "sub", "aud", "iss", "role", "app_metadata", "email", "is_anonymous"]


def _segment(value: object) -> str:
    return jwt.utils.base64url_encode(json.dumps(value).encode()).decode()


#: Why each forged token is refused (the check that catches it first). A truncated ES256 signature
#: (random each run) may or may not still decode as base64: either way PyJWT refuses it.
TRUNCATED_SIGNATURE_REASONS = frozenset({"DecodeError", "InvalidSignatureError"})
CORPUS_REASONS: dict[str, str | frozenset[str]] = {
    "alg none": "malformed token",
    "alg None": "malformed token",
    "alg NONE": "malformed token",
    "alg nOnE with a signature": "algorithm not allowed",
    "alg missing": "algorithm not allowed",
    "alg null": "algorithm not allowed",
    "HS256 signed with the EC public key PEM": "InvalidSignatureError",
    "HS256 signed with the RSA public key PEM": "InvalidSignatureError",
    "ES256 to HS256 swap": "kid belongs to an asymmetric key",
    "RS256 to HS256 swap": "kid belongs to an asymmetric key",
    "HS256 with the real secret under the EC kid": "kid belongs to an asymmetric key",
    "HS256 signed with the JWK JSON": "kid belongs to an asymmetric key",
    "RS256 under the EC kid": "algorithm does not match the key",
    "ES256 under the RSA kid": "algorithm does not match the key",
    "ES256 without kid": "missing kid",
    "ES256 signed by another key": "InvalidSignatureError",
    "truncated signature": TRUNCATED_SIGNATURE_REASONS,
    "empty signature": "malformed token",
    "signature of another token": "InvalidSignatureError",
    "HS256 signed with another secret": "InvalidSignatureError",
    "expired beyond leeway": "expired",
    "nbf in the future": "ImmatureSignatureError",
    "iat in the future beyond leeway": "ImmatureSignatureError",
    "missing exp": "MissingRequiredClaimError",
    "missing iat": "MissingRequiredClaimError",
    "missing sub": "MissingRequiredClaimError",
    "missing aud": "MissingRequiredClaimError",
    "missing iss": "MissingRequiredClaimError",
    "missing role": "MissingRequiredClaimError",
    "exp as a string": "non-numeric exp",
    "exp beyond the representable range": "lifetime too long",
    "lifetime of ten years": "lifetime too long",
    "aud anon": "InvalidAudienceError",
    "aud of another service": "InvalidAudienceError",
    "aud as an array": "InvalidAudienceError",
    "iss supabase": "InvalidIssuerError",
    "iss of another project": "InvalidIssuerError",
    "role anon": "not a user token",
    "role service_role": "not a user token",
    "role postgres": "not a user token",
    "legacy anon API key": "MissingRequiredClaimError",
    "legacy service_role API key": "MissingRequiredClaimError",
    "sub not a UUID": "claim 'sub' must be a UUID",
    "sub a UUID in braces": "claim 'sub' must be a UUID",
    "sub a number": "InvalidSubjectError",
    "app_metadata not an object": "claim 'app_metadata' must be an object",
    "is_anonymous not a boolean": "claim 'is_anonymous' must be a boolean",
    "unknown kid": "unknown kid",
    "kid path traversal": "InvalidSignatureError",
    "kid SQL injection": "InvalidSignatureError",
    "kid of 10 KB": "malformed token",
    "kid not a string": "malformed kid",
    "unknown crit header": "forbidden header parameter",
    "crit b64": "forbidden header parameter",
    "jku header": "forbidden header parameter",
    "x5u header": "forbidden header parameter",
    "x5c header": "forbidden header parameter",
    "embedded jwk header": "forbidden header parameter",
    "duplicate alg in header": "duplicate header member",
    "two segments": "malformed token",
    "four segments": "malformed token",
    "non-base64 segments": "malformed token",
    "non-JSON header": "malformed header",
    "header a JSON array": "malformed header",
    "non-JSON payload": "InvalidSignatureError",
    "empty string": "malformed token",
    "oversized token": "malformed token",
    "HS384": "algorithm not allowed",
    "HS512": "algorithm not allowed",
    "HS384 with the real secret": "algorithm not allowed",
    "PS256": "algorithm not allowed",
    "EdDSA": "algorithm not allowed",
}


class TestRejectionReasons:
    """Which check refuses a token: a later check refusing it for another reason would hide a hole."""

    def test_every_forgery_has_its_reason(self) -> None:
        assert {name for name, _ in CORPUS} == set(CORPUS_REASONS)

    @pytest.mark.parametrize(("name", "token"), CORPUS, ids=[name for name, _ in CORPUS])
    def test_each_forgery_is_refused_by_its_own_check(
        self, verifier: TokenVerifier, caplog: pytest.LogCaptureFixture, name: str, token: str
    ) -> None:
        expected = CORPUS_REASONS[name]
        reason = rejection_reason(verifier, token, caplog)
        assert reason in expected if isinstance(expected, frozenset) else reason == expected

    def test_hs256_without_a_usable_secret_is_refused_as_not_configured(
        self, keys: SigningKeys, caplog: pytest.LogCaptureFixture
    ) -> None:
        settings = make_settings(jwt_secret=None)
        fetcher = RecordingFetcher(json.dumps(keys.jwks()).encode())
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings, fetcher=fetcher))
        token = jwt.encode(valid_claims(make_settings()), JWT_SECRET, algorithm="HS256")
        assert rejection_reason(verifier, token, caplog) == "HS256 not configured"

    def test_an_asymmetric_token_without_supabase_auth_is_refused_as_not_configured(
        self, keys: SigningKeys, caplog: pytest.LogCaptureFixture
    ) -> None:
        settings = make_settings(supabase_auth_enabled=False)
        token = valid_token(settings, keys, algorithm="ES256")
        assert rejection_reason(TokenVerifier(settings), token, caplog) == "asymmetric keys not configured"

    @pytest.mark.parametrize(
        "algorithm",
        ["none", "None", "NONE", "nOnE", "", None, 256, "HS384", "HS512", "RS512", "PS256", "EdDSA"],
    )
    def test_an_algorithm_outside_the_allowlist_is_refused_by_the_allowlist(
        self, verifier: TokenVerifier, settings: Settings, caplog: pytest.LogCaptureFixture, algorithm: object
    ) -> None:
        signing_input = f"{_segment({'alg': algorithm, 'typ': 'JWT'})}.{_segment(valid_claims(settings))}"
        signature = hmac.new(JWT_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{jwt.utils.base64url_encode(signature).decode()}"
        assert rejection_reason(verifier, token, caplog) == "algorithm not allowed"

    def test_a_missing_algorithm_is_refused_by_the_allowlist(
        self, verifier: TokenVerifier, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        token = f"{_segment({'typ': 'JWT'})}.{_segment(valid_claims(settings))}.c2lnbmF0dXJl"
        assert rejection_reason(verifier, token, caplog) == "algorithm not allowed"

    @pytest.mark.parametrize("parameter", sorted(FORBIDDEN_HEADER_PARAMETERS))
    def test_a_key_naming_header_parameter_is_refused_as_such(
        self, verifier: TokenVerifier, settings: Settings, caplog: pytest.LogCaptureFixture, parameter: str
    ) -> None:
        token = jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256", headers={parameter: "x"})
        assert rejection_reason(verifier, token, caplog) == "forbidden header parameter"


class TestBoundaries:
    """The inclusive ends of the kid length and of the secret length."""

    @pytest.mark.parametrize("length", [1, MAX_KID_LENGTH])
    def test_a_kid_of_one_to_the_maximum_characters_is_honoured(
        self, verifier: TokenVerifier, settings: Settings, length: int
    ) -> None:
        token = jwt.encode(
            valid_claims(settings), JWT_SECRET, algorithm="HS256", headers={"kid": "k" * length}
        )
        assert verifier.verify(token)

    @pytest.mark.parametrize(
        ("kid", "reason"), [("", "malformed kid"), ("k" * (MAX_KID_LENGTH + 1), "malformed kid")]
    )
    def test_an_empty_or_overlong_kid_is_malformed(
        self,
        verifier: TokenVerifier,
        settings: Settings,
        caplog: pytest.LogCaptureFixture,
        kid: str,
        reason: str,
    ) -> None:
        token = jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256", headers={"kid": kid})
        assert rejection_reason(verifier, token, caplog) == reason

    def test_a_secret_of_exactly_32_bytes_is_used(self) -> None:
        secret = "s" * 32
        settings = make_settings(jwt_secret=secret, supabase_auth_enabled=False)
        assert TokenVerifier(settings).verify(jwt.encode(valid_claims(settings), secret, algorithm="HS256"))


class TestArbitraryInput:
    @FUZZ
    @given(
        st.text(max_size=300)
        | st.from_regex(r"[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,60}")
    )
    def test_any_string_is_unauthorized(self, verifier: TokenVerifier, token: str) -> None:
        with pytest.raises(Unauthorized):
            verifier.verify(token)

    @FUZZ
    @given(
        header=st.dictionaries(st.sampled_from(HEADER_NAMES), JSON_VALUES, max_size=4),
        overrides=st.dictionaries(st.sampled_from(CLAIM_NAMES), JSON_VALUES, max_size=3),
    )
    def test_signed_tokens_with_arbitrary_headers_and_claims_raise_only_unauthorized(
        self,
        verifier: TokenVerifier,
        settings: Settings,
        header: dict[str, Any],
        overrides: dict[str, Any],
    ) -> None:
        """GIVEN hostile header and claim values signed with the trusted secret THEN only 401 escapes."""
        signing_input = f"{_segment(header)}.{_segment(valid_claims(settings, **overrides))}"
        signature = hmac.new(JWT_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
        token = f"{signing_input}.{jwt.utils.base64url_encode(signature).decode()}"
        if _accepts(verifier, token):  # only an HS256 header without key-naming parameters can pass
            assert header.get("alg") == "HS256"
            assert not FORBIDDEN_HEADER_PARAMETERS & header.keys()


class TestChecksBehindPyJWT:
    """DocFlow's own checks where PyJWT is lenient, each pinned by the reason it logs."""

    def test_a_too_short_secret_is_refused_and_the_operator_told_why(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        settings = make_settings(jwt_secret="s" * 31, supabase_auth_enabled=False)
        with caplog.at_level(logging.WARNING, logger="docflow.auth.verifier"):
            verifier = TokenVerifier(settings)
        assert [r.getMessage() for r in caplog.records] == [
            "JWT_SECRET is shorter than 32 bytes: HS256 tokens are refused"
        ]
        with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
            token = jwt.encode(valid_claims(settings), "s" * 31, algorithm="HS256")
        assert rejection_reason(verifier, token, caplog) == "HS256 not configured"

    def test_a_jwks_rsa_key_under_2048_bits_is_dropped_so_its_tokens_name_an_unknown_kid(
        self, keys: SigningKeys, caplog: pytest.LogCaptureFixture
    ) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        weak = SigningKeys(
            keys.es_private_key,
            rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 - the weak key under test
        )
        settings = make_settings()
        fetcher = RecordingFetcher(json.dumps(weak.jwks()).encode())
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings, fetcher=fetcher))
        with pytest.warns(jwt.warnings.InsecureKeyLengthWarning):
            token = valid_token(settings, weak, algorithm="RS256")
        assert rejection_reason(verifier, token, caplog) == "unknown kid"

    @pytest.mark.parametrize("claim", ["iat", "nbf"])
    def test_a_boolean_time_claim_is_refused_although_pyjwt_reads_it_as_one(
        self, verifier: TokenVerifier, settings: Settings, caplog: pytest.LogCaptureFixture, claim: str
    ) -> None:
        token = jwt.encode(valid_claims(settings, **{claim: True}), JWT_SECRET, algorithm="HS256")
        assert rejection_reason(verifier, token, caplog) == f"non-numeric {claim}"

    def test_an_iat_beyond_the_leeway_of_the_verifier_clock_is_refused(
        self,
        verifier: TokenVerifier,
        settings: Settings,
        caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        claims = valid_claims(settings)
        now = claims["iat"] - settings.jwt_leeway_seconds
        token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
        monkeypatch.setattr("docflow.auth.verifier.time.time", lambda: now - 1)
        assert rejection_reason(verifier, token, caplog) == "issued in the future"
        monkeypatch.setattr("docflow.auth.verifier.time.time", lambda: now)
        assert verifier.verify(token)

    def test_a_lifetime_of_exactly_the_maximum_is_accepted_and_one_second_more_refused(
        self, verifier: TokenVerifier, settings: Settings, caplog: pytest.LogCaptureFixture
    ) -> None:
        from docflow.auth.verifier import MAX_TOKEN_LIFETIME_SECONDS

        claims = valid_claims(settings)
        claims["exp"] = claims["iat"] + MAX_TOKEN_LIFETIME_SECONDS
        assert verifier.verify(jwt.encode(claims, JWT_SECRET, algorithm="HS256"))
        claims["exp"] += 1
        token = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
        assert rejection_reason(verifier, token, caplog) == "lifetime too long"

    def test_an_unexpected_decoder_error_is_a_401_and_a_warning_naming_only_its_type(
        self,
        verifier: TokenVerifier,
        settings: Settings,
        caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def explode(*args: object, **kwargs: object) -> None:
            raise RecursionError("token text")

        monkeypatch.setattr(jwt, "decode", explode)
        token = jwt.encode(valid_claims(settings), JWT_SECRET, algorithm="HS256")
        assert rejection_reason(verifier, token, caplog) == "RecursionError"
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warnings == ["unexpected error while decoding an access token: RecursionError"]

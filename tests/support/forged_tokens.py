"""Signing keys, valid tokens and a corpus of forged Supabase access tokens.

Every token from :func:`forged_tokens` and every header set from :func:`forged_authorization_headers`
must be refused with 401 by the verifier and by every authenticated route, before any database work.
Claim-level forgeries are signed with a key the verifier trusts (the HS256 secret when the settings
configure one, else the ES256 key of :class:`SigningKeys`), so only the check under test can stop them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from docflow.config import Settings

ES_KID = "docflow-test-es256"
RSA_KID = "docflow-test-rs256"
#: A user id that exists in no fixture; the token's shape is what matters here.
FORGED_USER_ID = "6f0c1c1e-7d5a-4b0f-9a59-1b7e2f3c4d5e"
OTHER_SECRET = "an-entirely-different-secret-of-sufficient-length-0123456789"
TEN_YEARS = 10 * 365 * 24 * 3600
#: How far in the future "not yet valid" claims lie: far beyond any leeway, and far enough that a
#: corpus built at the start of a slow test session is still in the future when it is replayed.
FUTURE_SECONDS = 1800


@dataclass(frozen=True)
class SigningKeys:
    """Private keys standing in for the Supabase project's asymmetric signing keys."""

    es_private_key: ec.EllipticCurvePrivateKey
    rsa_private_key: rsa.RSAPrivateKey
    es_kid: str = ES_KID
    rsa_kid: str = RSA_KID
    extra_jwks_entries: tuple[Mapping[str, Any], ...] = field(default=())

    def jwks(self) -> dict[str, Any]:
        """The public JWKS the Supabase project would publish for these keys."""
        es_jwk = ECAlgorithm.to_jwk(self.es_private_key.public_key(), as_dict=True)
        rsa_jwk = RSAAlgorithm.to_jwk(self.rsa_private_key.public_key(), as_dict=True)
        return {
            "keys": [
                {**es_jwk, "kid": self.es_kid, "alg": "ES256", "use": "sig", "key_ops": ["verify"]},
                {**rsa_jwk, "kid": self.rsa_kid, "alg": "RS256", "use": "sig"},
                *self.extra_jwks_entries,
            ]
        }


@cache
def _cached_keys() -> SigningKeys:
    return SigningKeys(
        es_private_key=ec.generate_private_key(ec.SECP256R1()),
        rsa_private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


def signing_keys() -> SigningKeys:
    """One set of keys per test process (RSA generation is slow)."""
    return _cached_keys()


def valid_claims(settings: Settings, *, user_id: str = FORGED_USER_ID, **overrides: Any) -> dict[str, Any]:
    """Claims of a fresh Supabase user access token for ``settings``' issuer."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": "authenticated",
        "sub": user_id,
        "role": "authenticated",
        "exp": now + 3600,
        "iat": now,
        "email": "forged@example.com",
        "app_metadata": {"provider": "email"},
        "user_metadata": {},
        "is_anonymous": False,
        "session_id": str(uuid.uuid4()),
        "aal": "aal1",
    }
    claims.update(overrides)
    return claims


def valid_token(
    settings: Settings, keys: SigningKeys | None = None, *, algorithm: str = "HS256", **claims: Any
) -> str:
    """A token the verifier must accept: HS256 with the settings' secret, or ES256 / RS256 with ``keys``."""
    payload = valid_claims(settings, **claims)
    if algorithm == "HS256":
        return jwt.encode(payload, _secret(settings), algorithm="HS256", headers={"typ": "JWT"})
    keys = keys or signing_keys()
    if algorithm == "ES256":
        return jwt.encode(payload, keys.es_private_key, algorithm="ES256", headers={"kid": keys.es_kid})
    if algorithm == "RS256":
        return jwt.encode(payload, keys.rsa_private_key, algorithm="RS256", headers={"kid": keys.rsa_kid})
    raise ValueError(f"unsupported algorithm {algorithm}")


def _secret(settings: Settings) -> str:
    if settings.jwt_secret is None:
        raise ValueError("these settings configure no JWT secret")
    return settings.jwt_secret.get_secret_value()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json_segment(value: Any) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _hs256(header: Mapping[str, Any], payload: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256 signed by hand: PyJWT rightly refuses PEM keys as HMAC secrets."""
    signing_input = f"{_json_segment(header)}.{_json_segment(payload)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _unsigned(header: Mapping[str, Any], payload: Mapping[str, Any], signature: str = "") -> str:
    return f"{_json_segment(header)}.{_json_segment(payload)}.{signature}"


def _public_pem(private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _without(claims: Mapping[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in claims.items() if key != name}


def forged_tokens(
    settings: Settings,
    *,
    es_private_key: ec.EllipticCurvePrivateKey | None = None,
    rsa_private_key: rsa.RSAPrivateKey | None = None,
    es_kid: str = ES_KID,
    rsa_kid: str = RSA_KID,
) -> list[tuple[str, str]]:
    """(name, token) pairs that must all be refused by a verifier trusting ``settings`` and the keys."""
    keys = signing_keys()
    es_key = es_private_key or keys.es_private_key
    rsa_key = rsa_private_key or keys.rsa_private_key
    attacker_es = ec.generate_private_key(ec.SECP256R1())
    attacker_jwk = ECAlgorithm.to_jwk(attacker_es.public_key(), as_dict=True)
    now = int(time.time())
    leeway = settings.jwt_leeway_seconds
    good = valid_claims(settings)

    def trusted(payload: Mapping[str, Any], **header: Any) -> str:
        """Signed with a key the verifier trusts, so only the claim or header check can refuse it."""
        if settings.jwt_secret is not None:
            return jwt.encode(dict(payload), _secret(settings), algorithm="HS256", headers=header or None)
        return jwt.encode(dict(payload), es_key, algorithm="ES256", headers={"kid": es_kid, **header})

    def es256(payload: Mapping[str, Any], **header: Any) -> str:
        return jwt.encode(dict(payload), es_key, algorithm="ES256", headers={"kid": es_kid, **header})

    hs_header = {"alg": "HS256", "typ": "JWT"}
    secret = (settings.jwt_secret.get_secret_value() if settings.jwt_secret else OTHER_SECRET).encode()
    legacy_key = {"iss": "supabase", "ref": "abcdefghijklmnopqrst", "iat": now, "exp": now + TEN_YEARS}
    valid_es = es256(good)
    head, body, signature = valid_es.split(".")
    duplicate_alg = _b64(b'{"alg":"HS256","alg":"none"}')
    oversized = trusted({**good, "padding": "x" * 9000})

    corpus: list[tuple[str, str]] = [
        ("alg none", _unsigned({"alg": "none", "typ": "JWT"}, good)),
        ("alg None", _unsigned({"alg": "None", "typ": "JWT"}, good)),
        ("alg NONE", _unsigned({"alg": "NONE", "typ": "JWT"}, good)),
        ("alg nOnE with a signature", _unsigned({"alg": "nOnE"}, good, signature)),
        ("alg missing", _unsigned({"typ": "JWT"}, good, signature)),
        ("alg null", _unsigned({"alg": None}, good, signature)),
        ("HS256 signed with the EC public key PEM", _hs256(hs_header, good, _public_pem(es_key))),
        ("HS256 signed with the RSA public key PEM", _hs256(hs_header, good, _public_pem(rsa_key))),
        ("ES256 to HS256 swap", _hs256({**hs_header, "kid": es_kid}, good, _public_pem(es_key))),
        ("RS256 to HS256 swap", _hs256({**hs_header, "kid": rsa_kid}, good, _public_pem(rsa_key))),
        ("HS256 with the real secret under the EC kid", _hs256({**hs_header, "kid": es_kid}, good, secret)),
        (
            "HS256 signed with the JWK JSON",
            _hs256({**hs_header, "kid": es_kid}, good, json.dumps(keys.jwks()["keys"][0]).encode()),
        ),
        ("RS256 under the EC kid", jwt.encode(good, rsa_key, algorithm="RS256", headers={"kid": es_kid})),
        ("ES256 under the RSA kid", jwt.encode(good, es_key, algorithm="ES256", headers={"kid": rsa_kid})),
        ("ES256 without kid", jwt.encode(good, es_key, algorithm="ES256")),
        (
            "ES256 signed by another key",
            jwt.encode(good, attacker_es, algorithm="ES256", headers={"kid": es_kid}),
        ),
        ("truncated signature", f"{head}.{body}.{signature[: len(signature) // 2]}"),
        ("empty signature", f"{head}.{body}."),
        (
            "signature of another token",
            f"{head}.{_json_segment({**good, 'sub': str(uuid.uuid4())})}.{signature}",
        ),
        ("HS256 signed with another secret", jwt.encode(good, OTHER_SECRET, algorithm="HS256")),
        ("expired beyond leeway", trusted({**good, "exp": now - leeway - 30, "iat": now - 3600})),
        ("nbf in the future", trusted({**good, "nbf": now + FUTURE_SECONDS})),
        ("iat in the future beyond leeway", trusted({**good, "iat": now + FUTURE_SECONDS})),
        *[
            (f"missing {claim}", trusted(_without(good, claim)))
            for claim in ("exp", "iat", "sub", "aud", "iss", "role")
        ],
        ("exp as a string", trusted({**good, "exp": str(now + 3600)})),
        ("exp beyond the representable range", trusted({**good, "exp": 10**20})),
        ("lifetime of ten years", trusted({**good, "exp": now + TEN_YEARS})),
        ("aud anon", trusted({**good, "aud": "anon"})),
        ("aud of another service", trusted({**good, "aud": "authenticated-admin"})),
        ("aud as an array", trusted({**good, "aud": ["authenticated", "other"]})),
        ("iss supabase", trusted({**good, "iss": "supabase"})),
        ("iss of another project", trusted({**good, "iss": "https://attacker.supabase.co/auth/v1"})),
        ("role anon", trusted({**good, "role": "anon"})),
        ("role service_role", trusted({**good, "role": "service_role"})),
        ("role postgres", trusted({**good, "role": "postgres"})),
        ("legacy anon API key", trusted({**legacy_key, "role": "anon"})),
        ("legacy service_role API key", trusted({**legacy_key, "role": "service_role"})),
        ("sub not a UUID", trusted({**good, "sub": "admin"})),
        ("sub a UUID in braces", trusted({**good, "sub": "{" + FORGED_USER_ID + "}"})),
        ("sub a number", trusted({**good, "sub": 1})),
        ("app_metadata not an object", trusted({**good, "app_metadata": "docflow_platform_admin"})),
        ("is_anonymous not a boolean", trusted({**good, "is_anonymous": "false"})),
        ("unknown kid", jwt.encode(good, attacker_es, algorithm="ES256", headers={"kid": "rotated-away"})),
        ("kid path traversal", _hs256({**hs_header, "kid": "../../../../dev/null"}, good, b"")),
        ("kid SQL injection", _hs256({**hs_header, "kid": "' OR 1=1 --"}, good, b"")),
        ("kid of 10 KB", jwt.encode(good, attacker_es, algorithm="ES256", headers={"kid": "k" * 10_240})),
        ("kid not a string", _hs256({**hs_header, "kid": 7}, good, secret)),
        ("unknown crit header", trusted(good, crit=["exp"], exp=now + 60)),
        ("crit b64", trusted(good, crit=["b64"], b64=True)),
        ("jku header", es256(good, jku="https://attacker.example/jwks.json")),
        ("x5u header", es256(good, x5u="https://attacker.example/cert.pem")),
        ("x5c header", es256(good, x5c=["MIIB"])),
        (
            "embedded jwk header",
            jwt.encode(
                good, attacker_es, algorithm="ES256", headers={"jwk": attacker_jwk, "kid": "attacker"}
            ),
        ),
        ("duplicate alg in header", f"{duplicate_alg}.{body}.{signature}"),
        ("two segments", f"{head}.{body}"),
        ("four segments", f"{valid_es}.{signature}"),
        ("non-base64 segments", "@@@.###.$$$"),
        ("non-JSON header", f"{_b64(b'not json')}.{body}.{signature}"),
        ("header a JSON array", f"{_b64(b'[1,2]')}.{body}.{signature}"),
        ("non-JSON payload", f"{head}.{_b64(b'not json')}.{signature}"),
        ("empty string", ""),
        ("oversized token", oversized),
        ("HS384", jwt.encode(good, OTHER_SECRET + "-hs384-0123456789abcdef", algorithm="HS384")),
        (
            "HS512",
            jwt.encode(good, OTHER_SECRET + "-hs512-0123456789abcdef0123456789abcdef", algorithm="HS512"),
        ),
        ("HS384 with the real secret", _with_real_secret(good, secret, "HS384")),
        ("PS256", jwt.encode(good, rsa_key, algorithm="PS256", headers={"kid": rsa_kid})),
        (
            "EdDSA",
            jwt.encode(
                good, ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": es_kid}
            ),
        ),
    ]
    return corpus


def _with_real_secret(payload: Mapping[str, Any], secret: bytes, algorithm: str) -> str:
    digest = {"HS384": hashlib.sha384, "HS512": hashlib.sha512}[algorithm]
    signing_input = f"{_json_segment({'alg': algorithm, 'typ': 'JWT'})}.{_json_segment(payload)}"
    return f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), digest).digest())}"


def forged_authorization_headers(token: str) -> list[tuple[str, list[str]]]:
    """(name, Authorization header values) that must be refused even when ``token`` itself is valid."""
    return [
        ("no Authorization header", []),
        ("two Authorization headers", [f"Bearer {token}", f"Bearer {token}"]),
        ("two bearer tokens in one header", [f"Bearer {token}, Bearer {token}"]),
        ("Basic scheme", [f"Basic {token}"]),
        ("Token scheme", [f"Token {token}"]),
        ("missing scheme", [token]),
        ("empty bearer", ["Bearer "]),
        ("bare Bearer", ["Bearer"]),
        ("empty header", [""]),
        ("token with trailing junk", [f"Bearer {token} extra"]),
        ("scheme glued to token", [f"Bearer{token}"]),
        ("token quoted", [f'Bearer "{token}"']),
    ]

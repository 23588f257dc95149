"""Fixtures for the auth unit tests: test settings, signing keys and an in-memory JWKS."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from docflow.auth import JwksCache, TokenVerifier, reset_verifier
from docflow.config import Settings
from tests.support.auth_fakes import FakeClock, RecordingFetcher, make_settings
from tests.support.forged_tokens import SigningKeys, signing_keys


@pytest.fixture(scope="session")
def keys() -> SigningKeys:
    return signing_keys()


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fetcher(keys: SigningKeys) -> RecordingFetcher:
    return RecordingFetcher(json.dumps(keys.jwks()).encode())


@pytest.fixture
def jwks(settings: Settings, fetcher: RecordingFetcher, clock: FakeClock) -> JwksCache:
    return JwksCache.from_settings(settings, fetcher=fetcher, clock=clock)


@pytest.fixture
def verifier(settings: Settings, jwks: JwksCache) -> TokenVerifier:
    return TokenVerifier(settings, jwks=jwks)


@pytest.fixture(autouse=True)
def _fresh_verifier() -> Iterator[None]:
    reset_verifier()
    yield
    reset_verifier()

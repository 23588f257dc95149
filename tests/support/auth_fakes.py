"""Stand-ins for the token verifier's surroundings: test settings, a clock moved by hand, a JWKS fetcher."""

from __future__ import annotations

from docflow.config import Settings

SUPABASE_URL = "https://docflowtest.supabase.co"
JWT_SECRET = "docflow-unit-test-secret-0123456789abcdef"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingFetcher:
    """Serves a JWKS body from memory, counting calls; ``failing`` simulates an outage."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls: list[str] = []
        self.failing = False

    def __call__(self, url: str, timeout_seconds: float, max_bytes: int) -> bytes:
        self.calls.append(url)
        if self.failing:
            raise OSError("connection refused")
        return self.body


def make_settings(**overrides: object) -> Settings:
    """Settings of the test environment with a Supabase URL and the test secret."""
    values: dict[str, object] = {
        "environment": "test",
        "supabase_url": SUPABASE_URL,
        "jwt_secret": JWT_SECRET,
        "supabase_auth_enabled": True,
    }
    values.update(overrides)
    return Settings(**values)

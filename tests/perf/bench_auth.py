"""Token verification figures: cold import, first verification, warm verifications per algorithm
(of a token the verifier has not seen, and of one it accepted before and remembers).

Run with ``python -m tests.perf.bench_auth``; prints a table, asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial

from docflow.auth import JwksCache, TokenVerifier
from docflow.config import Settings
from tests.support.forged_tokens import forged_tokens, signing_keys, valid_token
from tests.support.jwks_server import serve_jwks

SECRET = "docflow-benchmark-secret-0123456789abcdef"
COLD_RUNS = 7
WARM_ITERATIONS = 2000


def cold_import_ms(statement: str) -> float:
    """Median wall time of ``statement`` in a fresh interpreter, minus the bare interpreter start."""

    def run(code: str) -> float:
        probe = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
        output = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
        return float(output) * 1000

    return statistics.median(run(statement) for _ in range(COLD_RUNS))


def per_call_us(function: Callable[[], object], iterations: int = WARM_ITERATIONS) -> float:
    started = time.perf_counter()
    for _ in range(iterations):
        function()
    return (time.perf_counter() - started) / iterations * 1e6


def main() -> None:
    keys = signing_keys()
    rows: list[tuple[str, str]] = []
    rows.append(
        ("import docflow.auth (cold, median of 7)", f"{cold_import_ms('import docflow.auth'):.1f} ms")
    )
    rows.append(("import jwt (cold, median of 7)", f"{cold_import_ms('import jwt'):.1f} ms"))
    with serve_jwks(keys.jwks()) as server:
        settings = Settings(environment="test", supabase_url=server.base_url, jwt_secret=SECRET)
        verifier = TokenVerifier(settings, jwks=JwksCache.from_settings(settings))
        started = time.perf_counter()
        verifier.verify(valid_token(settings, keys, algorithm="ES256"))
        rows.append(
            ("first ES256 verify (JWKS fetch over HTTP)", f"{(time.perf_counter() - started) * 1000:.1f} ms")
        )
        for algorithm in ("HS256", "ES256", "RS256"):
            fresh = iter(
                [valid_token(settings, keys, algorithm=algorithm, session_id=str(n)) for n in range(200)]
            )
            rows.append(
                (
                    f"warm {algorithm} verify, new token",
                    f"{per_call_us(lambda: verifier.verify(next(fresh)), 200):.0f} us",  # noqa: B023
                )
            )
            token = valid_token(settings, keys, algorithm=algorithm)
            rows.append(
                (
                    f"warm {algorithm} verify, token seen before",
                    f"{per_call_us(partial(verifier.verify, token)):.1f} us",
                )
            )
        corpus = forged_tokens(settings)

        def refuse_all() -> None:
            for _, token in corpus:
                try:
                    verifier.verify(token)
                except Exception:  # noqa: S112 - every forged token is refused; only the time matters
                    continue

        rows.append(
            (
                f"forged token refusal (mean of {len(corpus)})",
                f"{per_call_us(refuse_all, 20) / len(corpus):.0f} us",
            )
        )
        rows.append(("JWKS fetches during the run", str(server.request_count)))
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10}")
    print(json.dumps(dict(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()

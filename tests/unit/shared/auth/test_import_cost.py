"""GIVEN a cold interpreter WHEN docflow.auth is imported THEN the heavy libraries wait for first use."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY_MODULES = ("jwt", "cryptography", "urllib.request", "http.client", "ssl", "docflow.config", "pydantic")


def loaded_after(statement: str) -> list[str]:
    probe = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps([name for name in {HEAVY_MODULES!r} if name in sys.modules]))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(completed.stdout))


def test_importing_the_package_loads_no_heavy_module() -> None:
    assert loaded_after("import docflow.auth") == []


def test_the_probe_sees_heavy_modules_once_a_token_is_minted() -> None:
    """GIVEN first use WHEN a token is minted THEN PyJWT and cryptography are loaded (the probe works)."""
    statement = (
        "from docflow.auth import mint_token\n"
        "mint_token(secret='s' * 32, issuer='https://x.supabase.co/auth/v1', user_id='u')"
    )
    assert {"jwt", "cryptography"} <= set(loaded_after(statement))

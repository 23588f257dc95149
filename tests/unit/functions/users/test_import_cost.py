"""Cold start: importing the users, auth and clients handlers loads neither httpx nor the Supabase SDK;
they are imported by the routes that call Supabase Auth, on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("supabase_auth", "httpx")


@pytest.mark.parametrize(
    "module", ["docflow_users.handler", "docflow_auth.handler", "docflow_clients.handler"]
)
def test_handler_import_leaves_heavy_clients_unloaded(module: str) -> None:
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""

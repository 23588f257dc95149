"""Cold start: the platform functions import without the database driver (it loads on first query)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["docflow_admin.handler", "docflow_supabase_utils.handler"])
def test_handler_import_leaves_psycopg_unloaded(module: str) -> None:
    code = f"import sys, {module}; print('psycopg' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False"

"""Import budgets: which heavy modules a function's handler may not load at cold start.

Each function's test imports its handler in a fresh interpreter, as Lambda does, with Sentry configured
(a DSN set), and optionally runs a first request that needs neither a token nor the database; then
lists the heavy modules found in ``sys.modules``. Each of these costs a cold start 10-200 ms and is
imported where it is used instead (the database driver on the first query, PyJWT on the first token,
the Sentry SDK on the first error report).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO_ROOT

#: Never loaded by importing a handler.
HEAVY_MODULES: tuple[str, ...] = (
    "sentry_sdk",  # started by the first error report (docflow.sentry)
    "psycopg",
    "psycopg_pool",
    "jwt",
    "cryptography",
    "stdnum",
    "boto3",
    "s3transfer",
    "urllib3",
    "httpx",
    "supabase_auth",
    "PIL",
    "numpy",
    "pytesseract",
    "tesserocr",
    "openpyxl",
    "yaml",
    "pydantic.v1",  # FastAPI's v1 model checks (docflow.http.fastapi_compat)
    "pydantic_settings",
    "dotenv",
)

PROBE = """
import json, sys
from {module} import handler
if {event!r}:
    from docflow_local.lambda_context import LocalLambdaContext
    status = handler(json.loads(open({event!r}).read()), LocalLambdaContext("budget"))["statusCode"]
else:
    status = None
print(json.dumps([status, [name for name in {heavy!r} if name in sys.modules]]))
"""


def heavy_modules_loaded(module: str, event: Path | None = None) -> tuple[int | None, list[str]]:
    """(status of the first request, if one was made; heavy modules loaded) in a fresh process."""
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "SENTRY_DSN": "http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    env.pop("METRICS_TOKEN", None)
    code = PROBE.format(module=module, event=str(event or ""), heavy=HEAVY_MODULES)
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
        check=True,
    ).stdout
    status, loaded = json.loads(output.strip().splitlines()[-1])
    return status, loaded

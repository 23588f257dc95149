"""Every SnapStart function binds its hooks when Lambda's ``snapshot_restore_py`` is there.

Each handler is imported in a fresh interpreter with a stand-in ``snapshot_restore_py`` on the path
that records registrations; the probe then takes the "snapshot" and "restores" through what was
registered, and serves a first request afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docflow_local.template import FunctionSpec, load_template, zip_functions
from tests.support.paths import REPO_ROOT

FAKE_RUNTIME = """
before, after = [], []
def register_before_snapshot(hook, *args, **kwargs):
    before.append(hook)
def register_after_restore(hook, *args, **kwargs):
    after.append(hook)
"""

PROBE = """
import json, sys
import snapshot_restore_py as runtime
from {module} import {attribute} as handler
registered = [len(runtime.before), len(runtime.after)]
for hook in reversed(runtime.before):
    hook()
warm = "psycopg" in sys.modules and "jwt" in sys.modules
for hook in runtime.after:
    hook()
print(json.dumps([registered, warm]))
"""

SPECS = sorted(zip_functions(load_template(REPO_ROOT / "template.yaml")), key=lambda spec: spec.name)


def _run_with_fake_runtime(code: str, tmp_path: Path) -> Any:
    """Run ``code`` in a fresh interpreter where ``snapshot_restore_py`` is the fake runtime; the JSON
    of its last output line."""
    (tmp_path / "snapshot_restore_py.py").write_text(FAKE_RUNTIME)
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_handler_binds_the_snapstart_hooks(spec: FunctionSpec, tmp_path: Path) -> None:
    code = PROBE.format(module=spec.module, attribute=spec.attribute)
    registered, warm = _run_with_fake_runtime(code, tmp_path)
    assert registered == [1, 1]
    assert warm


BOTO3_PROBE = """
import json, sys
import snapshot_restore_py as runtime
from docflow_receipts_api.handler import handler
at_import = "boto3" in sys.modules
for hook in reversed(runtime.before):
    hook()
print(json.dumps([at_import, "boto3" in sys.modules]))
"""


@pytest.mark.slow
def test_the_receipts_snapshot_carries_boto3_but_its_import_does_not(tmp_path: Path) -> None:
    assert _run_with_fake_runtime(BOTO3_PROBE, tmp_path) == [False, True]

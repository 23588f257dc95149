"""Each function's ``MemorySize`` against its measured peak memory (``tests.perf.bench_memory``).

Every function with sample events runs them once in a fresh process against the session's database;
its peak resident memory must leave at least half of ``MemorySize`` free (Lambda stops a function at
its limit; the sample events are small, real ones are bigger). The OCR function is sized for CPU:
one vCPU exactly, since its work is single-threaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from docflow.config import get_settings
from docflow.tenancy import Role
from docflow_local.seed import DemoData
from docflow_local.template import FunctionSpec, load_template, zip_functions
from tests.perf import bench_memory
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.db

TEMPLATE = load_template(REPO_ROOT / "template.yaml")
SPECS = sorted(zip_functions(TEMPLATE), key=lambda spec: spec.name)
#: Peak memory may use at most this share of ``MemorySize``.
MAX_SHARE = 0.5


def _memory(spec: FunctionSpec) -> int:
    props = TEMPLATE["Resources"][spec.logical_id]["Properties"]
    return int(props.get("MemorySize", TEMPLATE["Globals"]["Function"]["MemorySize"]))


def test_the_ocr_function_gets_one_vcpu_for_its_single_thread() -> None:
    ocr = next(spec for spec in SPECS if spec.name == "ocr")
    props = TEMPLATE["Resources"][ocr.logical_id]["Properties"]
    assert props["Environment"]["Variables"]["OMP_THREAD_LIMIT"] == "1"
    assert _memory(ocr) == bench_memory.MB_PER_VCPU


@pytest.mark.slow
@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_peak_memory_leaves_half_of_memory_size_free(
    spec: FunctionSpec,
    demo: DemoData,
    token_for: Callable[..., str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = get_settings()
    owner = next(u for u in demo.users if u.role == Role.OWNER)
    monkeypatch.setattr(bench_memory, "REPEAT", 1)
    secrets_ = {
        "DATABASE_URL": settings.database_url,
        "JWT_SECRET": settings.require("jwt_secret"),
        "SENTRY_DSN": "",
    }
    measured = bench_memory.measure_function(
        spec,
        TEMPLATE,
        secrets_,
        token_for(owner.user_id, owner.email),
        tmp_path,
        extra_env={"SUPABASE_URL": settings.supabase_url, "ENVIRONMENT": "test"},
    )
    if measured is None:
        pytest.skip(f"{spec.name} has no sample events")
    assert measured.peak_mb <= MAX_SHARE * _memory(spec), measured

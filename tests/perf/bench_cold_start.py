"""Cold start and warm invoke of every API function, against a bare FastAPI + Mangum + Powertools
handler measured in the same run. Prints a table; run with ``make bench``.

- cold import: median wall time of ``import <handler module>`` in fresh interpreter processes, all
  handlers measured round-robin, with bytecode compiled as in the deployed layer;
- warm invoke: p50/p95 of in-process handler calls with the function's first sample event;
- Sentry init: ``init_sentry`` with a DSN, in a fresh process.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "9"))

BARE_HANDLER = """
from fastapi import FastAPI
from mangum import Mangum
from aws_lambda_powertools import Logger
logger = Logger(service="bare")
app = FastAPI()
@app.get("/health")
def health():
    return {"status": "ok"}
handler = logger.inject_lambda_context(Mangum(app, lifespan="off"))
"""

ENV = {
    **os.environ,
    "ENVIRONMENT": "local",
    "JWT_SECRET": "local-docflow-jwt-secret-not-for-production-use",
    "SUPABASE_URL": "http://127.0.0.1:54321",
    "SUPABASE_AUTH_ENABLED": "false",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def _timed_import(code: str) -> float:
    """Seconds to run ``code`` after interpreter start-up, in a fresh process."""
    script = f"import time as _t\n_s = _t.perf_counter()\n{code}\nprint(_t.perf_counter() - _s)"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=ENV, cwd=ROOT, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def _median_ms(code: str) -> float:
    _timed_import(code)  # warm the OS file cache
    return statistics.median(_timed_import(code) for _ in range(RUNS)) * 1000


def _interleaved_medians_ms(snippets: dict[str, str]) -> dict[str, float]:
    """Median import time of each snippet, measured round-robin so machine noise hits all alike."""
    for code in snippets.values():
        _timed_import(code)  # warm the OS file cache
    samples: dict[str, list[float]] = {name: [] for name in snippets}
    for _ in range(RUNS):
        for name, code in snippets.items():
            samples[name].append(_timed_import(code))
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


def _warm_invoke(module: str, event_file: Path, count: int = 2000) -> tuple[float, float]:
    script = f"""
import json, statistics, time
from {module} import handler
from docflow_local.lambda_context import LocalLambdaContext
event = json.loads(open({str(event_file)!r}).read())
ctx = LocalLambdaContext("bench")
for _ in range(50):
    handler(event, ctx)
samples = []
for _ in range({count}):
    s = time.perf_counter(); handler(event, ctx); samples.append(time.perf_counter() - s)
samples.sort()
print(json.dumps([samples[len(samples) // 2] * 1000, samples[int(len(samples) * 0.95)] * 1000]))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=ENV, cwd=ROOT, check=True
    )
    p50, p95 = json.loads(out.stdout.strip().splitlines()[-1])
    return p50, p95


def main() -> None:
    sys.path.insert(0, str(ROOT / "shared" / "src"))
    from docflow_local.template import load_template, zip_functions

    specs = zip_functions(load_template(ROOT / "template.yaml"))
    # Deployed code ships bytecode (the layer build compiles it): measure with bytecode here too.
    for folder in (ROOT / "shared" / "src", ROOT / "functions"):
        compileall.compile_dir(folder, quiet=1)
    snippets = {"bare FastAPI+Mangum+Powertools": BARE_HANDLER}
    snippets.update({f"{spec.name} ({spec.module})": f"import {spec.module}" for spec in specs})
    medians = _interleaved_medians_ms(snippets)
    bare = medians["bare FastAPI+Mangum+Powertools"]
    rows = [(name, ms, ms / bare) for name, ms in medians.items()]
    version = sys.version.split()[0]
    print(f"Cold import, median of {RUNS} fresh processes each, interleaved (python {version}):")
    print(f"  {'handler':<46} {'ms':>8} {'x bare':>8}")
    for name, ms, ratio in rows:
        flag = "" if ratio <= 1.25 else "  (over 1.25x)"
        print(f"  {name:<46} {ms:>8.1f} {ratio:>8.2f}{flag}")

    health_event = ROOT / "events" / "health" / "get-health.json"
    p50, p95 = _warm_invoke("docflow_health.handler", health_event)
    print("\nWarm in-process invoke of GET /health through the Lambda handler (2000 calls):")
    print(f"  p50 {p50:.3f} ms   p95 {p95:.3f} ms   (target p50 < 1 ms)")

    sentry = _median_ms(
        "from docflow.sentry import init_sentry\n"
        "init_sentry(dsn='https://public@o0.ingest.sentry.io/0', environment='bench')"
    )
    print(f"\nSentry init (docflow.sentry.init_sentry, fresh process, median): {sentry:.1f} ms")


if __name__ == "__main__":
    main()

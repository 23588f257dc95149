"""Peak memory and warm duration of every function on its sample events, and what they cost.

Each zip function runs in a fresh process as Lambda would (its environment from ``template.yaml``,
against a migrated, seeded PostgreSQL): its handler is imported and every event that
``events/<group>/expected.json`` lists is invoked ``BENCH_REPEAT`` times; the process's peak resident
memory (``VmHWM`` of ``/proc/self/status``, the high-water mark of this process's own memory;
``ru_maxrss`` would not do: after ``exec`` it keeps the forking parent's size when that was larger;
Lambda reports the same measure as "Max Memory Used") and each event's warm median wall and CPU time
are kept. The OCR function's heaviest work is reading a receipt photo: its handler is imported and the
largest photo of the German receipt set is read (``docflow.receipts.scan.scan_file``, Tesseract with
one thread as ``OMP_THREAD_LIMIT=1``).

Cost per 1 million requests (and per 1 000 receipts read) uses the AWS Lambda list prices below and a
duration model: Lambda gives a function ``MemorySize / 1769`` of a vCPU (1 769 MB is one vCPU), so the
CPU time measured here (on a full core) stretches by ``1769 / MemorySize`` (never shrinks: the work is
single-threaded), and time waiting for the database is added as measured.

Run with ``python -m tests.perf.bench_memory``; prints tables, asserts nothing.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.perf.bench_cold_start import (
    _LOCAL_SECRETS,
    ROOT,
    function_environment,
    local_database,
)

if TYPE_CHECKING:
    from docflow_local.template import FunctionSpec

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
RECEIPT_PHOTOS = Path(os.environ.get("BENCH_RECEIPTS", "/work/shared/data/receipts-de"))

#: AWS Lambda list prices, US East (N. Virginia), https://aws.amazon.com/lambda/pricing/ (first tier).
PRICE_PER_GB_SECOND = {"arm64": 0.0000133334, "x86_64": 0.0000166667}
PRICE_PER_MILLION_REQUESTS = 0.20
#: MemorySize at which Lambda gives a function one full vCPU (Lambda developer guide, "Memory").
MB_PER_VCPU = 1769

PROBE = """
import json, statistics, sys, time
from docflow_local.lambda_context import LocalLambdaContext
from {module} import {attribute} as handler
events = json.load(open(sys.argv[1]))
rows = {{}}
for name, event in events.items():
    walls, cpus, status = [], [], None
    for attempt in range({repeat} + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        status = handler(event, LocalLambdaContext({group!r}))["statusCode"]
        if attempt:  # the first invocation of each event warms its code path
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    rows[name] = [status, statistics.median(walls), statistics.median(cpus)]
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"peak_kb": peak, "events": rows}}))
"""

OCR_PROBE = """
import json, resource, sys, time
from pathlib import Path
from docflow_ocr.handler import handler
from docflow.receipts.scan import scan_file
rows = {}
for path in sys.argv[1:]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    wall, cpu = time.perf_counter(), time.process_time() + children
    outcome = scan_file(Path(path), display_name=Path(path).name)
    cpu_done = time.process_time() + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    status = 200 if outcome.error is None else 500
    rows[Path(path).name] = [status, time.perf_counter() - wall, cpu_done - cpu]
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"peak_kb": peak, "events": rows}))
"""


@dataclass(frozen=True)
class Measured:
    """One function: peak memory, its MemorySize, and per event (status, warm wall s, warm CPU s)."""

    name: str
    memory_mb: int
    peak_mb: float
    events: dict[str, tuple[int, float, float]]

    def billed_ms(self, wall: float, cpu: float) -> int:
        """Lambda's billed duration for a request that took ``wall``/``cpu`` seconds on a full core."""
        stretch = max(1.0, MB_PER_VCPU / self.memory_mb)
        return max(1, math.ceil((cpu * stretch + max(0.0, wall - cpu)) * 1000))

    def typical(self) -> tuple[float, float]:
        """Median warm (wall, CPU) seconds over its events that succeeded."""
        ok = [(wall, cpu) for status, wall, cpu in self.events.values() if status < 500]
        ok = ok or [(wall, cpu) for _, wall, cpu in self.events.values()]
        return statistics.median(w for w, _ in ok), statistics.median(c for _, c in ok)

    def cost_per_million(self, architecture: str) -> float:
        """Lambda cost of 1 million requests like its typical event (requests + duration)."""
        billed = self.billed_ms(*self.typical()) / 1000
        gb_seconds = billed * self.memory_mb / 1024 * 1_000_000
        return PRICE_PER_MILLION_REQUESTS + gb_seconds * PRICE_PER_GB_SECOND[architecture]


def sample_events(group: str, token: str) -> dict[str, Any]:
    """Every event ``events/<group>/expected.json`` lists, with a valid owner token filled in."""
    folder = ROOT / "events" / group
    names = json.loads((folder / "expected.json").read_text())["statusCode"]
    return {
        name: json.loads((folder / name).read_text().replace("${DOCFLOW_TOKEN}", token)) for name in names
    }


def _run(code: str, args: Sequence[str], env: Mapping[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=dict(env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure_function(
    spec: FunctionSpec,
    template: Mapping[str, Any],
    secrets_: Mapping[str, str],
    token: str,
    folder: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
) -> Measured | None:
    """One function in a fresh process; None when it has no sample events (a scheduled job)."""
    props = template["Resources"][spec.logical_id]["Properties"]
    memory = int(props.get("MemorySize", template["Globals"]["Function"]["MemorySize"]))
    env = {
        **function_environment(template, spec.logical_id, secrets_),
        "POWERTOOLS_METRICS_DISABLED": "true",
        **(extra_env or {}),
    }
    if props.get("PackageType") == "Image":
        photos = sorted(RECEIPT_PHOTOS.glob("*.jpg"), key=lambda p: p.stat().st_size)[-1:]
        if not photos:
            return None
        raw = _run(OCR_PROBE, [str(p) for p in photos], {**env, "OMP_THREAD_LIMIT": "1"})
    elif not (ROOT / "events" / spec.name / "expected.json").exists():
        return None
    else:
        events_file = folder / f"{spec.name}.json"
        events_file.write_text(json.dumps(sample_events(spec.name, token)))
        code = PROBE.format(module=spec.module, attribute=spec.attribute, repeat=REPEAT, group=spec.name)
        raw = _run(code, [str(events_file)], env)
    events = {name: (int(s), float(w), float(c)) for name, (s, w, c) in raw["events"].items()}
    return Measured(spec.name, memory, raw["peak_kb"] / 1024, events)


def measure_all(database_url: str, token: str) -> list[Measured]:
    from docflow_local.template import load_template, zip_functions

    template = load_template(ROOT / "template.yaml")
    secrets_ = {**_LOCAL_SECRETS, "DATABASE_URL": database_url, "SENTRY_DSN": ""}
    results: list[Measured] = []
    with tempfile.TemporaryDirectory() as folder:
        for spec in sorted(zip_functions(template), key=lambda spec: spec.name):
            measured = measure_function(spec, template, secrets_, token, Path(folder))
            if measured is None:
                print(f"{spec.name}: no sample events, not measured", file=sys.stderr)
            else:
                results.append(measured)
    return results


def print_tables(results: Sequence[Measured]) -> None:
    print(f"peak memory and warm duration per function ({REPEAT} warm runs of each sample event)")
    print(
        f"{'function':<16} {'peak MB':>8} {'MemorySize':>10} {'use':>5} {'heaviest event':<36} "
        f"{'warm ms':>8} {'CPU ms':>7} {'billed ms':>9} {'$/1M arm64':>10} {'$/1M x86':>9}"
    )
    for m in results:
        heaviest = max(m.events, key=lambda name: m.events[name][1])
        wall, cpu = m.typical()
        print(
            f"{m.name:<16} {m.peak_mb:>8.0f} {m.memory_mb:>10} {m.peak_mb / m.memory_mb:>5.0%} "
            f"{heaviest[:36]:<36} "
            f"{wall * 1000:>8.1f} {cpu * 1000:>7.1f} {m.billed_ms(wall, cpu):>9} "
            f"{m.cost_per_million('arm64'):>10.2f} {m.cost_per_million('x86_64'):>9.2f}"
        )
    ocr = next((m for m in results if m.name == "ocr"), None)
    if ocr is not None:
        wall, cpu = ocr.typical()
        for architecture in PRICE_PER_GB_SECOND:
            per_receipt = ocr.cost_per_million(architecture) / 1_000_000
            print(
                f"OCR, 1 000 receipts read ({architecture}): ${per_receipt * 1000:.4f} "
                f"(billed {ocr.billed_ms(wall, cpu)} ms each)"
            )
    print(json.dumps([m.__dict__ for m in results]), file=sys.stderr)


def main() -> None:
    with local_database() as (database_url, token):
        print_tables(measure_all(database_url, token))


if __name__ == "__main__":
    main()

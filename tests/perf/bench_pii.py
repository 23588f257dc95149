"""PII scrubbing and Sentry figures: scrub speed, corpus recall/precision, cold import and Sentry init.

Run with ``python -m tests.perf.bench_pii``; prints a table (wall / CPU time), asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from docflow.pii import scrub_text
from tests.support.pii_corpus import mixed_text, negative_corpus, positive_corpus
from tests.support.pii_metrics import score, unchanged_share

COLD_RUNS = 7
WARM_RUNS = 30
DSN = "https://public@o0.ingest.sentry.invalid/1"
#: Fresh interpreters read and write bytecode in a private cache, as a deployed layer has .pyc files.
_BYTECODE_ENV = {
    **{key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPYCACHEPREFIX": os.path.join(tempfile.gettempdir(), "docflow-bench-pycache"),
}
#: Standard-library modules FastAPI, pydantic and Powertools have imported before any DocFlow code runs.
_LAMBDA_STDLIB = "import typing, dataclasses, inspect, re, datetime, bisect, string"


def fresh_process_ms(setup: str, statement: str) -> str:
    """Median wall and CPU milliseconds of ``statement`` in a fresh interpreter, after ``setup``."""

    def run() -> tuple[float, float]:
        probe = (
            f"{setup}\nimport time\nt, c = time.perf_counter(), time.process_time()\n{statement}\n"
            "print(time.perf_counter() - t, time.process_time() - c)"
        )
        output = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=_BYTECODE_ENV
        )
        wall, cpu = output.stdout.strip().splitlines()[-1].split()
        return float(wall) * 1000, float(cpu) * 1000

    run()  # writes the bytecode cache, as a deployed layer ships it
    runs = [run() for _ in range(COLD_RUNS)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    return f"{wall:.1f} / {cpu:.1f} ms"


def scrub_ms_per_64_kib() -> tuple[float, float]:
    """Median wall and CPU milliseconds to scrub 64 KiB of mixed text."""
    text = mixed_text()
    scrub_text(text)
    wall, cpu = [], []
    for _ in range(WARM_RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        scrub_text(text)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    rows: list[tuple[str, str]] = []
    wall, cpu = scrub_ms_per_64_kib()
    rows.append(("scrub_text, 64 KiB mixed text (median of 30: wall / CPU)", f"{wall:.1f} / {cpu:.1f} ms"))
    for kind, samples in positive_corpus(per_kind=300).items():
        result = score(samples)
        rows.append(
            (
                f"corpus {kind} ({result.samples} samples)",
                f"recall {result.recall:.3f}, precision {result.precision:.3f}",
            )
        )
    negatives = [text for texts in negative_corpus(per_family=150).values() for text in texts]
    rows.append(
        (f"negative corpus ({len(negatives)} texts) left unchanged", f"{unchanged_share(negatives):.3f}")
    )
    rows.append(("import docflow.pii (cold, median of 7)", fresh_process_ms("", "import docflow.pii")))
    rows.append(
        (
            "import docflow.pii after typing/dataclasses/re (as in any API Lambda)",
            fresh_process_ms(_LAMBDA_STDLIB, "import docflow.pii"),
        )
    )
    rows.append(
        (
            "import docflow.pii.logging (cold, with Powertools)",
            fresh_process_ms("", "import docflow.pii.logging"),
        )
    )
    rows.append(("import sentry_sdk (cold)", fresh_process_ms("", "import sentry_sdk")))
    init = f"from docflow.sentry import init_sentry\ninit_sentry(dsn={DSN!r}, environment='bench')"
    rows.append(
        (
            "init_sentry after import sentry_sdk (fresh process)",
            fresh_process_ms("import sentry_sdk", init),
        )
    )
    rows.append(("init_sentry incl. import sentry_sdk (fresh process)", fresh_process_ms("", init)))
    default_init = f"sentry_sdk.init(dsn={DSN!r})"
    rows.append(
        (
            "sentry_sdk.init with SDK defaults, for comparison",
            fresh_process_ms("import sentry_sdk", default_init),
        )
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

"""PII scrubbing and Sentry figures: scrub speed, corpus recall/precision, cold import and Sentry init.

Run with ``python -m tests.perf.bench_pii``; prints a table, asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from docflow.pii import scrub_text
from tests.unit.pii.corpus import mixed_text, negative_corpus, positive_corpus
from tests.unit.pii.metrics import score, unchanged_share

COLD_RUNS = 7
WARM_RUNS = 30
DSN = "https://public@o0.ingest.sentry.invalid/1"
#: Standard-library modules FastAPI, pydantic and Powertools have imported before any DocFlow code runs.
_LAMBDA_STDLIB = "import typing, dataclasses, inspect, re, datetime, bisect, string"


def fresh_process_ms(setup: str, statement: str) -> float:
    """Median wall time of ``statement`` in a fresh interpreter, after ``setup`` (not timed)."""

    def run() -> float:
        probe = f"{setup}\nimport time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
        output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        return float(output.stdout.strip().splitlines()[-1]) * 1000

    return statistics.median(run() for _ in range(COLD_RUNS))


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
    rows.append(
        ("import docflow.pii (cold, median of 7)", f"{fresh_process_ms('', 'import docflow.pii'):.1f} ms")
    )
    rows.append(
        (
            "import docflow.pii.logging (cold, with Powertools)",
            f"{fresh_process_ms('', 'import docflow.pii.logging'):.1f} ms",
        )
    )
    rows.append(("import sentry_sdk (cold)", f"{fresh_process_ms('', 'import sentry_sdk'):.1f} ms"))
    init = f"from docflow.sentry import init_sentry\ninit_sentry(dsn={DSN!r}, environment='bench')"
    rows.append(
        (
            "init_sentry after import sentry_sdk (fresh process)",
            f"{fresh_process_ms('import sentry_sdk', init):.1f} ms",
        )
    )
    rows.append(
        ("init_sentry incl. import sentry_sdk (fresh process)", f"{fresh_process_ms('', init):.1f} ms")
    )
    default_init = f"sentry_sdk.init(dsn={DSN!r})"
    rows.append(
        (
            "sentry_sdk.init with SDK defaults, for comparison",
            f"{fresh_process_ms('import sentry_sdk', default_init):.1f} ms",
        )
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

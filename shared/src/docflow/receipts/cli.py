"""``docflow receipts ...``: the receipts command group (``scan`` reads files into JSON).

``register`` creates the ``receipts`` parser and its subcommand parsers; further subcommands are
added with their own ``add_*_command(commands)`` function next to :func:`add_scan_command`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from docflow.receipts.scan import ScanError, ScanOutcome, expand_paths, scan_file

FORMATS = ("jsonl", "json", "table")
#: Most worker processes ``--jobs`` may ask for (each holds its own OCR models, ~100 MB).
MAX_JOBS = 32


def register(subparsers: Any) -> None:
    """Add the ``receipts`` group and its subcommands to the ``docflow`` parser."""
    receipts = subparsers.add_parser("receipts", help="Read receipts into structured data.")
    commands = receipts.add_subparsers(dest="receipts_command", required=True)
    add_scan_command(commands)
    from docflow.receipts.upload import add_upload_command

    add_upload_command(commands)


def add_scan_command(commands: Any) -> argparse.ArgumentParser:
    """``docflow receipts scan PATH... [--format jsonl|json|table]``."""
    scan: argparse.ArgumentParser = commands.add_parser(
        "scan",
        help="OCR receipt images or PDFs and print their fields.",
        description="Prints one result per input file, in input order; unreadable files get an `error`.",
    )
    scan.add_argument("paths", nargs="+", metavar="PATH", help="receipt files or folders of them")
    scan.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    scan.add_argument("--today", type=dt.date.fromisoformat, default=None, help="latest plausible date")
    scan.add_argument(
        "--languages",
        default=None,
        help="Tesseract languages, e.g. fin+swe+eng (default: OCR_LANGUAGES or fin+eng)",
    )
    scan.add_argument(
        "--jobs",
        type=_positive_int,
        default=1,
        help="files read at once, one process (and core) each (default: 1)",
    )
    scan.set_defaults(handler=run_scan)
    return scan


def _positive_int(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_JOBS}")
    return value


def run_scan(args: argparse.Namespace) -> int:
    """Scan every input and print the results; exit status 0 even when some files failed."""
    inputs = expand_paths(list(args.paths))
    outcomes = scan_all(
        inputs, today=args.today, languages=args.languages, progress=sys.stderr, jobs=args.jobs
    )
    write_outcomes(outcomes, args.format, sys.stdout)
    return 0


def _scan_one(name: str, path: Path, today: dt.date | None, languages: str | None) -> ScanOutcome:
    try:
        return scan_file(path, display_name=name, today=today, languages=languages)
    except Exception as error:  # one broken file must not stop a batch
        return ScanOutcome(name, None, ScanError("internal_error", type(error).__name__), 0.0)


def scan_all(
    inputs: Sequence[tuple[str, Path]],
    *,
    today: dt.date | None,
    languages: str | None,
    progress: TextIO | None,
    jobs: int = 1,
) -> Iterable[ScanOutcome]:
    """Scan the inputs, yielding the outcomes in input order, each as soon as it (and those before
    it) are ready; ``jobs`` > 1 reads that many files at once in worker processes."""
    show = progress is not None and len(inputs) > 1
    args = (
        [name for name, _ in inputs],
        [path for _, path in inputs],
        [today] * len(inputs),
        [languages] * len(inputs),
    )
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(inputs) > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Fresh interpreters: forking a process that runs threads (a connection pool) is unsafe.
            context = multiprocessing.get_context("spawn")
            workers = min(jobs, len(inputs))
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
            outcomes: Iterable[ScanOutcome] = pool.map(_scan_one, *args)
        else:
            outcomes = map(_scan_one, *args)
        for done, outcome in enumerate(outcomes, start=1):
            if show and progress is not None:
                _progress(progress, done, len(inputs))
            yield outcome
    if show and progress is not None:
        progress.write("\n")
        progress.flush()


def _progress(stream: TextIO, done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    bar = "#" * filled + "-" * (width - filled)
    ending = "\r" if stream.isatty() else "\n"
    stream.write(f"[{bar}] {done}/{total}{ending}")
    stream.flush()


def write_outcomes(outcomes: Iterable[ScanOutcome], output_format: str, stream: TextIO) -> None:
    """Print outcomes as JSON lines (streamed), one JSON array, or a text table."""
    if output_format == "jsonl":
        for outcome in outcomes:
            stream.write(json.dumps(outcome.to_json(), ensure_ascii=False) + "\n")
            stream.flush()
    elif output_format == "json":
        json.dump([outcome.to_json() for outcome in outcomes], stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    else:
        stream.write(render_table([outcome.to_json() for outcome in outcomes]))


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    """A fixed-width text table: file, merchant, date, total, VAT rows and error or warnings."""
    header = ("file", "merchant", "date", "total", "vat", "status")
    body = [
        (
            str(row["file"]),
            str(row["merchant"] or ""),
            str(row["date"] or ""),
            f"{row['total'] or ''} {row['currency'] or ''}".strip(),
            str(len(row["vat"])),
            row["error"]["code"] if row["error"] else f"{len(row['warnings'])} warnings",
        )
        for row in rows
    ]
    widths = [min(40, max(len(cells[i]) for cells in (header, *body))) for i in range(len(header))]
    lines = [
        "  ".join(cell[:width].ljust(width) for cell, width in zip(cells, widths, strict=True))
        for cells in (header, *body)
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"

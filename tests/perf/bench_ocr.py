"""Speed and text quality of the OCR engine alone on the SROIE receipts (a table, not a test).

Seconds are CPU seconds of this process plus its Tesseract subprocesses (``RUSAGE_CHILDREN``),
which match wall time on an idle core and stay meaningful on a busy machine; wall seconds are
reported too. Quality proxy: the share of the labelled company, date and total strings found verbatim (after
collapsing whitespace) in the OCR text. Tune on ``dev``; report on ``test``.

    .venv/bin/python -m tests.perf.bench_ocr --split dev
    .venv/bin/python -m tests.perf.bench_ocr --split dev --psm 6 --languages eng --no-scaling
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from docflow.ocr import OcrEngine, PreprocessOptions, TesseractEngine, read_document
from docflow.ocr.tesserocr_engine import TesserocrEngine, tesserocr_available

DATA_DIR = Path(
    os.environ.get("DOCFLOW_SROIE_DIR", Path(__file__).resolve().parents[3] / "shared/data/sroie")
)
FIELDS = ("company", "date", "total")


@dataclass(frozen=True)
class ReceiptScore:
    """How one receipt fared: CPU and wall seconds, which labelled fields were found, mean confidence."""

    receipt_id: str
    seconds: float
    wall_seconds: float
    found: dict[str, bool]
    confidence: float


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _squash(text: str) -> str:
    return " ".join(text.split())


def score_receipt(record: dict[str, str], engine: OcrEngine, options: PreprocessOptions) -> ReceiptScore:
    """Read one receipt and check which labelled fields its text contains."""
    data = (DATA_DIR / record["image"]).read_bytes()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    result = read_document(data, declared_type="image/jpeg", engine=engine, preprocess=options)
    wall_seconds, seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    text = _squash(result.text)
    found = {field: bool(record.get(field)) and _squash(record[field]) in text for field in FIELDS}
    return ReceiptScore(record["id"], seconds, wall_seconds, found, result.mean_confidence)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Run the benchmark and print one summary line (and per-receipt lines with ``--verbose``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--engine", default="auto", choices=("auto", "cli", "tesserocr"))
    parser.add_argument("--psm", type=int, default=4)
    parser.add_argument("--languages", default=None)
    parser.add_argument("--config", default="", help="extra Tesseract options")
    parser.add_argument("--min-height", type=int, default=None, help="text height that triggers enlarging")
    parser.add_argument("--max-height", type=int, default=None, help="text height that triggers reducing")
    parser.add_argument("--target-height", type=int, default=None, help="text height scaled to")
    parser.add_argument("--no-scaling", action="store_true", help="keep every image at its size")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    defaults = PreprocessOptions()
    options = PreprocessOptions(
        min_text_height=0 if args.no_scaling else (args.min_height or defaults.min_text_height),
        max_text_height=10**6 if args.no_scaling else (args.max_height or defaults.max_text_height),
        target_text_height=args.target_height or defaults.target_text_height,
        min_long_side=1 if args.no_scaling else defaults.min_long_side,
        max_long_side=10**6 if args.no_scaling else defaults.max_long_side,
    )
    use_tesserocr = args.engine == "tesserocr" or (args.engine == "auto" and tesserocr_available())
    engine: TesseractEngine | TesserocrEngine
    if use_tesserocr:
        engine = TesserocrEngine(psm=args.psm, languages=args.languages)
    else:
        engine = TesseractEngine(psm=args.psm, languages=args.languages, extra_config=args.config)
    # Warm up: a warm Lambda has its models loaded already.
    engine.recognize(Image.new("L", (64, 64), 255), languages=None, timeout_seconds=30)
    records = [json.loads(line) for line in (DATA_DIR / f"{args.split}.jsonl").read_text().splitlines()]
    if args.limit:
        records = records[: args.limit]
    scores = []
    for record in records:
        score = score_receipt(record, engine, options)
        scores.append(score)
        if args.verbose:
            print(f"{score.receipt_id} {score.seconds:.2f}s {score.found} conf={score.confidence:.2f}")
    seconds = [score.seconds for score in scores]
    found = {field: sum(score.found[field] for score in scores) for field in FIELDS}
    total_found = sum(found.values())
    print(
        json.dumps(
            {
                "split": args.split,
                "receipts": len(scores),
                "engine": type(engine).__name__,
                "psm": engine.psm,
                "languages": engine.languages,
                "config": args.config,
                "text_height": "unscaled"
                if args.no_scaling
                else [options.min_text_height, options.max_text_height, options.target_text_height],
                "median_s": round(statistics.median(seconds), 3),
                "median_wall_s": round(statistics.median(score.wall_seconds for score in scores), 3),
                "p95_s": round(_percentile(seconds, 0.95), 3),
                "found": found,
                "found_share": round(total_found / (len(FIELDS) * len(scores)), 3),
                "mean_confidence": round(statistics.mean(score.confidence for score in scores), 3),
            }
        )
    )


if __name__ == "__main__":
    main()

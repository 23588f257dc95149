"""Receipt reading benchmark: field accuracy, VAT rows, seconds per receipt and peak memory.

Run from the repository root: ``python -m tests.perf.bench_receipts`` (``make bench-receipts``).

Sets:
- SROIE (``../shared/data/sroie``): 100 scanned receipts of ``test.jsonl`` (rules were tuned on
  ``dev.jsonl`` only). Date and total are compared by value, company and address exactly after
  collapsing whitespace and case.
- A synthetic Finnish set rendered deterministically into ``.local/bench/finnish``. ``--finnish-seed N``
  renders a second set with another seed into ``.local/bench/finnish-seedN`` (its OCR lines and failures
  are kept under the name ``finnish-seedN``), to check that rule changes are not tuned to the first set.
- The first ``--photo-count`` (30) Finnish receipts enlarged to phone-photo size (long side 4032 px, as a
  12 MP camera delivers them) into ``.local/bench/finnish-photo``: the seconds per photo-sized receipt.

Receipts are scanned in a pool of worker processes (one core each, ``OMP_THREAD_LIMIT=1``); the
seconds per receipt are measured inside the worker around OCR + extraction. ``--save-ocr`` keeps each
receipt's OCR lines under ``.local/ocr-cache/bench`` and ``--reuse-ocr`` re-runs only the extraction
on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[2]
SROIE_DIR = (REPO / ".." / "shared" / "data" / "sroie").resolve()
FINNISH_DIR = REPO / ".local" / "bench" / "finnish"
OCR_CACHE = REPO / ".local" / "ocr-cache" / "bench"
#: Dates in both sets are long past; a fixed "today" keeps the runs reproducible.
TODAY = dt.date(2026, 11, 27)
#: Naive Tesseract + regex baseline on SROIE test.jsonl, from ../shared/data/sroie/README.md.
SROIE_BASELINE = {"company": 0.16, "date": 0.57, "address": 0.0, "total": 0.29, "median_seconds": 1.22}


@dataclass(frozen=True)
class Job:
    """One receipt to scan: its id, image path and where to keep its OCR lines."""

    receipt_id: str
    image: str
    cache: str | None
    reuse: bool
    languages: str | None = None
    psm: int | None = None


@functools.lru_cache(maxsize=4)
def _engine(psm: int | None) -> Any:
    """The worker's OCR engine: the default one, or Tesseract in-process with another ``psm``."""
    from docflow.ocr.engine_choice import default_engine
    from docflow.ocr.tesserocr_engine import TesserocrEngine

    return default_engine() if psm is None else TesserocrEngine(psm=psm)


def _scan(job: Job) -> dict[str, Any]:
    """Worker: OCR (or cached lines) + extraction for one receipt, timed."""
    from docflow.receipts.extract import extract_receipt
    from docflow.receipts.lines import TextLine

    cache = Path(job.cache) if job.cache else None
    started = time.perf_counter()
    if job.reuse and cache is not None and cache.exists():
        cached = json.loads(cache.read_text())
        lines = [
            TextLine(item["text"], item["confidence"], tuple(item["bbox"]), item["page"]) for item in cached
        ]
        receipt = extract_receipt(lines, today=TODAY)
        return {"id": job.receipt_id, "receipt": receipt.to_json(), "seconds": None, "error": None}
    from docflow.ocr import DocumentError, read_document

    engine = _engine(job.psm)
    try:
        result = read_document(
            Path(job.image).read_bytes(),
            filename=Path(job.image).name,
            languages=job.languages,
            engine=engine,
        )
    except DocumentError as error:
        return {"id": job.receipt_id, "receipt": None, "seconds": None, "error": error.code}
    receipt = extract_receipt(result.lines, today=TODAY)
    seconds = time.perf_counter() - started
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        lines_json = [
            {"text": line.text, "confidence": line.confidence, "bbox": list(line.bbox), "page": line.page}
            for line in result.lines
        ]
        cache.write_text(json.dumps(lines_json, ensure_ascii=False))
    return {"id": job.receipt_id, "receipt": receipt.to_json(), "seconds": seconds, "error": None}


def _norm_text(value: str | None) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).upper()


def _parse_label_date(text: str | None) -> dt.date | None:
    from docflow.receipts.dates import parse_date

    return parse_date(text or "", TODAY)


def _parse_label_amount(text: str | None) -> Decimal | None:
    from docflow.receipts.numbers import parse_amount

    return parse_amount(text or "")


def score_sroie(label: dict[str, Any], got: dict[str, Any]) -> dict[str, bool | None]:
    """Per field: True/False, or None when the label has no value."""
    got_date = dt.date.fromisoformat(got["date"]) if got.get("date") else None
    got_total = Decimal(got["total"]) if got.get("total") else None
    scores: dict[str, bool | None] = {
        "company": _norm_text(got.get("merchant")) == _norm_text(label["company"]),
        "date": got_date is not None and got_date == _parse_label_date(label["date"]),
        "address": _norm_text(got.get("address")) == _norm_text(label["address"]),
        "total": got_total is not None and got_total == _parse_label_amount(label["total"]),
    }
    return {name: (None if label[name] is None else ok) for name, ok in scores.items()}


def _vat_rows(rows: Sequence[dict[str, str]]) -> set[tuple[Decimal, ...]]:
    return {tuple(Decimal(row[key]) for key in ("rate", "net", "tax", "gross")) for row in rows}


def score_finnish(label: dict[str, Any], got: dict[str, Any]) -> dict[str, bool | None]:
    """Per field exact match, VAT rows compared as a set of (rate, net, tax, gross)."""
    return {
        "merchant": _norm_text(got.get("merchant")) == _norm_text(label["merchant"]),
        "business_id": got.get("business_id") == label["business_id"],
        "address": _norm_text(got.get("address")) == _norm_text(label["address"]),
        "date": got.get("date") == label["date"],
        "total": got.get("total") is not None and Decimal(got["total"]) == Decimal(label["total"]),
        "payment": got.get("payment") == label["payment"],
        "vat_rows": _vat_rows(got.get("vat") or []) == _vat_rows(label["vat"]),
    }


def _empty_receipt() -> dict[str, Any]:
    from docflow.receipts.models import ReceiptData

    return ReceiptData().to_json()


def run_set(
    name: str,
    labels: list[dict[str, Any]],
    image_dir: Path,
    scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, bool | None]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Scan every labelled receipt of a set and aggregate the scores."""
    jobs = [
        Job(
            label["id"],
            str(image_dir / label["image"]),
            str(OCR_CACHE / name / f"{label['id']}.json") if args.save_ocr or args.reuse_ocr else None,
            args.reuse_ocr,
            args.languages,
            args.psm,
        )
        for label in labels
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(_scan, jobs))
    wall = time.perf_counter() - started
    per_field: dict[str, list[bool]] = {}
    vat_tp = vat_predicted = vat_expected = 0
    failures: list[dict[str, Any]] = []
    for label, result in zip(labels, results, strict=True):
        got = result["receipt"] or _empty_receipt()
        scores = scorer(label, got)
        for field_name, ok in scores.items():
            if ok is not None:
                per_field.setdefault(field_name, []).append(ok)
        if "vat" in label:
            expected, predicted = _vat_rows(label["vat"]), _vat_rows(got.get("vat") or [])
            vat_tp += len(expected & predicted)
            vat_expected += len(expected)
            vat_predicted += len(predicted)
        if not all(ok in (True, None) for ok in scores.values()):
            failures.append({"id": label["id"], "scores": scores, "got": got, "error": result["error"]})
    seconds = sorted(result["seconds"] for result in results if result["seconds"] is not None)
    (REPO / ".local" / "bench").mkdir(parents=True, exist_ok=True)
    (REPO / ".local" / "bench" / f"failures-{name}.json").write_text(
        json.dumps(failures, ensure_ascii=False, indent=1)
    )
    return {
        "name": name,
        "count": len(labels),
        "accuracy": {field_name: sum(oks) / len(oks) for field_name, oks in per_field.items()},
        "vat_precision": vat_tp / vat_predicted if vat_predicted else None,
        "vat_recall": vat_tp / vat_expected if vat_expected else None,
        "median_seconds": statistics.median(seconds) if seconds else None,
        "p95_seconds": seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] if seconds else None,
        "wall_seconds": wall,
        "errors": sum(1 for result in results if result["error"]),
    }


def _load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f} %"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def print_report(reports: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """The table on stdout."""
    peak_mib = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    for report in reports:
        print(f"\n== {report['name']}: {report['count']} receipts, {args.workers} worker processes ==")
        print(f"{'field':<14}{'accuracy':>10}{'baseline':>10}")
        for field_name, accuracy in report["accuracy"].items():
            baseline = SROIE_BASELINE.get(field_name) if report["name"].startswith("sroie") else None
            print(f"{field_name:<14}{_percent(accuracy):>10}{_percent(baseline):>10}")
        if report["vat_precision"] is not None or report["vat_recall"] is not None:
            precision, recall = _percent(report["vat_precision"]), _percent(report["vat_recall"])
            print(f"{'VAT rows P/R':<14}{precision:>10} / {recall}")
        print(
            f"seconds per receipt (OCR + extraction, one core): median {_seconds(report['median_seconds'])}, "
            f"p95 {_seconds(report['p95_seconds'])}; wall {report['wall_seconds']:.1f} s; "
            f"unreadable files {report['errors']}"
        )
        if report["name"].startswith("sroie"):
            print(f"baseline median: {_seconds(SROIE_BASELINE['median_seconds'])}")
    print(f"\npeak memory (ru_maxrss, largest process): {peak_mib:.0f} MiB")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sroie-split", default="test.jsonl", help="labels file in the SROIE folder")
    parser.add_argument("--finnish-count", type=int, default=150)
    parser.add_argument(
        "--finnish-seed", type=int, default=None, help="render a hold-out set with this seed instead"
    )
    parser.add_argument(
        "--photo-count", type=int, default=30, help="Finnish receipts also read at phone-photo size (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N receipts of each set")
    parser.add_argument("--skip-sroie", action="store_true")
    parser.add_argument("--skip-finnish", action="store_true")
    parser.add_argument("--psm", type=int, default=None, help="Tesseract page segmentation mode")
    parser.add_argument(
        "--languages", default=None, help="OCR languages, e.g. fin+eng (default: the engine's)"
    )
    parser.add_argument("--save-ocr", action="store_true", help="keep OCR lines for --reuse-ocr")
    parser.add_argument("--reuse-ocr", action="store_true", help="extraction only, on saved OCR lines")
    args = parser.parse_args(argv)
    reports = []
    if not args.skip_sroie:
        labels = _load_jsonl(SROIE_DIR / args.sroie_split)[: args.limit]
        name = f"sroie-{args.sroie_split.removesuffix('.jsonl')}"
        reports.append(run_set(name, labels, SROIE_DIR, score_sroie, args))
    if not args.skip_finnish:
        from tests.perf.finnish_receipts.render import build_set

        name = "finnish" if args.finnish_seed is None else f"finnish-seed{args.finnish_seed}"
        folder = FINNISH_DIR.with_name(name)
        seed = {} if args.finnish_seed is None else {"seed": args.finnish_seed}
        labels_path = build_set(folder, count=args.finnish_count, **seed)
        labels = _load_jsonl(labels_path)[: args.limit]
        reports.append(run_set(name, labels, folder, score_finnish, args))
        if args.photo_count:
            from tests.perf.finnish_receipts.render import build_photo_set

            photo_folder = folder.with_name(f"{name}-photo")
            photo_labels = _load_jsonl(build_photo_set(folder, photo_folder, args.photo_count))
            reports.append(run_set(f"{name}-photo", photo_labels, photo_folder, score_finnish, args))
    print_report(reports, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Receipt reading benchmark: field accuracy, VAT rows, status, deductible VAT, seconds per receipt.

Run from the repository root: ``python -m tests.perf.bench_receipts`` (``make bench-receipts``);
``--quick`` reads one receipt per family and tier.

Sets:
- The receipt corpus (``tests/perf/receipt_corpus``, the main figure): every layout family rendered
  in three damage tiers into ``.local/bench/corpus-SEED``. Scored per family, per tier and per split;
  the HELD-OUT families' figures are the ones that count (the tuning families are in the shared corpus
  folder for engine work). Fields: merchant (trade or legal name, case and spaces collapsed), Y-tunnus
  (abroad: the VAT number), date, total, currency (as stored: none means EUR), VAT rows exact (the set of
  (rate, tax) pairs equals the truth's, also when the truth has none) and VAT row precision / recall over
  those pairs. Per field, how many wrong values carried a confidence >= 0.9. Status counts with the
  pipeline's own rule (:func:`docflow.pipeline.review.decide_status`, no duplicate) and how many
  ``processed`` receipts have wrong VAT rows. Deductible VAT per quarter: the tax of the VAT rows of
  Finnish deductible receipts that would be ``processed``, by the quarter of the read date, against the
  truth over all Finnish deductible receipts, as a % error.
- Real German scans (``../shared/data/receipts-de``): total, date, merchant (the chain's name appears in
  the read merchant).
- The same scans photographed (``receipts-de-photos``, ``tests/perf/german_photos``): real print through
  the corpus's ``light`` and ``heavy`` photo damage (seeded), scored like the scans, per tier too.
  ``--skip-german`` skips both.
- SROIE (``../shared/data/sroie``, or ``--sroie-dir``): 100 scanned receipts of ``test.jsonl``
  (rules were tuned on ``dev.jsonl`` only). Date and total are compared by value,
  company and address exactly after collapsing whitespace and case.
- ``--old-finnish``: the earlier single-generator Finnish set (``tests/perf/finnish_receipts``).

Speed: the median seconds (OCR + extraction, one core) over the corpus photos whose long side is 4032 px,
next to plain ``tesseract IMAGE stdout`` on the same images in the same run, as a ratio.

``--engine-option NAME=VALUE`` (repeatable) sets a field of the engine's preprocessing options when the
engine has one of that name (``docflow.ocr.preprocess.PreprocessOptions``); unknown names are reported
and ignored, so the bench runs on engines with and without them.

Receipts are scanned in a pool of worker processes (one core each, ``OMP_THREAD_LIMIT=1``). ``--save-ocr``
keeps each receipt's OCR lines under ``.local/ocr-cache/bench`` and ``--reuse-ocr`` re-runs only the
extraction on them (with the header's second reading where one was made, see
``docflow.receipts.scan.read_receipt``). Each set reports how many receipts had their header read again
and what it cost them.
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


def _shared_data() -> Path:
    """``shared/data`` beside the checkout (a worktree's checkout may sit one folder deeper)."""
    for parent in REPO.parents:
        if (parent / "shared" / "data").is_dir():
            return parent / "shared" / "data"
    return (REPO / ".." / "shared" / "data").resolve()


SROIE_DIR = _shared_data() / "sroie"
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
    options: tuple[tuple[str, Any], ...] = ()


@functools.lru_cache(maxsize=4)
def _engine(psm: int | None) -> Any:
    """The worker's OCR engine: the default one, or Tesseract in-process with another ``psm``."""
    from docflow.ocr.engine_choice import default_engine
    from docflow.ocr.tesserocr_engine import TesserocrEngine

    return default_engine() if psm is None else TesserocrEngine(psm=psm)


def _preprocess(options: tuple[tuple[str, Any], ...]) -> Any:
    """The engine's preprocessing options with ``options`` set, or ``None`` for the engine's defaults."""
    if not options:
        return None
    from docflow.ocr.preprocess import PreprocessOptions

    return PreprocessOptions(**dict(options))


@functools.cache
def _review_confidence() -> float:
    """The pipeline's default review threshold (``Settings.receipts_review_confidence``)."""
    from docflow.config import Settings

    return float(Settings.model_fields["receipts_review_confidence"].default)


def _outcome(receipt: Any) -> dict[str, Any]:
    """The JSON contract plus what the bench needs beyond it: the stored status and VAT row confidence."""
    from docflow.pipeline.review import decide_status

    data: dict[str, Any] = receipt.to_json()
    data["status"] = decide_status(receipt, duplicate_of=None, review_confidence=_review_confidence())
    data["vat_confidence"] = min((row.confidence for row in receipt.vat), default=None)
    return data


class _RecordedHeader:
    """A header source that keeps what it read (timed by the reader itself), or replays saved lines."""

    def __init__(self, inner: Any = None, saved: Any = None) -> None:
        self.inner = inner
        self.header = saved

    def read(self) -> Any:
        if self.inner is not None:
            self.header, self.inner = self.inner.read(), None
        return self.header


class _RecordedLines:
    """A line source that keeps what it read, or replays saved readings (nothing for a line not saved)."""

    def __init__(self, inner: Any = None, saved: Sequence[dict[str, Any]] = ()) -> None:
        self.inner = inner
        self.readings: list[dict[str, Any]] = list(saved)

    def read(self, page: int, bbox: tuple[int, int, int, int]) -> tuple[str, ...]:
        if self.inner is None:
            found = (
                item["texts"] for item in self.readings if (item["page"], tuple(item["bbox"])) == (page, bbox)
            )
            return tuple(next(found, ()))
        texts = tuple(self.inner.read(page, bbox))
        self.readings.append({"page": page, "bbox": list(bbox), "texts": list(texts)})
        return texts


def _lines_json(lines: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {"text": line.text, "confidence": line.confidence, "bbox": list(line.bbox), "page": line.page}
        for line in lines
    ]


def _ocr_lines(items: list[dict[str, Any]]) -> tuple[Any, ...]:
    from docflow.ocr.models import OcrLine

    return tuple(
        OcrLine(item["text"], item["confidence"], tuple(item["bbox"]), item["page"]) for item in items
    )


def _header_cache(cache: Path) -> Path:
    """Where the header's second reading is kept beside a receipt's OCR lines (when it was read)."""
    return cache.with_name(cache.stem + ".header.json")


def _line_readings_cache(cache: Path) -> Path:
    """Where the lines read again (:mod:`docflow.ocr.line_reader`) are kept beside a receipt's OCR lines."""
    return cache.with_name(cache.stem + ".lines.json")


def _reused(job: Job, cache: Path) -> dict[str, Any]:
    """Extraction on saved OCR lines, with the header's saved second reading and the lines read again
    when there are some."""
    from docflow.ocr.header import HeaderRead
    from docflow.ocr.models import OcrResult, make_page
    from docflow.receipts.scan import read_receipt

    lines = _ocr_lines(json.loads(cache.read_text()))
    pages = tuple(
        make_page(
            number=number,
            width=0,
            height=0,
            lines=tuple(line for line in lines if line.page == number),
            source="ocr",
            seconds=0.0,
        )
        for number in sorted({line.page for line in lines})
    )
    header_file = _header_cache(cache)
    saved = None
    if header_file.exists():
        item = json.loads(header_file.read_text())
        saved = HeaderRead(_ocr_lines(item["lines"]), item["bottom"], item["page"], item["seconds"])
    readings_file = _line_readings_cache(cache)
    readings = json.loads(readings_file.read_text()) if readings_file.exists() else []
    # Receipts whose header was not read again replay nothing (``None``), as a reading with no time left.
    result = OcrResult(
        pages,
        "image/png",
        "",
        0.0,
        header_reader=_RecordedHeader(saved=saved),
        line_reader=_RecordedLines(saved=readings),
    )
    receipt = read_receipt(result, today=TODAY)
    return {
        "id": job.receipt_id,
        "receipt": _outcome(receipt),
        "seconds": None,
        "error": None,
        "header": None,
    }


def _scan(job: Job) -> dict[str, Any]:
    """Worker: OCR (or cached lines) + extraction for one receipt, timed; ``header`` holds the seconds
    the header's second reading took (``None`` when it was not read again)."""
    import dataclasses

    from docflow.receipts.scan import read_receipt

    cache = Path(job.cache) if job.cache else None
    started = time.perf_counter()
    if job.reuse and cache is not None and cache.exists():
        return _reused(job, cache)
    from docflow.ocr import DocumentError, read_document

    engine = _engine(job.psm)
    try:
        result = read_document(
            Path(job.image).read_bytes(),
            filename=Path(job.image).name,
            languages=job.languages,
            engine=engine,
            preprocess=_preprocess(job.options),
        )
    except DocumentError as error:
        return {"id": job.receipt_id, "receipt": None, "seconds": None, "error": error.code, "header": None}
    recorded = _RecordedHeader(result.header_reader) if result.header_reader is not None else None
    lines_read = _RecordedLines(result.line_reader) if result.line_reader is not None else None
    receipt = read_receipt(
        dataclasses.replace(result, header_reader=recorded, line_reader=lines_read), today=TODAY
    )
    seconds = time.perf_counter() - started
    header = recorded.header if recorded is not None else None
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(_lines_json(result.lines), ensure_ascii=False))
        header_file = _header_cache(cache)
        header_file.unlink(missing_ok=True)
        if header is not None:
            item = {
                "lines": _lines_json(header.lines),
                "bottom": header.bottom,
                "page": header.page,
                "seconds": header.seconds,
            }
            header_file.write_text(json.dumps(item, ensure_ascii=False))
        readings_file = _line_readings_cache(cache)
        readings_file.unlink(missing_ok=True)
        if lines_read is not None and lines_read.readings:
            readings_file.write_text(json.dumps(lines_read.readings, ensure_ascii=False))
    return {
        "id": job.receipt_id,
        "receipt": _outcome(receipt),
        "seconds": seconds,
        "error": None,
        "header": None if header is None else header.seconds,
        "lines": None if lines_read is None else len(lines_read.readings),
    }


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


def scan_set(
    name: str, labels: list[dict[str, Any]], image_dir: Path, args: argparse.Namespace
) -> list[dict[str, Any]]:
    """OCR + extraction of every labelled receipt in the worker pool, in label order."""
    jobs = [
        Job(
            label["id"],
            str(image_dir / label["image"]),
            str(OCR_CACHE / name / f"{label['id']}.json") if args.save_ocr or args.reuse_ocr else None,
            args.reuse_ocr,
            args.languages,
            args.psm,
            args.engine_options,
        )
        for label in labels
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        return list(pool.map(_scan, jobs))


def _plain_tesseract(image: str) -> float:
    """Worker: seconds for plain ``tesseract IMAGE stdout`` (one thread), the speed baseline."""
    import subprocess

    started = time.perf_counter()
    subprocess.run(
        ["tesseract", image, "stdout", "-l", "fin+eng"],
        check=True,
        capture_output=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return time.perf_counter() - started


def plain_tesseract_seconds(images: list[str], workers: int) -> list[float]:
    """Seconds per image of plain Tesseract on ``images``, in the worker pool."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_plain_tesseract, images))


def header_rereads(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How many OCR-read receipts had their header read again and the seconds it cost them."""
    read = [result for result in results if result["seconds"] is not None]
    seconds = [result["header"] for result in read if result.get("header") is not None]
    return {
        "read": len(read),
        "count": len(seconds),
        "median": statistics.median(seconds) if seconds else None,
        "mean": statistics.mean(seconds) if seconds else None,
    }


def line_rereads(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How many OCR-read receipts had lines read again (:mod:`docflow.ocr.line_reader`), how many lines."""
    read = [result for result in results if result["seconds"] is not None]
    lines = [result["lines"] for result in read if result.get("lines")]
    return {"read": len(read), "count": len(lines), "lines": sum(lines)}


def lines_line(stats: dict[str, Any]) -> str:
    """The share of receipts with lines read again, one line."""
    if not stats["read"]:
        return "lines read again: - (no OCR in this run)"
    share = stats["count"] / stats["read"]
    return (
        f"lines read again: {stats['count']}/{stats['read']} receipts ({_percent(share).strip()}), "
        f"{stats['lines']} lines"
    )


def header_line(stats: dict[str, Any]) -> str:
    """The header re-read share and its cost, one line."""
    if not stats["read"]:
        return "header read again: - (no OCR in this run)"
    share = stats["count"] / stats["read"]
    return (
        f"header read again: {stats['count']}/{stats['read']} receipts ({_percent(share).strip()}), "
        f"{_seconds(stats['median'])} median, {_seconds(stats['mean'])} mean each"
    )


def run_set(
    name: str,
    labels: list[dict[str, Any]],
    image_dir: Path,
    scorer: Callable[[dict[str, Any], dict[str, Any]], dict[str, bool | None]],
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Scan every labelled receipt of a set and aggregate the scores."""
    started = time.perf_counter()
    results = scan_set(name, labels, image_dir, args)
    wall = time.perf_counter() - started
    per_field: dict[str, list[bool]] = {}
    per_tier: dict[str, dict[str, list[bool]]] = {}
    vat_tp = vat_predicted = vat_expected = 0
    failures: list[dict[str, Any]] = []
    for label, result in zip(labels, results, strict=True):
        got = result["receipt"] or _empty_receipt()
        scores = scorer(label, got)
        for field_name, ok in scores.items():
            if ok is not None:
                per_field.setdefault(field_name, []).append(ok)
                if "tier" in label:
                    per_tier.setdefault(label["tier"], {}).setdefault(field_name, []).append(ok)
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
        "tiers": {
            tier: {field_name: sum(oks) / len(oks) for field_name, oks in fields.items()}
            for tier, fields in per_tier.items()
        },
        "vat_precision": vat_tp / vat_predicted if vat_predicted else None,
        "vat_recall": vat_tp / vat_expected if vat_expected else None,
        "median_seconds": statistics.median(seconds) if seconds else None,
        "p95_seconds": seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))] if seconds else None,
        "wall_seconds": wall,
        "errors": sum(1 for result in results if result["error"]),
        "header": header_rereads(results),
        "lines": line_rereads(results),
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
        tiers = list(report.get("tiers", {}))
        print(f"{'field':<14}{'accuracy':>10}{'baseline':>10}" + "".join(f"{tier:>10}" for tier in tiers))
        for field_name, accuracy in report["accuracy"].items():
            baseline = SROIE_BASELINE.get(field_name) if report["name"].startswith("sroie") else None
            by_tier = "".join(f"{_percent(report['tiers'][tier].get(field_name)):>10}" for tier in tiers)
            print(f"{field_name:<14}{_percent(accuracy):>10}{_percent(baseline):>10}{by_tier}")
        if report["vat_precision"] is not None or report["vat_recall"] is not None:
            precision, recall = _percent(report["vat_precision"]), _percent(report["vat_recall"])
            print(f"{'VAT rows P/R':<14}{precision:>10} / {recall}")
        print(
            f"seconds per receipt (OCR + extraction, one core): median {_seconds(report['median_seconds'])}, "
            f"p95 {_seconds(report['p95_seconds'])}; wall {report['wall_seconds']:.1f} s; "
            f"unreadable files {report['errors']}"
        )
        print(header_line(report["header"]))
        print(lines_line(report["lines"]))
        if report["name"].startswith("sroie"):
            print(f"baseline median: {_seconds(SROIE_BASELINE['median_seconds'])}")
    print(f"\npeak memory (ru_maxrss, largest process): {peak_mib:.0f} MiB")


CORPUS_DIR = REPO / ".local" / "bench"
GERMAN_DIR = _shared_data() / "receipts-de"
#: The German scans photographed (``tests/perf/german_photos``): a local folder, made on first use.
GERMAN_PHOTO_DIR = CORPUS_DIR / "receipts-de-photos"
PHOTO_LONG_SIDE = 4032


def engine_options(pairs: Sequence[str]) -> tuple[tuple[str, Any], ...]:
    """``NAME=VALUE`` pairs the engine's preprocessing options know, typed like their defaults."""
    import dataclasses

    try:
        from docflow.ocr.preprocess import PreprocessOptions
    except ImportError:
        known: dict[str, Any] = {}
    else:
        known = {field.name: field.default for field in dataclasses.fields(PreprocessOptions)}
    chosen: list[tuple[str, Any]] = []
    for pair in pairs:
        name, _, text = pair.partition("=")
        if name not in known:
            print(f"engine option {name!r} is not known to this engine: ignored", file=sys.stderr)
            continue
        default = known[name]
        value: Any
        if isinstance(default, bool):
            value = text.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int):
            value = int(text)
        elif isinstance(default, float):
            value = float(text)
        else:
            value = text
        chosen.append((name, value))
    return tuple(chosen)


def run_corpus(args: argparse.Namespace) -> dict[str, Any]:
    """Render (or reuse) the corpus, read it, and score it per family, tier and split."""
    from tests.perf.corpus_scores import Tally, deductible_by_quarter, score_receipt
    from tests.perf.receipt_corpus.corpus import build_corpus, families_of

    folder = CORPUS_DIR / f"corpus-{args.corpus_seed}-{args.per_family}"
    labels_path = build_corpus(
        folder, families_of("all"), per_family=args.per_family, seed=args.corpus_seed, workers=args.workers
    )
    labels = _load_jsonl(labels_path)[: args.limit]
    name = f"corpus-{args.corpus_seed}"
    results = scan_set(name, labels, folder, args)
    groups: dict[str, dict[str, Tally]] = {"family": {}, "tier": {}, "split": {}, "split_tier": {}}
    failures = []
    pairs = []
    for label, result in zip(labels, results, strict=True):
        got = result["receipt"] or {**_empty_receipt(), "status": "needs_review", "vat_confidence": None}
        scores = score_receipt(label, got)
        pairs.append((label, got))
        keys = {
            "family": label["family"],
            "tier": label["tier"],
            "split": label["split"],
            "split_tier": f"{label['split']}/{label['tier']}",
        }
        for group, key in keys.items():
            groups[group].setdefault(key, Tally()).add(label, got, scores)
        if not all(ok in (True, None) for ok in scores.values()):
            failures.append({"id": label["id"], "scores": scores, "got": got, "error": result["error"]})
    (CORPUS_DIR / f"failures-{name}.json").write_text(json.dumps(failures, ensure_ascii=False, indent=1))
    photo_seconds = sorted(
        result["seconds"]
        for label, result in zip(labels, results, strict=True)
        if result["seconds"] is not None and max(label["image_size"]) == PHOTO_LONG_SIDE
    )
    photos = [str(folder / label["image"]) for label in labels if max(label["image_size"]) == PHOTO_LONG_SIDE]
    baseline = plain_tesseract_seconds(photos[: args.speed_sample], args.workers) if photo_seconds else []
    held = [(label, got) for label, got in pairs if label["split"] == "held_out"]
    return {
        "name": name,
        "count": len(labels),
        "groups": {
            group: {key: tally.to_json() for key, tally in tallies.items()}
            for group, tallies in groups.items()
        },
        "deductible": deductible_by_quarter(pairs),
        "deductible_held_out": deductible_by_quarter(held),
        "family_split": {label["family"]: label["split"] for label in labels},
        "photo_median": statistics.median(photo_seconds) if photo_seconds else None,
        "photo_count": len(photo_seconds),
        "baseline_median": statistics.median(baseline) if baseline else None,
        "baseline_count": len(baseline),
        "header": header_rereads(results),
        "lines": line_rereads(results),
    }


def _cell(value: float | None) -> str:
    return "    -" if value is None else f"{100 * value:5.1f}"


def print_corpus(report: dict[str, Any], args: argparse.Namespace) -> None:
    """The corpus tables: per split, per tier, per family; confident errors, status, deductible VAT, speed."""
    from tests.perf.corpus_scores import FIELDS, percent_error

    short = {
        "merchant": "merch",
        "business_id": "y-tun",
        "date": "date",
        "total": "total",
        "currency": "curr",
        "vat_exact": "vatEx",
        "items": "items",
    }
    head = f"{'':<22}{'n':>4} " + " ".join(f"{short[name]:>6}" for name in FIELDS) + f"{'vatP':>7}{'vatR':>7}"
    print(f"\n== receipt corpus (seed {args.corpus_seed}): {report['count']} images, accuracy in % ==")

    def line(key: str, tally: dict[str, Any]) -> None:
        cells = " ".join(f"{_cell(tally['accuracy'][name]):>6}" for name in FIELDS)
        print(
            f"{key:<22}{tally['count']:>4} {cells}"
            f"{_cell(tally['vat_precision']):>7}{_cell(tally['vat_recall']):>7}"
        )

    groups = report["groups"]
    print(head)
    for key in ("held_out", "tuning"):
        if key in groups["split"]:
            line(key.upper() if key == "held_out" else key, groups["split"][key])
    for key in sorted(groups["split_tier"]):
        line(f"  {key}", groups["split_tier"][key])
    print("by tier")
    for key in ("clean", "light", "heavy"):
        if key in groups["tier"]:
            line(f"  {key}", groups["tier"][key])
    print("by family (* held out)")
    for key in sorted(groups["family"], key=lambda name: (report["family_split"][name] != "held_out", name)):
        mark = "*" if report["family_split"][key] == "held_out" else " "
        line(f"{mark} {key}", groups["family"][key])
    print("\nwrong values with confidence >= 0.9 (count), status (pipeline rule, no duplicates)")
    print(
        f"{'':<22}"
        + " ".join(f"{short[name]:>6}" for name in FIELDS)
        + f"{'processed':>11}{'review':>8}{'proc+badVAT':>13}"
    )
    for key in ("held_out", "tuning"):
        tally = groups["split"].get(key)
        if tally:
            cells = " ".join(f"{tally['confident_wrong'][name]:>6}" for name in FIELDS)
            print(
                f"{key:<22}{cells}{tally['processed']:>11}{tally['needs_review']:>8}{tally['processed_wrong_vat']:>13}"
            )
    for title, quarters in (
        ("all Finnish", report["deductible"]),
        ("held-out Finnish", report["deductible_held_out"]),
    ):
        truth = sum((q["truth"] for q in quarters.values()), Decimal(0))
        engine = sum((q["engine"] for q in quarters.values()), Decimal(0))
        abs_error = sum((abs(q["engine"] - q["truth"]) for q in quarters.values()), Decimal(0))
        print(f"\ndeductible VAT per quarter, {title} receipts (processed ones booked by the read date)")
        print(f"{'quarter':<10}{'truth':>10}{'engine':>10}{'error':>9}")
        for quarter, amounts in quarters.items():
            error = percent_error(amounts["truth"], amounts["engine"])
            print(
                f"{quarter:<10}{amounts['truth']:>10}{amounts['engine']:>10}"
                f"{'-' if error is None else f'{error:+.1f} %':>9}"
            )
        total_error = percent_error(truth, engine)
        share = float(abs_error / truth * 100) if truth else None
        print(
            f"{'all':<10}{truth:>10}{engine:>10}{'-' if total_error is None else f'{total_error:+.1f} %':>9}"
            f"   sum of |quarter error| / truth: {'-' if share is None else f'{share:.1f} %'}"
        )
    median, baseline = report["photo_median"], report["baseline_median"]
    ratio = f"{median / baseline:.2f}x" if median and baseline else "-"
    print(
        f"\nseconds per phone photo (long side {PHOTO_LONG_SIDE} px, one core): "
        f"engine median {_seconds(median)} "
        f"over {report['photo_count']}; plain tesseract median {_seconds(baseline)} over "
        f"{report['baseline_count']}; ratio {ratio}"
    )
    print(header_line(report["header"]))
    print(lines_line(report["lines"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick", action="store_true", help="one receipt per family, SROIE and scans cut to 10"
    )
    parser.add_argument("--per-family", type=int, default=None, help="corpus receipts per family (default 4)")
    parser.add_argument("--corpus-seed", type=int, default=2026)
    parser.add_argument("--speed-sample", type=int, default=None, help="photos timed with plain tesseract")
    parser.add_argument("--engine-option", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--sroie-dir", type=Path, default=SROIE_DIR, help="the SROIE folder")
    parser.add_argument(
        "--sroie-split", default="test.jsonl", help="labels file in the SROIE folder: dev.jsonl or test.jsonl"
    )
    parser.add_argument("--old-finnish", action="store_true", help="also the earlier single-generator set")
    parser.add_argument("--finnish-count", type=int, default=150)
    parser.add_argument(
        "--finnish-seed", type=int, default=None, help="render the old set with this seed instead"
    )
    parser.add_argument("--photo-count", type=int, default=0, help="old set: receipts also at photo size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N receipts of each set")
    parser.add_argument("--skip-sroie", action="store_true")
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-german", action="store_true")
    parser.add_argument("--psm", type=int, default=None, help="Tesseract page segmentation mode")
    parser.add_argument(
        "--languages", default=None, help="OCR languages, e.g. fin+eng (default: the engine's)"
    )
    parser.add_argument("--save-ocr", action="store_true", help="keep OCR lines for --reuse-ocr")
    parser.add_argument("--reuse-ocr", action="store_true", help="extraction only, on saved OCR lines")
    args = parser.parse_args(argv)
    args.engine_options = engine_options(args.engine_option)
    args.per_family = args.per_family or (1 if args.quick else 4)
    args.speed_sample = args.speed_sample or (2 if args.quick else 8)
    small = 10 if args.quick else None
    reports = []
    corpus = None if args.skip_corpus else run_corpus(args)
    if not args.skip_german:
        labels = [
            {**label, "id": Path(label["image"]).stem} for label in _load_jsonl(GERMAN_DIR / "labels.jsonl")
        ]
        from tests.perf.corpus_scores import score_german_scan

        reports.append(
            run_set("receipts-de", labels[: small or args.limit], GERMAN_DIR, score_german_scan, args)
        )
        from tests.perf.german_photos import build_photos

        photos_labels = _load_jsonl(build_photos(GERMAN_DIR, GERMAN_PHOTO_DIR))[: small or args.limit]
        reports.append(
            run_set("receipts-de-photos", photos_labels, GERMAN_PHOTO_DIR, score_german_scan, args)
        )
    if not args.skip_sroie:
        labels = _load_jsonl(args.sroie_dir / args.sroie_split)[: small or args.limit]
        name = f"sroie-{args.sroie_split.removesuffix('.jsonl')}"
        reports.append(run_set(name, labels, args.sroie_dir, score_sroie, args))
    if args.old_finnish:
        from tests.perf.finnish_receipts.render import build_set

        name = "finnish" if args.finnish_seed is None else f"finnish-seed{args.finnish_seed}"
        folder = FINNISH_DIR.with_name(name)
        seed = {} if args.finnish_seed is None else {"seed": args.finnish_seed}
        labels_path = build_set(folder, count=args.finnish_count, **seed)
        labels = _load_jsonl(labels_path)[: small or args.limit]
        reports.append(run_set(name, labels, folder, score_finnish, args))
        if args.photo_count:
            from tests.perf.finnish_receipts.render import build_photo_set

            photo_folder = folder.with_name(f"{name}-photo")
            photo_labels = _load_jsonl(build_photo_set(folder, photo_folder, args.photo_count))
            reports.append(run_set(f"{name}-photo", photo_labels, photo_folder, score_finnish, args))
    if args.engine_options:
        print(f"engine options: {dict(args.engine_options)}")
    if corpus is not None:
        print_corpus(corpus, args)
        (CORPUS_DIR / "report-corpus.json").write_text(json.dumps(corpus, default=str, indent=1))
    print_report(reports, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

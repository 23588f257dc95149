"""Photo preprocessing benchmark: field accuracy and seconds with each preparation step on and off.

Run from the repository root: ``python -m tests.perf.bench_preprocess`` (options: ``--help``).

Synthetic Finnish receipts (``tests/perf/finnish_receipts`` content) are printed at camera
resolution and photographed: the paper tilted 3-8 degrees and foreshortened, laid on a grey or
cluttered table, lit by a gradient and a soft shadow, blurred 1-2 px, saved as JPEG quality 50-70,
4032 px long side. A few level scans of the same receipts measure what the steps cost a page that
needs none of them. ``--corpus DIR`` reads a folder with ``labels.jsonl`` (``image``, ``date``,
``total``, ``business_id``) instead of the rendered photos.

Each configuration reads every image: ``today`` (crop and scale only, the pipeline before these
steps), ``all`` (every step), ``all`` without one step, and ``today`` with one step. Reported per
configuration: total, date and Y-tunnus read right (``extract_receipt``), and the median seconds
per receipt (decode + preparation + OCR + extraction, one core, ``OMP_THREAD_LIMIT=1``) as a
ratio to ``today`` measured in the same run, since absolute times depend on the machine's load,
and the median CPU seconds of the reading process (Tesseract runs in it through tesserocr), which
a busy machine disturbs far less.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from docflow.ocr.geometry import homography, pillow_coefficients
from docflow.ocr.preprocess import PreprocessOptions
from tests.perf.finnish_receipts.content import make_receipt
from tests.perf.finnish_receipts.render import FONT_DIR, FONTS, PHOTO_LONG_SIDE

REPO = Path(__file__).resolve().parents[2]
OUT_DIR = REPO / ".local" / "bench" / "preprocess"
TODAY = dt.date(2026, 11, 27)
SEED = 4032
FIELDS = ("total", "date", "business_id")

TODAY_OPTIONS = PreprocessOptions(straighten_paper=False, deskew=False, flatten_light=False, find_text=False)
ALL_OPTIONS = PreprocessOptions()
STEPS = ("straighten_paper", "deskew", "flatten_light", "find_text", "mask_clutter", "scale_text")


def configurations() -> dict[str, PreprocessOptions]:
    """The option sets compared: today's, all steps, all but one, today's plus one."""
    configs = {"today": TODAY_OPTIONS, "all": ALL_OPTIONS}
    for step in STEPS:
        configs[f"all -{step}"] = dataclasses.replace(ALL_OPTIONS, **{step: False})
    for step in STEPS[:4]:
        configs[f"today +{step}"] = dataclasses.replace(TODAY_OPTIONS, **{step: True})
    for height in (20, 30):
        configs[f"all text {height} px"] = dataclasses.replace(ALL_OPTIONS, target_text_height=height)
    return configs


# --- rendering ------------------------------------------------------------------------------------


def render_paper(rows: Sequence[tuple[str, str]], rng: random.Random, scale: float) -> Image.Image:
    """The printed receipt at ``scale`` times the size of the Finnish set's receipts."""
    font_path = FONT_DIR / FONTS[rng.randrange(len(FONTS))]
    size = round(rng.randrange(22, 28) * scale)
    font = ImageFont.truetype(str(font_path), size)
    width = round((560 + rng.randrange(0, 80)) * scale)
    margin = round(30 * scale)
    line_height = int(size * 1.45)
    paper = Image.new("L", (width, margin * 2 + line_height * len(rows)), 245)
    draw = ImageDraw.Draw(paper)
    for row, (left, right) in enumerate(rows):
        y = margin + row * line_height
        if left:
            draw.text((margin, y), left, font=font, fill=20)
        if right:
            draw.text((width - margin - draw.textlength(right, font=font), y), right, font=font, fill=20)
    return paper


def _table(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A grey table, sometimes cluttered with other objects (some of them bright)."""
    table = Image.new("L", size, rng.randrange(50, 140))
    if rng.random() < 0.6:
        draw = ImageDraw.Draw(table)
        for _ in range(rng.randrange(2, 7)):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            w, h = rng.randrange(200, 1200), rng.randrange(200, 1200)
            shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
            shape((x, y, x + w, y + h), fill=rng.randrange(30, 200))
    noise = Image.effect_noise(size, rng.uniform(5, 15))
    return Image.blend(table, noise, 0.15)


def photograph(paper: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo of ``paper``: tilted, foreshortened, on a table, unevenly lit, blurred."""
    long_side = PHOTO_LONG_SIDE
    canvas = (round(long_side * 3 / 4), long_side)
    fit = min(
        canvas[0] * rng.uniform(0.55, 0.8) / paper.width, canvas[1] * rng.uniform(0.8, 0.9) / paper.height
    )
    width, height = paper.width * fit, paper.height * fit
    angle = math.radians(rng.uniform(3, 8) * rng.choice((-1, 1)))
    center = (canvas[0] / 2 + rng.uniform(-0.05, 0.05) * canvas[0], canvas[1] / 2)
    corners = []
    for x, y in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        dx, dy = x * width / 2, y * height / 2
        # Perspective: the top (or bottom) edge a little narrower, every corner a little off.
        dx *= 1 + y * rng.uniform(0.0, 0.06)
        dx, dy = dx + rng.uniform(-0.01, 0.01) * width, dy + rng.uniform(-0.01, 0.01) * height
        corners.append(
            (
                center[0] + dx * math.cos(angle) - dy * math.sin(angle),
                center[1] + dx * math.sin(angle) + dy * math.cos(angle),
            )
        )
    paper_corners = ((0, 0), (paper.width, 0), (paper.width, paper.height), (0, paper.height))
    coefficients = pillow_coefficients(homography(corners, paper_corners))
    warped = paper.transform(canvas, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    mask = Image.new("L", paper.size, 255).transform(canvas, Image.Transform.PERSPECTIVE, coefficients)
    photo = Image.composite(warped, _table(canvas, rng), mask)
    # Light: a gradient across the frame and a soft shadow (a hand, a phone) over part of it.
    gradient = Image.linear_gradient("L").resize(canvas).rotate(rng.uniform(0, 360), fillcolor=128)
    strength = rng.uniform(0.2, 0.45)
    light = gradient.point(lambda value: round(255 * (1 - strength * value / 255)))
    shadow = Image.new("L", (canvas[0] // 8, canvas[1] // 8), 255)
    sx, sy = rng.randrange(shadow.width), rng.randrange(shadow.height)
    radius = rng.randrange(60, 160)
    ImageDraw.Draw(shadow).ellipse(
        (sx - radius, sy - radius, sx + radius, sy + radius), fill=rng.randrange(130, 190)
    )
    shadow = shadow.filter(ImageFilter.GaussianBlur(25)).resize(canvas, Image.Resampling.BILINEAR)
    from PIL import ImageChops

    light = ImageChops.multiply(light, shadow)
    photo = ImageChops.multiply(photo, light)
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 2.0)))
    return Image.blend(photo, Image.effect_noise(canvas, 20), rng.uniform(0.03, 0.08))


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def build_photos(count: int, scans: int, seed: int) -> list[dict[str, Any]]:
    """Render (once) ``count`` phone photos and ``scans`` level scans; their labels."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    labels = []
    for index in range(count + scans):
        receipt = make_receipt(index, seed)
        kind = "photo" if index < count else "scan"
        name = f"{kind}-{seed}-{receipt.receipt_id}.jpg"
        target = OUT_DIR / name
        if not target.exists():
            rng = random.Random(seed * 7919 + index)
            if kind == "photo":
                data = _jpeg(photograph(render_paper(receipt.rows, rng, 3.0), rng), rng.randrange(50, 71))
            else:
                data = _jpeg(render_paper(receipt.rows, rng, 1.5), 85)
            target.write_bytes(data)
        labels.append({**receipt.labels, "image": str(target), "kind": kind})
    return labels


# --- reading --------------------------------------------------------------------------------------


def _read(job: tuple[str, PreprocessOptions]) -> dict[str, Any]:
    """Worker: decode, prepare, OCR and extract one image, timed."""
    from docflow.ocr import DocumentError, read_document
    from docflow.ocr.engine_choice import default_engine
    from docflow.receipts.extract import extract_receipt

    path, options = job
    data = Path(path).read_bytes()
    engine = default_engine()
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        result = read_document(data, filename=Path(path).name, engine=engine, preprocess=options)
    except DocumentError as error:
        return {"receipt": None, "seconds": None, "cpu": None, "error": error.code}
    receipt = extract_receipt(result.lines, today=TODAY).to_json()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return {"receipt": receipt, "seconds": seconds, "cpu": cpu, "error": None}


def _warm(_: int) -> None:
    from docflow.ocr.engine_choice import default_engine

    default_engine().recognize(Image.new("L", (64, 64), 255), languages=None, timeout_seconds=30)


def score(label: dict[str, Any], got: dict[str, Any] | None) -> dict[str, bool]:
    """Per field: whether the extracted value equals the label."""
    got = got or {}
    return {
        "total": got.get("total") is not None and Decimal(got["total"]) == Decimal(str(label["total"])),
        "date": got.get("date") == label.get("date"),
        "business_id": got.get("business_id") == label.get("business_id"),
    }


def run(
    labels: list[dict[str, Any]], configs: dict[str, PreprocessOptions], workers: int
) -> list[dict[str, Any]]:
    """Every configuration on every image; per configuration and kind the accuracy and median seconds."""
    jobs = [(label["image"], options) for options in configs.values() for label in labels]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_warm, range(workers)))
        # Interleave configurations so a change in the machine's load hits them all alike.
        order = sorted(range(len(jobs)), key=lambda index: (index % len(labels), index // len(labels)))
        results_in_order = list(pool.map(_read, [jobs[index] for index in order]))
    results: list[dict[str, Any]] = [{}] * len(jobs)
    for index, result in zip(order, results_in_order, strict=True):
        results[index] = result
    rows = []
    for position, name in enumerate(configs):
        chunk = results[position * len(labels) : (position + 1) * len(labels)]
        for kind in sorted({label["kind"] for label in labels}):
            pairs = [
                (label, result) for label, result in zip(labels, chunk, strict=True) if label["kind"] == kind
            ]
            scores = [score(label, result["receipt"]) for label, result in pairs]
            seconds = [result["seconds"] for _, result in pairs if result["seconds"] is not None]
            cpu = [result["cpu"] for _, result in pairs if result["cpu"] is not None]
            rows.append(
                {
                    "config": name,
                    "kind": kind,
                    "count": len(pairs),
                    **{field: sum(s[field] for s in scores) / len(scores) for field in FIELDS},
                    "median_seconds": statistics.median(seconds) if seconds else None,
                    "median_cpu": statistics.median(cpu) if cpu else None,
                }
            )
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    """The table on stdout, seconds as a ratio to ``today`` of the same kind."""
    baseline = {row["kind"]: row["median_seconds"] for row in rows if row["config"] == "today"}
    print(
        f"{'configuration':<26}{'kind':<7}{'n':>4}{'total':>8}{'date':>8}"
        f"{'Y-tunnus':>10}{'median s':>10}{'x today':>9}{'CPU s':>8}"
    )
    for row in sorted(rows, key=lambda item: item["kind"]):
        seconds = row["median_seconds"]
        ratio = seconds / baseline[row["kind"]] if seconds and baseline.get(row["kind"]) else None
        print(
            f"{row['config']:<26}{row['kind']:<7}{row['count']:>4}"
            + "".join(f"{100 * row[field]:>7.1f}%" for field in ("total", "date"))
            + f"{100 * row['business_id']:>9.1f}%"
            + (f"{seconds:>10.2f}" if seconds else f"{'-':>10}")
            + (f"{ratio:>9.2f}" if ratio else f"{'-':>9}")
            + (f"{row['median_cpu']:>8.2f}" if row["median_cpu"] else f"{'-':>8}")
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Render (or read) the images, run every configuration and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=30, help="phone photos to render")
    parser.add_argument("--scans", type=int, default=6, help="level scans to render")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--corpus", type=Path, default=None, help="folder with labels.jsonl and images")
    parser.add_argument("--limit", type=int, default=None, help="only the first N corpus images")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--configs", default=None, help="comma-separated configuration names")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    if args.corpus:
        lines = (args.corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        labels = [json.loads(line) for line in lines if line.strip()][: args.limit]
        for label in labels:
            label["image"] = str(args.corpus / label["image"])
            label["kind"] = str(label.get("tier", label.get("damage", "corpus")))
    else:
        labels = build_photos(args.count, args.scans, args.seed)
    configs = configurations()
    if args.configs:
        configs = {name: configs[name] for name in args.configs.split(",")}
        configs.setdefault("today", TODAY_OPTIONS)
    rows = run(labels, configs, args.workers)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

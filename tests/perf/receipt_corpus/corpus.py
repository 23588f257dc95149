"""Render a corpus: every family's receipts in every damage tier, images plus ``labels.jsonl``.

``python -m tests.perf.receipt_corpus --out DIR --split tuning`` renders the tuning families only (the
shared corpus folder must never get a held-out family). The same seed renders the same bytes; images
already rendered by the same generator version are kept.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import shutil
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tests.perf.receipt_corpus.damage import TIERS, damage
from tests.perf.receipt_corpus.families import BY_NAME, FAMILIES, HELD_OUT, TUNING, make_receipt
from tests.perf.receipt_corpus.render import print_sheet

#: Bump when a change alters the rendered images, so cached corpora are rendered again.
GENERATOR_VERSION = 1
DEFAULT_SEED = 2026
DEFAULT_PER_FAMILY = 5
#: The folder shared with engine work: tuning families only.
SHARED_FOLDER = Path("/work/bench-corpus")


def families_of(split: str) -> tuple[str, ...]:
    """Family names of ``tuning``, ``held_out`` or ``all``."""
    return {"tuning": TUNING, "held_out": HELD_OUT, "all": tuple(f.name for f in FAMILIES)}[split]


def _render_one(task: tuple[str, int, int, tuple[str, ...], str]) -> list[dict[str, Any]]:
    """Worker: one receipt in each tier; returns its labels (one per tier)."""
    family_name, index, seed, tiers, out = task
    family = BY_NAME[family_name]
    receipt, sheet = make_receipt(family, index, seed)
    render_rng = random.Random(f"{seed}:{receipt.receipt_id}:print")
    style = render_rng.choice(family.fonts)
    printed = print_sheet(sheet, render_rng, style)
    labels = []
    for tier in tiers:
        image_name = f"{receipt.receipt_id}-{tier}.jpg"
        target = Path(out) / image_name
        rng = random.Random(f"{seed}:{receipt.receipt_id}:{tier}")
        image, quality = damage(printed.image, tier, rng)
        if not target.exists():
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality)
            target.write_bytes(buffer.getvalue())
        labels.append(
            {
                **receipt.label(),
                "id": f"{receipt.receipt_id}-{tier}",
                "receipt": receipt.receipt_id,
                "tier": tier,
                "image": image_name,
                "image_size": list(image.size),
                "jpeg_quality": quality,
                "font": printed.font,
                "print_style": style,
                "width_chars": sheet.width,
                "printed_lines": len(sheet.rows),
            }
        )
    return labels


def build_corpus(
    out_dir: Path,
    families: Sequence[str],
    *,
    per_family: int = DEFAULT_PER_FAMILY,
    seed: int = DEFAULT_SEED,
    tiers: Sequence[str] = TIERS,
    workers: int = 2,
) -> Path:
    """Render ``per_family`` receipts of each family in each tier into ``out_dir``; returns labels.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    version_file = out_dir / ".generator"
    stamp = f"{GENERATOR_VERSION}:{seed}"
    if not version_file.exists() or version_file.read_text() != stamp:
        for old in out_dir.glob("*.jpg"):
            old.unlink()
        version_file.write_text(stamp)
    labels_path = out_dir / "labels.jsonl"
    wanted = {
        f"{name}-{index:03d}-{tier}" for name in families for index in range(per_family) for tier in tiers
    }
    if labels_path.exists():
        cached = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
        if {label["id"] for label in cached} == wanted and all(
            (out_dir / label["image"]).exists() for label in cached
        ):
            return labels_path  # rendered before by this generator version and seed
    tasks = [
        (name, index, seed, tuple(tiers), str(out_dir)) for name in families for index in range(per_family)
    ]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_render_one, tasks))
    else:
        results = [_render_one(task) for task in tasks]
    with labels_path.open("w", encoding="utf-8") as handle:
        for labels in results:
            for label in labels:
                handle.write(json.dumps(label, ensure_ascii=False) + "\n")
    return labels_path


def main(argv: Sequence[str] | None = None) -> int:
    """Render a corpus from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--split", choices=("tuning", "held_out", "all"), default="tuning")
    parser.add_argument("--per-family", type=int, default=DEFAULT_PER_FAMILY)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clean", action="store_true", help="empty the folder first")
    args = parser.parse_args(argv)
    if args.split != "tuning" and SHARED_FOLDER in args.out.resolve().parents:
        parser.error(f"held-out families never go to {SHARED_FOLDER}: use --split tuning there")
    if args.clean and args.out.exists():
        shutil.rmtree(args.out)
    labels = build_corpus(
        args.out, families_of(args.split), per_family=args.per_family, seed=args.seed, workers=args.workers
    )
    print(f"{sum(1 for _ in labels.open())} images and labels in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

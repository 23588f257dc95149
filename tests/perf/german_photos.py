"""Real print photographed: the German scans passed through the corpus's photo damage.

Each scan of ``receipts-de`` (real thermal print, about 300 dpi, like the corpus's paper) is turned into
a ``light`` and a ``heavy`` phone photo by :func:`tests.perf.receipt_corpus.damage.damage`, with a
random generator seeded by the scan's name and the tier, so the same scans give the same bytes. The
photos go to a local folder (never the repository), with ``labels.jsonl``: the scan's label plus
``id`` (``STEM-TIER``), ``tier``, ``image``, ``source_image`` and ``image_size``.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from tests.perf.receipt_corpus.damage import damage

#: Bump when a change alters the photos, so a cached folder is rendered again.
PHOTO_VERSION = 1
PHOTO_TIERS = ("light", "heavy")


def photo_of(scan: Image.Image, tier: str, key: str) -> tuple[Image.Image, int]:
    """The phone photo of ``scan`` in ``tier`` (seeded by ``key`` and the tier) and its JPEG quality."""
    rng = random.Random(f"receipts-de-photo:{key}:{tier}")
    return damage(scan.convert("L"), tier, rng)


def build_photos(scan_dir: Path, out_dir: Path, tiers: Sequence[str] = PHOTO_TIERS) -> Path:
    """Photograph every labelled scan of ``scan_dir`` in each tier into ``out_dir``; returns labels.jsonl.

    Photos already made by the same version for the same labels are kept.
    """
    scans = [
        json.loads(line)
        for line in (scan_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    labels_path = out_dir / "labels.jsonl"
    stamp = out_dir / ".version"
    wanted = {f"{Path(scan['image']).stem}-{tier}" for scan in scans for tier in tiers}
    if labels_path.exists() and stamp.exists() and stamp.read_text() == str(PHOTO_VERSION):
        cached = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines()]
        if {label["id"] for label in cached} == wanted and all(
            (out_dir / label["image"]).exists() for label in cached
        ):
            return labels_path
    labels: list[dict[str, Any]] = []
    for scan in scans:
        stem = Path(scan["image"]).stem
        with Image.open(scan_dir / scan["image"]) as source:
            source.load()
            for tier in tiers:
                photo, quality = photo_of(source, tier, stem)
                buffer = io.BytesIO()
                photo.save(buffer, format="JPEG", quality=quality)
                name = f"{stem}-{tier}.jpg"
                (out_dir / name).write_bytes(buffer.getvalue())
                labels.append(
                    {
                        **scan,
                        "id": f"{stem}-{tier}",
                        "tier": tier,
                        "image": name,
                        "source_image": scan["image"],
                        "image_size": list(photo.size),
                    }
                )
    with labels_path.open("w", encoding="utf-8") as handle:
        for label in labels:
            handle.write(json.dumps(label, ensure_ascii=False) + "\n")
    stamp.write_text(str(PHOTO_VERSION))
    return labels_path

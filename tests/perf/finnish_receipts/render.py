"""Render synthetic receipts to photo-like JPEGs: several fonts, noise, blur, rotation, uneven light.

All randomness comes from a seeded ``random.Random``, so the same seed renders the same bytes.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.perf.finnish_receipts.content import SyntheticReceipt, make_receipt

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = (
    "dejavu/DejaVuSans.ttf",
    "dejavu/DejaVuSansMono.ttf",
    "dejavu/DejaVuSerif.ttf",
    "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationMono-Regular.ttf",
    "liberation/LiberationSerif-Regular.ttf",
)
DEFAULT_SEED = 2026
DEFAULT_COUNT = 150


def render(receipt: SyntheticReceipt, rng: random.Random) -> Image.Image:
    """A grayscale photo of the printed receipt."""
    font_path = FONT_DIR / FONTS[rng.randrange(len(FONTS))]
    size = rng.randrange(22, 28)
    font = ImageFont.truetype(str(font_path), size)
    width = 560 + rng.randrange(0, 80)
    margin = 30
    line_height = int(size * 1.45)
    height = margin * 2 + line_height * len(receipt.rows)
    paper = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(paper)
    for row, (left, right) in enumerate(receipt.rows):
        y = margin + row * line_height
        if left:
            draw.text((margin, y), left, font=font, fill=20)
        if right:
            right_width = draw.textlength(right, font=font)
            draw.text((width - margin - right_width, y), right, font=font, fill=20)
    return _photograph(paper, rng)


def _photograph(paper: Image.Image, rng: random.Random) -> Image.Image:
    """Place the paper on a darker background, then tilt, blur, light unevenly and add sensor noise."""
    pad = 40
    photo = Image.new("L", (paper.width + 2 * pad, paper.height + 2 * pad), rng.randrange(60, 120))
    photo.paste(paper, (pad, pad))
    angle = rng.uniform(-2.0, 2.0)
    photo = photo.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=90)
    blur = rng.uniform(0.0, 1.1)
    if blur > 0.3:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    gradient = Image.linear_gradient("L").resize(photo.size).rotate(rng.choice((0, 90, 180, 270)))
    strength = rng.randrange(20, 70)
    light = gradient.point(lambda value: 255 - value * strength // 255)
    photo = Image.composite(photo, Image.new("L", photo.size, 0), light)
    noise = Image.frombytes("L", photo.size, rng.randbytes(photo.width * photo.height))
    return Image.blend(photo, noise, rng.uniform(0.04, 0.12))


def build_set(out_dir: Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> Path:
    """Render ``count`` receipts into ``out_dir`` (skipping existing images) and write labels.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    labels_path = out_dir / "labels.jsonl"
    with labels_path.open("w", encoding="utf-8") as labels:
        for index in range(count):
            receipt = make_receipt(index, seed)
            image_name = f"{receipt.receipt_id}.jpg"
            target = out_dir / image_name
            if not target.exists():
                image = render(receipt, random.Random(seed * 7919 + index))
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=88)
                target.write_bytes(buffer.getvalue())
            labels.write(json.dumps({**receipt.labels, "image": image_name}, ensure_ascii=False) + "\n")
    return labels_path


#: Long side of a phone camera's photo (a 12 MP picture is 4032 x 3024).
PHOTO_LONG_SIDE = 4032


def build_photo_set(source_dir: Path, out_dir: Path, count: int) -> Path:
    """The first ``count`` receipts of a rendered set enlarged to phone-photo size (for timing).

    Each image is scaled (Lanczos) so its long side is :data:`PHOTO_LONG_SIDE`, as a phone camera
    would deliver it; the labels are the source set's.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    source_labels = (source_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()[:count]
    for line in source_labels:
        image_name = json.loads(line)["image"]
        target = out_dir / image_name
        if target.exists():
            continue
        with Image.open(source_dir / image_name) as source:
            factor = PHOTO_LONG_SIDE / max(source.size)
            size = (round(source.width * factor), round(source.height * factor))
            photo = source.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        photo.save(buffer, format="JPEG", quality=90)
        target.write_bytes(buffer.getvalue())
    labels_path = out_dir / "labels.jsonl"
    labels_path.write_text("\n".join(source_labels) + "\n", encoding="utf-8")
    return labels_path

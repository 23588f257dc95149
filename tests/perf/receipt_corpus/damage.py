"""Damage tiers: how the printed paper becomes the image a user uploads.

- ``clean``: a flatbed scan. The paper at about 300 dpi on the scanner's white, no rotation, JPEG
  quality 90-95. Long side 900-3500 px (the receipt's own length).
- ``light``: a careful phone photo. Canvas 4:3 with long side 3000-4032 px, paper filling 60-90 % of the
  height, rotation within +-3 degrees, Gaussian blur sigma 0-1 px, a plain grey or light table, light
  falloff up to 20 %, sensor noise 2-4 %, JPEG quality 80-90.
- ``heavy``: a hurried photo. Same canvas sizes; rotation 4-8 degrees (either way), perspective (each
  corner moved by up to 5 % of the paper's size), blur sigma 1-2 px, a soft shadow across part of the
  paper (25-55 % darker), uneven light (falloff 30-60 %), low contrast (ink lifted to 60-110, paper
  lowered to 170-215), background clutter (other papers, objects, wood grain) or a grey table, sensor
  noise 4-8 %, JPEG quality 50-70.

Photos are RGB with a slight colour cast; scans are grayscale. All randomness comes from the caller's
``random.Random``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

TIERS = ("clean", "light", "heavy")
PHOTO_SIZES = ((3024, 4032), (3000, 4000), (2448, 3264), (2250, 3000))


@dataclass(frozen=True, slots=True)
class TierParams:
    """The numbers of one tier (see the module docstring)."""

    rotation: tuple[float, float]
    blur: tuple[float, float]
    perspective: float
    shadow: tuple[float, float] | None
    falloff: tuple[float, float]
    noise: tuple[float, float]
    quality: tuple[int, int]
    low_contrast: bool
    clutter: bool


PARAMS = {
    "clean": TierParams((0, 0), (0, 0), 0, None, (0, 0), (0, 0.01), (90, 95), False, False),
    "light": TierParams((0, 3), (0, 1), 0, None, (0, 0.2), (0.02, 0.04), (80, 90), False, False),
    "heavy": TierParams((4, 8), (1, 2), 0.05, (0.25, 0.55), (0.3, 0.6), (0.04, 0.08), (50, 70), True, True),
}


def damage(paper: Image.Image, tier: str, rng: random.Random) -> tuple[Image.Image, int]:
    """The uploaded image for ``paper`` in ``tier`` and the JPEG quality to save it with."""
    params = PARAMS[tier]
    quality = rng.randint(*params.quality)
    if tier == "clean":
        pad = rng.randrange(10, 40)
        scan = Image.new("L", (paper.width + 2 * pad, paper.height + 2 * pad), rng.randrange(238, 252))
        scan.paste(paper.point(lambda v: v * 0.96 + 4), (pad, pad))
        return _noise(scan, rng.uniform(*params.noise), rng), quality
    width, height = rng.choice(PHOTO_SIZES)
    background = _background(width, height, params.clutter, rng)
    if params.low_contrast:
        ink, white = rng.randrange(60, 110), rng.randrange(170, 215)
    else:
        ink, white = rng.randrange(0, 30), rng.randrange(215, 250)
    paper = paper.point(lambda v: ink + v * (white - ink) / 255)
    quad = _paper_quad(paper.size, (width, height), params, rng)
    photo = _place(paper, quad, background)
    blur = rng.uniform(*params.blur)
    if blur > 0.2:
        photo = photo.filter(ImageFilter.GaussianBlur(blur))
    photo = _light(photo, rng.uniform(*params.falloff), rng)
    if params.shadow:
        photo = _shadow(photo, rng.uniform(*params.shadow), rng)
    photo = _noise(photo, rng.uniform(*params.noise), rng)
    return _colour(photo, rng), quality


def _background(width: int, height: int, clutter: bool, rng: random.Random) -> Image.Image:
    """A table at a quarter of the size (enlarged): plain grey, wood grain, or objects and other papers."""
    small = Image.new("L", (width // 4, height // 4), rng.randrange(70, 170))
    draw = ImageDraw.Draw(small)
    w, h = small.size
    if clutter and rng.random() < 0.5:
        for y in range(0, h, rng.randrange(3, 7)):
            draw.line(
                (0, y, w, y + rng.randrange(-6, 7)), fill=rng.randrange(60, 150), width=rng.randrange(1, 3)
            )
    if clutter:
        for _ in range(rng.randrange(3, 9)):
            x, y = rng.randrange(-w // 4, w), rng.randrange(-h // 4, h)
            sw, sh = rng.randrange(w // 8, w // 2), rng.randrange(h // 10, h // 3)
            shade = rng.choice((rng.randrange(10, 60), rng.randrange(200, 250)))
            if rng.random() < 0.3:
                draw.ellipse((x, y, x + sw // 3, y + sw // 3), fill=rng.randrange(90, 200))
            else:
                draw.rectangle((x, y, x + sw, y + sh), fill=shade)
                if shade > 150:  # another paper with text on it
                    for line in range(y + 6, y + sh - 4, 7):
                        draw.line(
                            (x + 5, line, x + rng.randrange(10, max(11, sw - 5)), line), fill=90, width=2
                        )
    small = small.filter(ImageFilter.GaussianBlur(1.2))
    return small.resize((width, height), Image.Resampling.BILINEAR)


def _paper_quad(
    size: tuple[int, int], canvas: tuple[int, int], params: TierParams, rng: random.Random
) -> list[tuple[float, float]]:
    """Where the paper's four corners land on the canvas (scale, rotation, perspective)."""
    pw, ph = size
    cw, ch = canvas
    scale = min(ch * rng.uniform(0.6, 0.9) / ph, cw * rng.uniform(0.55, 0.8) / pw)
    angle = math.radians(rng.uniform(*params.rotation) * rng.choice((-1, 1)))
    cx, cy = cw / 2 + rng.uniform(-0.05, 0.05) * cw, ch / 2 + rng.uniform(-0.04, 0.04) * ch
    corners = []
    for x, y in ((0, 0), (pw, 0), (pw, ph), (0, ph)):
        dx = (x - pw / 2) * scale + rng.uniform(-1, 1) * params.perspective * pw * scale
        dy = (y - ph / 2) * scale + rng.uniform(-1, 1) * params.perspective * ph * scale
        corners.append(
            (
                cx + dx * math.cos(angle) - dy * math.sin(angle),
                cy + dx * math.sin(angle) + dy * math.cos(angle),
            )
        )
    return corners


def _solve(matrix: list[list[float]], values: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (an 8 x 8 system)."""
    n = len(values)
    rows = [[*row[:], value] for row, value in zip(matrix, values, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _place(paper: Image.Image, quad: list[tuple[float, float]], background: Image.Image) -> Image.Image:
    """The paper warped onto ``quad`` of the background, in one resampling."""
    pw, ph = paper.size
    source = [(0, 0), (pw, 0), (pw, ph), (0, ph)]
    matrix, values = [], []
    for (x, y), (u, v) in zip(quad, source, strict=True):  # output (x, y) -> input (u, v)
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        values.append(u)
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values.append(v)
    coeffs = tuple(_solve(matrix, values))
    warped = paper.transform(
        background.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=0
    )
    mask = Image.new("L", paper.size, 255).transform(
        background.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR, fillcolor=0
    )
    return Image.composite(warped, background, mask)


def _light(photo: Image.Image, falloff: float, rng: random.Random) -> Image.Image:
    """Light falling off towards one side or corner by up to ``falloff``."""
    if falloff <= 0.01:
        return photo
    gradient = (
        Image.linear_gradient("L")
        .rotate(rng.uniform(0, 360), fillcolor=255)
        .resize(photo.size, Image.Resampling.BILINEAR)
    )
    light = gradient.point(lambda v: round(255 - v * falloff))
    return ImageChops.multiply(photo, light)


def _shadow(photo: Image.Image, strength: float, rng: random.Random) -> Image.Image:
    """A soft-edged shadow (a hand or a phone) over part of the image."""
    w, h = photo.width // 8, photo.height // 8
    mask = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(mask)
    x0 = rng.uniform(-0.3, 0.6) * w
    points = [
        (x0, -10),
        (x0 + rng.uniform(0.3, 0.8) * w, -10),
        (x0 + rng.uniform(0.1, 0.9) * w, h + 10),
        (x0 - rng.uniform(0, 0.3) * w, h + 10),
    ]
    draw.polygon(points, fill=round(255 * (1 - strength)))
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(4, 12))).resize(
        photo.size, Image.Resampling.BILINEAR
    )
    return ImageChops.multiply(photo, mask)


def _noise(image: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    if amount <= 0:
        return image
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    return Image.blend(image, noise, amount)


def _colour(photo: Image.Image, rng: random.Random) -> Image.Image:
    """A warm or cold colour cast, as a phone's white balance leaves it."""
    red, blue = rng.uniform(0.92, 1.0), rng.uniform(0.82, 1.0)
    if rng.random() < 0.5:
        red, blue = blue, red
    return Image.merge("RGB", (photo.point(lambda v: v * red), photo, photo.point(lambda v: v * blue)))

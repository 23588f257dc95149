"""Printed rows to a paper image: monospace, proportional and dot-matrix (thermal-like) printing.

The paper is drawn at scan resolution (about 300 dpi: a character cell is about 17-18 px wide, as an
80 mm or 58 mm thermal roll prints it). Fonts come from Debian packages that ``make bench-fonts``
installs; a missing font is an error, never a silent substitute (the corpus must render the same bytes
on every machine).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tests.perf.receipt_corpus.text import Row, Sheet

FONTS: dict[str, tuple[str, ...]] = {
    "mono": (
        "truetype/dejavu/DejaVuSansMono.ttf",
        "truetype/liberation/LiberationMono-Regular.ttf",
        "truetype/freefont/FreeMono.ttf",
        "opentype/courier-prime/Courier Prime.otf",
        "truetype/inconsolata/Inconsolata.otf",
        "truetype/3270/3270-Regular.ttf",
        "opentype/ocr-b/OCRB.otf",
    ),
    "prop": (
        "truetype/dejavu/DejaVuSans.ttf",
        "truetype/liberation/LiberationSans-Regular.ttf",
        "truetype/freefont/FreeSans.ttf",
        "truetype/dejavu/DejaVuSerif.ttf",
        "truetype/liberation/LiberationSerif-Regular.ttf",
    ),
    # Drawn without anti-aliasing at a third of the size, then printed as dots (see ``_dots``).
    "dot": (
        "truetype/dotgothic16/DotGothic16-Regular.ttf",
        "opentype/terminus/terminus-normal.otb",
        "truetype/dejavu/DejaVuSansMono.ttf",
        "truetype/freefont/FreeMono.ttf",
    ),
}
FONT_ROOT = Path("/usr/share/fonts")
#: Width of one character cell at scan resolution.
CELL = 17.7
DOT_FACTOR = 3


@dataclass(frozen=True, slots=True)
class Printed:
    """The paper image and how it was printed (recorded in the label)."""

    image: Image.Image
    font: str
    style: str


def font_path(relative: str) -> Path:
    path = FONT_ROOT / relative
    if not path.exists():
        raise FileNotFoundError(f"font {path} is missing: run `make bench-fonts`")
    return path


#: Pixel sizes of the Terminus bitmap font (its glyphs are half as wide).
_BITMAP_SIZES = (12, 14, 16, 18, 20, 22, 24, 28, 32)


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """``path`` at ``size``; a bitmap font at its nearest size."""
    if path.suffix == ".otb":
        size = min(_BITMAP_SIZES, key=lambda available: abs(available - size))
    return ImageFont.truetype(str(path), size)


def _sized_font(path: Path, cell: float, proportional: bool) -> ImageFont.FreeTypeFont:
    """The font at the size whose average character is ``cell`` pixels wide (bitmap fonts: nearest size)."""
    if path.suffix == ".otb":
        return _font(path, round(cell * 2))
    probe = ImageFont.truetype(str(path), 40)
    sample = "Kuitti YHTEENSÄ 0123456789 alv" if proportional else "0"
    width = probe.getlength(sample) / len(sample)
    size = max(6, round(40 * cell / width * (0.92 if proportional else 1.0)))
    return _font(path, size)


def print_sheet(sheet: Sheet, rng: random.Random, style: str) -> Printed:
    """Draw the sheet in a font of ``style`` (``mono``, ``prop`` or ``dot``) on receipt paper."""
    relative = rng.choice(FONTS[style])
    dots = style == "dot"
    factor = DOT_FACTOR if dots else 1
    cell = CELL / factor
    font = _sized_font(font_path(relative), cell, style == "prop")
    size = font.size
    line_height = round(size * rng.uniform(1.22, 1.45))
    margin = round(rng.uniform(1.2, 2.4) * cell)
    width = round(2 * margin + sheet.width * cell)
    heights = [round(line_height * max(1.0, row.scale)) for row in sheet.rows]
    height = 2 * margin + sum(heights) + round(line_height * rng.uniform(1, 4))
    paper = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(paper)
    if dots:
        draw.fontmode = "1"
    ink = rng.randrange(0, 50) if not dots else 0
    y = margin
    for row, row_height in zip(sheet.rows, heights, strict=True):
        _draw_row(draw, row, font=font, relative=relative, margin=margin, y=y, cell=cell, ink=ink, size=size)
        y += row_height
    if dots:
        paper = _dots(paper, rng)
    return Printed(paper, Path(relative).stem, style)


def _draw_row(
    draw: ImageDraw.ImageDraw,
    row: Row,
    *,
    font: ImageFont.FreeTypeFont,
    relative: str,
    margin: int,
    y: int,
    cell: float,
    ink: int,
    size: int,
) -> None:
    if row.scale > 1.0:
        font = _font(font_path(relative), round(size * row.scale))
    stroke = 1 if row.bold and size >= 14 else 0
    limit = draw.im.size[0] - margin
    for cell_ in row.cells:
        text = cell_.text
        length = draw.textlength(text, font=font)
        if len(set(text)) == 1 and margin + length > limit:  # a rule of dashes: as long as the paper
            text = text[0] * max(1, int(len(text) * (limit - margin) / length))
            length = draw.textlength(text, font=font)
        anchor_x = margin + cell_.col * cell
        x = {"l": anchor_x, "r": anchor_x - length, "c": anchor_x - length / 2}[cell_.align]
        draw.text((max(0.0, x), y), text, font=font, fill=ink, stroke_width=stroke, stroke_fill=ink)


def _dots(small: Image.Image, rng: random.Random) -> Image.Image:
    """Each pixel of the low-resolution print becomes one round printer dot, some of them faded."""
    factor = DOT_FACTOR
    big = small.resize((small.width * factor, small.height * factor), Image.Resampling.NEAREST)
    tile_dots = 10
    tile = Image.new("L", (factor * tile_dots, factor * tile_dots), 0)
    tile_draw = ImageDraw.Draw(tile)
    radius = factor * rng.uniform(0.38, 0.5)
    for i in range(tile_dots):
        for j in range(tile_dots):
            cx, cy = factor * i + factor / 2, factor * j + factor / 2
            tile_draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=255)
    mask = Image.new("L", big.size, 0)
    for x in range(0, big.width, tile.width):
        for y in range(0, big.height, tile.height):
            mask.paste(tile, (x, y))
    ink = Image.new("L", big.size, rng.randrange(20, 90))
    paper = Image.new("L", big.size, 255)
    inked = Image.composite(paper, ink, big.point(lambda value: 255 if value > 128 else 0))
    printed = Image.composite(inked, paper, mask)
    return printed.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))

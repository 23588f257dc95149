"""Weakly read stretches of a page, read again within the text column alone.

On a photo whose paper lies among clutter (a striped cloth, a keyboard, another paper's print beside
it), Tesseract's line finder can join a text row with the clutter to its left and right into one
line and read it as noise (``oriin mimi mom] - 20 am pe`` for ``26.03.25 16:47 KUITTI 537538``), or
place the line between two text rows. The lines it read surely show where the text column is: a run
of weakly read lines between two sure ones is cut out as one band, as wide as the column, and read
again on its own; the lines read there with enough confidence take the place of the lines they
cover when surer than each and keeping every number they printed. A page without weak lines costs
nothing more; at most :data:`MAX_STRETCHES` bands are read. On the benchmark corpus's tuning families
this found lost dates, totals and VAT rows on heavily damaged photos (a weak line is any below 0.75:
at 0.5 it found a third of them) for about 0.04 s more per phone photo (median); a looser frame
(0.85) began to lose amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.ocr.layout import Fragment

if TYPE_CHECKING:
    from PIL.Image import Image

    from docflow.ocr.engine import OcrEngine

#: A line read with less confidence than this is weak: read again when sure lines frame it.
WEAK_CONFIDENCE = 0.75
#: A line read at least this surely marks the text column and frames the bands.
SURE_CONFIDENCE = 0.8
#: Fewer sure lines than this tell no text column.
MIN_SURE_LINES = 3
#: A line read again is kept from this confidence on.
MIN_CONFIDENCE = 0.6
#: The column runs from the median of the sure lines' left edges to the median of their right edges
#: (a sure line may still carry a word of clutter at an end), of the sure lines that print an amount
#: when there are at least :data:`MIN_SPANNING_LINES` of them (a name at the left, an amount at the
#: right: they span the paper, where a centred header does not), widened by this many text heights on
#: either side.
COLUMN_MARGIN = 1.0
MIN_SPANNING_LINES = 3
#: An amount with decimals (``12,66``, ``-2.65``): a line that prints one spans the paper.
_AMOUNT = re.compile(r"\d[.,]\s?\d\d(?!\d)")
#: A number of at least three digits (``12,66``, ``654918``, ``82148``), its separators aside: what a line
#: read again must keep of a line it replaces (shorter digit runs are as often specks as digits).
_NUMBER = re.compile(r"\d[\d.,]*\d")
MIN_NUMBER_DIGITS = 3
#: A band taller than this many text heights is no run of a few lines: it is left alone.
MAX_BAND_HEIGHT = 20.0
#: At most this many bands are read again per page.
MAX_STRETCHES = 8
#: A weak line is covered by a line read again when their rows overlap by this share of the shorter.
COVER_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class Band:
    """A box to read again and the lines (indexes into the page's fragments) read less than surely in it."""

    box: tuple[int, int, int, int]
    members: tuple[int, ...]


def _median(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def text_column(fragments: list[Fragment], width: int) -> tuple[int, int, int] | None:
    """The text column the surely read lines show (left, right, their median height), see
    :data:`COLUMN_MARGIN`; ``None`` with fewer than :data:`MIN_SURE_LINES` sure lines."""
    sure = [fragment for fragment in fragments if fragment.confidence >= SURE_CONFIDENCE]
    if len(sure) < MIN_SURE_LINES:
        return None
    text_height = max(1, _median([fragment.bbox[3] - fragment.bbox[1] for fragment in sure]))
    margin = round(COLUMN_MARGIN * text_height)
    spanning = [fragment for fragment in sure if _AMOUNT.search(fragment.text)]
    column = spanning if len(spanning) >= MIN_SPANNING_LINES else sure
    left = max(0, _median([fragment.bbox[0] for fragment in column]) - margin)
    right = min(width, _median([fragment.bbox[2] for fragment in column]) + margin)
    return left, right, text_height


def weak_bands(fragments: list[Fragment], width: int, height: int) -> list[Band]:
    """Bands across the text column between two sure lines that hold a weak line, the
    :data:`MAX_STRETCHES` with the weakest lines first, each at most :data:`MAX_BAND_HEIGHT` text
    heights tall."""
    column = text_column(fragments, width)
    if column is None:
        return []
    left, right, text_height = column
    order = sorted(range(len(fragments)), key=lambda i: fragments[i].bbox[1] + fragments[i].bbox[3])
    bands: list[tuple[float, Band]] = []
    run: list[int] = []
    top: int | None = None
    for index in order:
        fragment = fragments[index]
        if fragment.confidence < SURE_CONFIDENCE:
            run.append(index)
            continue
        bottom = fragment.bbox[1]
        weakest = min((fragments[i].confidence for i in run), default=1.0)
        framed = top is not None and top < bottom <= top + MAX_BAND_HEIGHT * text_height
        if framed and top is not None and weakest < WEAK_CONFIDENCE:
            bands.append((weakest, Band((left, top, right, bottom), tuple(run))))
        run = []
        top = fragment.bbox[3] if top is None else max(top, fragment.bbox[3])
    bands.sort(key=lambda pair: pair[0])
    return [band for _, band in bands[:MAX_STRETCHES]]


def _covers(line: Fragment, other: Fragment) -> bool:
    overlap = min(line.bbox[3], other.bbox[3]) - max(line.bbox[1], other.bbox[1])
    shorter = max(1, min(line.bbox[3] - line.bbox[1], other.bbox[3] - other.bbox[1]))
    return overlap >= COVER_OVERLAP * shorter


def _numbers(text: str) -> set[str]:
    digits = (re.sub(r"\D", "", match[0]) for match in _NUMBER.finditer(text))
    return {number for number in digits if len(number) >= MIN_NUMBER_DIGITS}


def _replaces(line: Fragment, first: Fragment) -> bool:
    """Whether ``line``, read again over ``first``, is surer and keeps every number ``first`` printed."""
    return line.confidence > first.confidence and _numbers(first.text) <= _numbers(line.text)


def reread_weak(
    image: Image, fragments: list[Fragment], *, engine: OcrEngine, languages: str, timeout_seconds: float
) -> list[Fragment]:
    """``fragments`` with the weak runs read again (see the module documentation): a band's lines read
    with at least :data:`MIN_CONFIDENCE` take the place of the lines of the band they cover when read
    more surely than each of them and keeping every number they printed (else the first reading
    stays); ``fragments`` itself when no band gives a better line."""
    dropped: set[int] = set()
    added: list[Fragment] = []
    for band in weak_bands(fragments, image.width, image.height):
        x0, y0, _, _ = band.box
        read = engine.recognize(image.crop(band.box), languages=languages, timeout_seconds=timeout_seconds)
        for line in read:
            if line.confidence < MIN_CONFIDENCE or not any(char.isalnum() for char in line.text):
                continue
            lx0, ly0, lx1, ly1 = line.bbox
            placed = Fragment(line.text, line.confidence, (lx0 + x0, ly0 + y0, lx1 + x0, ly1 + y0))
            covered = [i for i in band.members if _covers(placed, fragments[i])]
            if any(not _replaces(placed, fragments[i]) for i in covered):
                continue
            dropped.update(covered)
            added.append(placed)
    if not added:
        return fragments
    return [fragment for i, fragment in enumerate(fragments) if i not in dropped] + added

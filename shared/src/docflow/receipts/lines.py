"""Receipt text lines: a light line type, visual row merging and keyword folding.

OCR engines sometimes split one printed row into fragments (``TOTAL`` on the left, ``9.00`` on the
right). Merging fragments whose vertical extents overlap restores the printed rows, which is what
the extraction rules read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

_SPACES = re.compile(r"\s+")
_FOLD = str.maketrans({"Ä": "A", "Ö": "O", "Å": "A", "Ü": "U", "É": "E"})


class LineLike(Protocol):
    """What the extractor needs from an OCR line (``docflow.ocr.OcrLine`` fits)."""

    @property
    def text(self) -> str: ...

    @property
    def confidence(self) -> float: ...

    @property
    def bbox(self) -> tuple[int, int, int, int]: ...

    @property
    def page(self) -> int: ...


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed row: its text with single spaces, mean OCR confidence and box (if known)."""

    text: str
    confidence: float = 1.0
    bbox: tuple[int, int, int, int] | None = None
    page: int = 1

    @property
    def folded(self) -> str:
        """Upper-case text with Nordic letters folded to ASCII, for keyword matching."""
        return fold(self.text)


def fold(text: str) -> str:
    """Upper case, ``ÄÖÅ`` folded to ``AOA`` (OCR often drops the dots), other accents removed."""
    upper = text.upper().translate(_FOLD)
    if upper.isascii():
        return upper
    decomposed = unicodedata.normalize("NFKD", upper)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def clean_text(text: str) -> str:
    """Collapse whitespace and strip."""
    return _SPACES.sub(" ", text).strip()


def lines_from_text(text: str) -> list[TextLine]:
    """Plain text to lines (no boxes); empty lines are dropped."""
    cleaned = (clean_text(line) for line in text.replace("\f", "\n").splitlines())
    return [TextLine(line) for line in cleaned if line]


def _vertical_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    shorter = max(1, min(a[3] - a[1], b[3] - b[1]))
    return overlap / shorter


#: Fragments whose horizontal extents overlap by more than this share of the narrower one are stacked
#: lines (a tilted photo's lines have tall boxes that overlap vertically), never one row.
MAX_ROW_HORIZONTAL_OVERLAP = 0.3


def _horizontal_overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    overlap = min(a[2], b[2]) - max(a[0], b[0])
    narrower = max(1, min(a[2] - a[0], b[2] - b[0]))
    return overlap / narrower


def _same_row(row: Sequence[TextLine], line: TextLine) -> bool:
    """Whether ``line`` sits beside the fragments of ``row``: level with one, stacked on none."""
    assert line.bbox is not None
    boxes = [other.bbox for other in row if other.bbox is not None]
    return (
        row[0].page == line.page
        and any(_vertical_overlap(box, line.bbox) > 0.5 for box in boxes)
        and all(_horizontal_overlap(box, line.bbox) <= MAX_ROW_HORIZONTAL_OVERLAP for box in boxes)
    )


def merge_rows(lines: Iterable[LineLike | TextLine]) -> list[TextLine]:
    """Group fragments printed on the same visual row into one line, left to right.

    Lines without a box are kept as they are. Rows are ordered by page, then top edge.
    """
    boxed: list[TextLine] = []
    plain: list[TextLine] = []
    for line in lines:
        text = clean_text(line.text)
        if not text:
            continue
        bbox = getattr(line, "bbox", None)
        item = TextLine(text, float(line.confidence), tuple(bbox) if bbox else None, int(line.page))
        (boxed if item.bbox else plain).append(item)
    if not boxed:
        return plain
    rows: list[list[TextLine]] = []
    for line in sorted(boxed, key=lambda item: (item.page, _center(item))):
        assert line.bbox is not None
        if rows and _same_row(rows[-1], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [_join_row(row) for row in rows]


def _center(line: TextLine) -> float:
    assert line.bbox is not None
    return (line.bbox[1] + line.bbox[3]) / 2


def _join_row(row: Sequence[TextLine]) -> TextLine:
    ordered = sorted(row, key=lambda item: item.bbox[0] if item.bbox else 0)
    if len(ordered) == 1:
        return ordered[0]
    boxes = [item.bbox for item in ordered if item.bbox]
    bbox = (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )
    weights = [max(1, len(item.text)) for item in ordered]
    confidence = sum(item.confidence * w for item, w in zip(ordered, weights, strict=True)) / sum(weights)
    text = " ".join(item.text for item in ordered)
    return TextLine(text, confidence, bbox, ordered[0].page)


#: The fewest rows two photos of one receipt must share to be taken for an overlap.
MIN_OVERLAP_ROWS = 2


def drop_overlap(lines: Sequence[TextLine]) -> list[TextLine]:
    """The rows with a repeated block removed: a receipt photographed in two overlapping halves.

    The longest run of at least :data:`MIN_OVERLAP_ROWS` rows that is followed at once by the same
    rows (same folded text) is read once. On multi-page input the seam must be a page break.
    """
    texts = [fold(line.text) for line in lines]
    pages = {line.page for line in lines}
    for size in range(len(texts) // 2, MIN_OVERLAP_ROWS - 1, -1):
        for start in range(len(texts) - 2 * size + 1):
            seam = start + size
            if len(pages) > 1 and lines[seam - 1].page == lines[seam].page:
                continue
            if texts[start] == texts[seam] and texts[start:seam] == texts[seam : seam + size]:
                return [*lines[:seam], *lines[seam + size :]]
    return list(lines)

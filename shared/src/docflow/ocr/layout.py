"""Reading order: turn text fragments with boxes into visual lines, top to bottom, left to right.

Both engines produce fragments (Tesseract lines, runs of PDF characters). Fragments that sit side by
side on the same baseline, such as a label and its amount in separate layout blocks, become one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docflow.ocr.models import BBox, OcrLine

#: Fragments are on the same visual line when their vertical extents overlap by at least this
#: share of the shorter one.
SAME_LINE_OVERLAP = 0.5
#: Fragments whose horizontal extents overlap by more than this share of the narrower one are
#: stacked lines, never one line.
MAX_HORIZONTAL_OVERLAP = 0.3


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of text on one line, its box and its confidence (0..1)."""

    text: str
    confidence: float
    bbox: BBox


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    """The smallest box containing every box."""
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return min(x0s), min(y0s), max(x1s), max(y1s)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _continues_line(line: Sequence[Fragment], fragment: Fragment) -> bool:
    x0, y0, x1, y1 = fragment.bbox
    height = y1 - y0
    for member in line:
        mx0, my0, mx1, my1 = member.bbox
        shorter = max(1, min(height, my1 - my0))
        if _overlap(y0, y1, my0, my1) < SAME_LINE_OVERLAP * shorter:
            return False
        narrower = max(1, min(x1 - x0, mx1 - mx0))
        if _overlap(x0, x1, mx0, mx1) > MAX_HORIZONTAL_OVERLAP * narrower:
            return False
    return True


def _to_line(fragments: Sequence[Fragment], page: int) -> OcrLine:
    ordered = sorted(fragments, key=lambda fragment: fragment.bbox[0])
    text = " ".join(" ".join(fragment.text for fragment in ordered).split())
    weights = [max(1, len(fragment.text.strip())) for fragment in ordered]
    confidence = sum(f.confidence * w for f, w in zip(ordered, weights, strict=True)) / sum(weights)
    return OcrLine(text, round(confidence, 4), union_bbox(f.bbox for f in ordered), page)


def build_lines(fragments: Iterable[Fragment], *, page: int) -> tuple[OcrLine, ...]:
    """Visual lines in reading order from fragments in any order; blank fragments are dropped."""
    kept = [fragment for fragment in fragments if fragment.text.strip()]
    kept.sort(key=lambda fragment: (fragment.bbox[1] + fragment.bbox[3], fragment.bbox[0]))
    lines: list[list[Fragment]] = []
    for fragment in kept:
        if lines and _continues_line(lines[-1], fragment):
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return tuple(_to_line(line, page) for line in lines)

"""The OCR result types shared with the receipts engine: lines, pages and whole documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from docflow.ocr.header import HeaderSource
    from docflow.ocr.line_reader import LineSource

#: Pixel box ``(x0, y0, x1, y1)``: left, top, right (exclusive), bottom (exclusive).
BBox = tuple[int, int, int, int]
PageSource = Literal["ocr", "text-layer"]

#: Separator between the texts of consecutive pages in :attr:`OcrResult.text`.
PAGE_SEPARATOR = "\n\f\n"


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One visual line of text with its recognition confidence (0..1) and box on its page."""

    text: str
    confidence: float
    bbox: BBox
    page: int


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One page: its lines in reading order and where they came from.

    ``width`` and ``height`` are in the pixels the boxes use: the image as uploaded (after its EXIF
    orientation is applied), or a PDF page at the resolution it is (or would be) rasterised at.
    """

    number: int
    width: int
    height: int
    text: str
    lines: tuple[OcrLine, ...]
    source: PageSource
    seconds: float


@dataclass(frozen=True, slots=True)
class OcrResult:
    """Every page of a document.

    ``languages`` is the Tesseract language set used, or ``""`` when no page needed OCR.
    ``header_reader`` reads the first OCR page's header again on request (see
    :mod:`docflow.ocr.header`), ``None`` when no page was read by OCR or the option is off;
    ``line_reader`` reads a line of that page again (see :mod:`docflow.ocr.line_reader`), ``None`` as
    well then.
    """

    pages: tuple[OcrPage, ...]
    content_type: str
    languages: str
    seconds: float
    header_reader: HeaderSource | None = field(default=None, compare=False, repr=False)
    line_reader: LineSource | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        """The whole text: lines joined with newlines, pages separated by a form feed line."""
        return PAGE_SEPARATOR.join(page.text for page in self.pages)

    @property
    def lines(self) -> tuple[OcrLine, ...]:
        """Every line of every page, in page order then reading order."""
        return tuple(line for page in self.pages for line in page.lines)

    @property
    def mean_confidence(self) -> float:
        """Mean line confidence weighted by line length; 0.0 when there is no text."""
        lines = self.lines
        weight = sum(len(line.text) for line in lines)
        if weight == 0:
            return 0.0
        return sum(line.confidence * len(line.text) for line in lines) / weight


def make_page(
    *, number: int, width: int, height: int, lines: tuple[OcrLine, ...], source: PageSource, seconds: float
) -> OcrPage:
    """An :class:`OcrPage` whose text is its lines joined with newlines."""
    text = "\n".join(line.text for line in lines)
    return OcrPage(number, width, height, text, lines, source, seconds)

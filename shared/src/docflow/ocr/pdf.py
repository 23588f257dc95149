"""Open a PDF safely with pypdfium2: bomb scan, encryption and page checks, text layer or raster.

A page whose text layer holds real text (e-receipts, searchable scans) is read from that layer;
any other page is rasterised for OCR at the highest resolution up to ``OcrLimits.pdf_dpi`` that
keeps it within the pixel limits.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docflow.ocr.errors import (
    CorruptFileError,
    DecompressionBombError,
    EmptyDocumentError,
    EncryptedDocumentError,
    TooManyPagesError,
)
from docflow.ocr.layout import Fragment, build_lines, union_bbox
from docflow.ocr.limits import OcrLimits
from docflow.ocr.models import OcrLine

if TYPE_CHECKING:
    from PIL.Image import Image

POINTS_PER_INCH = 72
#: A text layer with fewer letters and digits than this is treated as absent (e.g. a page stamp).
MIN_TEXT_LAYER_CHARS = 8
#: On a page covered by an image (a scan), the text layer must hold at least this many letters and
#: digits to be trusted instead of OCR: a stamp or page number on a scan is not its text.
MIN_SCAN_TEXT_LAYER_CHARS = 40
#: Share of the page an image must cover for the page to count as a scan.
SCAN_COVERAGE = 0.5
_STREAM_START = re.compile(rb"stream\r?\n")
_INFLATE_CHUNK = 1 << 20
_LINE_BREAKS = frozenset("\r\n")
#: The trailer (or cross-reference stream) entry that marks an encrypted PDF.
_ENCRYPT_ENTRY = re.compile(rb"/Encrypt\s*(<<|\d+\s+\d+\s+R)")


@dataclass(frozen=True, slots=True)
class PdfPageContent:
    """One PDF page in pixels at ``dpi``: either its text-layer lines or its rendered image."""

    number: int
    width: int
    height: int
    dpi: float
    lines: tuple[OcrLine, ...] | None
    image: Image | None


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """Bytes the zlib stream at ``start`` inflates to, counting at most just past ``cap``."""
    inflater = zlib.decompressobj()
    produced = 0
    position = start
    try:
        while position < len(data) and not inflater.eof:
            pending = data[position : position + _INFLATE_CHUNK]
            position += len(pending)
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, _INFLATE_CHUNK))
                if produced > cap:
                    return produced
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # Not a zlib stream (DCT, raw, ...) or a damaged one: PDFium decides.
    return produced


def check_compressed_streams(data: bytes, limits: OcrLimits) -> None:
    """Reject a PDF whose Flate streams inflate beyond the limits, without keeping the output."""
    per_stream = limits.max_pdf_stream_bytes
    budget = limits.max_pdf_inflated_bytes
    total = 0
    for match in _STREAM_START.finditer(data):
        size = _inflated_size(data, match.end(), min(per_stream, budget - total))
        total += size
        if size > per_stream or total > budget:
            raise DecompressionBombError("PDF stream decompresses to far more data than allowed")


def render_dpi(width_points: float, height_points: float, limits: OcrLimits) -> float:
    """The highest resolution up to ``limits.pdf_dpi`` that keeps the page within the pixel limits."""
    if not (width_points > 0 and height_points > 0):
        raise CorruptFileError("PDF page has no size")
    width_in, height_in = width_points / POINTS_PER_INCH, height_points / POINTS_PER_INCH
    by_side = (limits.max_side - 1) / max(width_in, height_in)
    by_pixels = math.sqrt(limits.max_pixels / (width_in * height_in)) * 0.999
    return min(float(limits.pdf_dpi), by_side, by_pixels)


def _text_layer_lines(page: Any, number: int, scale: float, height_points: float) -> tuple[OcrLine, ...]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        fragments: list[Fragment] = []
        chars: list[str] = []
        boxes: list[tuple[int, int, int, int]] = []

        def flush() -> None:
            if boxes:
                fragments.append(Fragment("".join(chars), 1.0, union_bbox(boxes)))
            chars.clear()
            boxes.clear()

        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index) or 0xFFFD)
            if char in _LINE_BREAKS:
                flush()
                continue
            chars.append(char if char.isprintable() else " ")
            if not char.isspace():
                left, bottom, right, top = textpage.get_charbox(index)
                boxes.append(
                    (
                        math.floor(left * scale),
                        math.floor((height_points - top) * scale),
                        math.ceil(right * scale),
                        math.ceil((height_points - bottom) * scale),
                    )
                )
        flush()
    finally:
        textpage.close()
    letters = sum(char.isalnum() for fragment in fragments for char in fragment.text)
    if letters < MIN_TEXT_LAYER_CHARS:
        return ()
    if letters < MIN_SCAN_TEXT_LAYER_CHARS and _is_scan(page, scale, height_points):
        return ()
    return build_lines(fragments, page=number)


def _is_scan(page: Any, scale: float, height_points: float) -> bool:
    """Whether one image covers at least :data:`SCAN_COVERAGE` of the page."""
    import pypdfium2.raw as pdfium_c

    width_points = page.get_width()
    page_area = width_points * height_points
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        left, bottom, right, top = image.get_bounds()
        covered = max(0.0, min(right, width_points) - max(left, 0.0)) * max(
            0.0, min(top, height_points) - max(bottom, 0.0)
        )
        if page_area > 0 and covered / page_area >= SCAN_COVERAGE:
            return True
    return False


def _read_page(pdf: Any, index: int, limits: OcrLimits) -> PdfPageContent:
    page = pdf[index]
    try:
        width_points, height_points = page.get_size()
        dpi = render_dpi(width_points, height_points, limits)
        scale = dpi / POINTS_PER_INCH
        width, height = max(1, round(width_points * scale)), max(1, round(height_points * scale))
        lines = _text_layer_lines(page, index + 1, scale, height_points)
        if lines:
            return PdfPageContent(index + 1, width, height, dpi, lines, None)
        image = page.render(scale=scale, grayscale=True, may_draw_forms=False).to_pil()
        gray = image if image.mode == "L" else image.convert("L")
        return PdfPageContent(index + 1, gray.width, gray.height, dpi, None, gray)
    finally:
        page.close()


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if _ENCRYPT_ENTRY.search(data):
        raise EncryptedDocumentError("PDF is encrypted")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptFileError("PDF cannot be parsed") from exc
    if pdfium_c.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
        pdf.close()
        raise EncryptedDocumentError("PDF is encrypted")
    return pdf


def iter_pdf_pages(data: bytes, limits: OcrLimits) -> Iterator[PdfPageContent]:
    """Check a PDF, then yield its pages one at a time (each rendered only when reached)."""
    check_compressed_streams(data, limits)
    pdf = _open(data)
    try:
        count = len(pdf)
        if count == 0:
            raise EmptyDocumentError("PDF has no pages")
        if count > limits.max_pdf_pages:
            raise TooManyPagesError(f"PDF may have at most {limits.max_pdf_pages} pages")
        for index in range(count):
            try:
                yield _read_page(pdf, index, limits)
            except (CorruptFileError, EmptyDocumentError):
                raise
            except Exception as exc:  # PDFium raises PdfiumError, ValueError, OSError on damaged pages.
                raise CorruptFileError("PDF page cannot be read") from exc
    finally:
        pdf.close()

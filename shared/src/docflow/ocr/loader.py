"""From uploaded bytes to validated pages: each page is an image to OCR or ready text-layer lines.

Validation runs before anything is decoded: emptiness, size, magic bytes against the declared type
and file name, then the polyglot scan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docflow.ocr.errors import EmptyDocumentError, FileTooLargeError
from docflow.ocr.images import iter_image_pages
from docflow.ocr.limits import OcrLimits
from docflow.ocr.models import OcrLine
from docflow.ocr.pdf import iter_pdf_pages
from docflow.ocr.sniff import PDF, reject_polyglot, resolve_content_type

if TYPE_CHECKING:
    from PIL.Image import Image


@dataclass(frozen=True, slots=True)
class LoadedPage:
    """A page ready for reading: ``lines`` from a PDF text layer, or an ``image`` (grayscale) to OCR."""

    number: int
    width: int
    height: int
    lines: tuple[OcrLine, ...] | None = None
    image: Image | None = None


def validate_upload(
    data: bytes, *, declared_type: str | None, filename: str | None, limits: OcrLimits
) -> str:
    """The document's content type, once its size, type and contents are acceptable."""
    if not data:
        raise EmptyDocumentError("File is empty")
    if len(data) > max(limits.max_image_bytes, limits.max_pdf_bytes):
        raise FileTooLargeError("File is larger than any accepted document")
    content_type = resolve_content_type(data, declared_type=declared_type, filename=filename)
    limit = limits.max_pdf_bytes if content_type == PDF else limits.max_image_bytes
    if len(data) > limit:
        raise FileTooLargeError(f"File may be at most {limit // (1024 * 1024)} MiB for this type")
    reject_polyglot(data, content_type)
    return content_type


def load_pages(data: bytes, content_type: str, limits: OcrLimits) -> Iterator[LoadedPage]:
    """Yield the pages of a validated document, decoding each only when it is reached."""
    if content_type == PDF:
        for page in iter_pdf_pages(data, limits):
            yield LoadedPage(page.number, page.width, page.height, page.lines, page.image)
        return
    for number, image in enumerate(iter_image_pages(data, content_type, limits), start=1):
        yield LoadedPage(number, image.width, image.height, None, image)

"""Resource limits applied to every uploaded document before and while it is decoded."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class OcrLimits:
    """Upper bounds that keep one document within a Lambda's memory and time.

    ``pdf_dpi`` is a cap: pages are rasterised at a lower resolution when needed to stay within
    ``max_pixels`` and ``max_side``. ``max_pdf_stream_bytes`` bounds what one compressed PDF stream
    may inflate to: a 300 dpi A3 page image in colour is about 52 MB, page text far less.
    """

    max_image_bytes: int = 15 * MIB
    max_pixels: int = 40_000_000
    max_side: int = 20_000
    max_pdf_bytes: int = 20 * MIB
    max_pdf_pages: int = 20
    pdf_dpi: int = 300
    page_timeout_seconds: float = 30.0
    #: Wall-clock limit for the whole document (every page, its preparation included).
    document_timeout_seconds: float = 120.0
    max_pdf_stream_bytes: int = 64 * MIB

    def __post_init__(self) -> None:
        for name in (
            "max_image_bytes",
            "max_pixels",
            "max_side",
            "max_pdf_bytes",
            "max_pdf_pages",
            "pdf_dpi",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"OcrLimits.{name} must be positive")
        if self.page_timeout_seconds <= 0:
            raise ValueError("OcrLimits.page_timeout_seconds must be positive")
        if self.document_timeout_seconds <= 0:
            raise ValueError("OcrLimits.document_timeout_seconds must be positive")

    @property
    def max_pdf_inflated_bytes(self) -> int:
        """Largest decompressed size accepted for all compressed streams of one PDF together."""
        return 4 * self.max_pdf_stream_bytes

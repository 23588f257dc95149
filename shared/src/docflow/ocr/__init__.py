"""Document loading and OCR: validated uploads in, lines of text with boxes and confidences out.

Importing this package is cheap: Pillow, pytesseract, pypdfium2 and pillow-heif are imported only
when a document is read.
"""

from docflow.ocr.document import read_document
from docflow.ocr.engine import OcrEngine, TesseractEngine, default_languages
from docflow.ocr.errors import (
    CorruptFileError,
    DecompressionBombError,
    DimensionsTooLargeError,
    DocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    FileTooLargeError,
    OcrDocumentTimeoutError,
    OcrTimeoutError,
    OcrUnavailableError,
    PolyglotFileError,
    TooManyPagesError,
    TooManyPixelsError,
    TruncatedFileError,
    TypeMismatchError,
    UnsupportedTypeError,
)
from docflow.ocr.limits import OcrLimits
from docflow.ocr.models import OcrLine, OcrPage, OcrResult
from docflow.ocr.preprocess import PreprocessOptions
from docflow.ocr.sniff import ALLOWED_CONTENT_TYPES, sniff_content_type
from docflow.ocr.tesserocr_engine import TesserocrEngine

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "CorruptFileError",
    "DecompressionBombError",
    "DimensionsTooLargeError",
    "DocumentError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "FileTooLargeError",
    "OcrDocumentTimeoutError",
    "OcrEngine",
    "OcrLimits",
    "OcrLine",
    "OcrPage",
    "OcrResult",
    "OcrTimeoutError",
    "OcrUnavailableError",
    "PolyglotFileError",
    "PreprocessOptions",
    "TesseractEngine",
    "TesserocrEngine",
    "TooManyPagesError",
    "TooManyPixelsError",
    "TruncatedFileError",
    "TypeMismatchError",
    "UnsupportedTypeError",
    "default_languages",
    "read_document",
    "sniff_content_type",
]

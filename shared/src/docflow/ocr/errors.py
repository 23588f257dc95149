"""Typed errors for documents that cannot be read.

Every subclass has a stable ``code`` (the contract with API clients and the receipts engine) and an
HTTP ``status``. Messages describe the problem in general terms: they never echo file contents,
file names or paths.
"""

from __future__ import annotations

from docflow.errors import DocflowError


class DocumentError(DocflowError):
    """Base of every error raised for a document that cannot be read."""

    status, code, title = 422, "document_error", "Document cannot be read"

    @property
    def message(self) -> str:
        """The client-safe explanation (the same text as ``detail``)."""
        return self.detail


class FileTooLargeError(DocumentError):
    status, code, title = 413, "file_too_large", "File too large"


class TooManyPixelsError(DocumentError):
    status, code, title = 413, "too_many_pixels", "Image has too many pixels"


class DimensionsTooLargeError(DocumentError):
    status, code, title = 413, "dimensions_too_large", "Image dimensions too large"


class DecompressionBombError(DocumentError):
    status, code, title = 413, "decompression_bomb", "File decompresses to far more data than allowed"


class TooManyPagesError(DocumentError):
    status, code, title = 413, "too_many_pages", "Document has too many pages"


class TruncatedFileError(DocumentError):
    status, code, title = 422, "truncated_file", "File is truncated"


class UnsupportedTypeError(DocumentError):
    status, code, title = 415, "unsupported_type", "Unsupported file type"


class TypeMismatchError(DocumentError):
    status, code, title = 415, "type_mismatch", "File contents do not match the declared type"


class PolyglotFileError(TypeMismatchError):
    """The file is valid as more than one type (e.g. an image that also carries a PDF or HTML)."""

    code, title = "polyglot_file", "File contains more than one file type"


class EmptyDocumentError(DocumentError):
    status, code, title = 422, "empty_document", "Document is empty"


class CorruptFileError(DocumentError):
    status, code, title = 422, "corrupt_file", "File is corrupt"


class EncryptedDocumentError(DocumentError):
    status, code, title = 422, "encrypted_document", "Document is encrypted"


class OcrTimeoutError(DocumentError):
    """A page took longer than the per-page limit; retrying the same page will not help."""

    status, code, title = 422, "ocr_timeout", "Reading the document took too long"


class OcrDocumentTimeoutError(OcrTimeoutError):
    """The whole document took longer than its overall limit (``OcrLimits.document_timeout_seconds``)."""

    code, title = "ocr_document_timeout", "Reading the document took longer than its time limit"


class OcrUnavailableError(DocumentError):
    """The OCR engine is missing or failed on its own; the document may be fine."""

    status, code, title = 503, "ocr_unavailable", "Text recognition is unavailable"


#: Failures an extra reading pass (header rows, weak lines, the header read again) gives up on: the
#: page's first reading stands, so the pass costs a lost extra, never a failed document.
EXTRA_PASS_ERRORS: tuple[type[DocumentError], ...] = (OcrTimeoutError, OcrUnavailableError)

"""Receipt file -> OCR -> :class:`ReceiptData`: the only place that calls :mod:`docflow.ocr`.

A receipt whose merchant the page reading leaves missing or doubtful has its header read a second
time (:func:`read_receipt`).

``docflow.ocr`` (Pillow, Tesseract, pdfium) is imported when the first document is scanned, so
importing this module stays cheap.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docflow.errors import DocflowError
from docflow.receipts.extract import extract_receipt
from docflow.receipts.models import ReceiptData
from docflow.receipts.reread import (
    needs_business_id,
    needs_date,
    needs_date_check,
    needs_header,
    with_checked_date,
    with_found_date,
    with_header_merchant,
    with_reread_business_id,
)

if TYPE_CHECKING:
    from docflow.ocr import OcrLimits, OcrResult

#: File name endings ``scan_paths`` picks up inside folders.
RECEIPT_SUFFIXES: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".pdf"}
)


@dataclass(frozen=True, slots=True)
class ScanError:
    """Why a file could not be read: a stable code and a message for people."""

    code: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The error as a JSON object."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """The result for one input file: a receipt, or the error that stopped it."""

    file: str
    receipt: ReceiptData | None
    error: ScanError | None
    seconds: float
    ocr_confidence: float | None = None

    def to_json(self) -> dict[str, Any]:
        """One object of the ``docflow receipts scan`` JSON contract."""
        body = (self.receipt or ReceiptData()).to_json()
        if self.receipt is None:
            body["confidence"] = {"overall": 0.0}
        return {
            "file": self.file,
            **body,
            "ocr_confidence": None if self.ocr_confidence is None else round(self.ocr_confidence, 3),
            "seconds": round(self.seconds, 3),
            "error": None if self.error is None else self.error.to_json(),
        }


def scan_bytes(
    data: bytes,
    *,
    filename: str | None = None,
    today: dt.date | None = None,
    languages: str | None = None,
    limits: OcrLimits | None = None,
) -> tuple[ReceiptData, OcrResult]:
    """OCR a receipt image or PDF and extract its fields; raises ``docflow.ocr.DocumentError``."""
    from docflow.ocr import read_document

    result = read_document(data, filename=filename, languages=languages, limits=limits)
    return read_receipt(result, today=today), result


def read_receipt(result: OcrResult, *, today: dt.date | None = None) -> ReceiptData:
    """The receipt's fields from its OCR result; when they hold no merchant or a doubtful one, the
    header is read again and only the merchant re-read from it; when they hold no Y-tunnus, a line
    that prints its label is read again, and so is the line of a date that would be booked unsure, or
    for no date the lines that print a time of day (see :mod:`docflow.receipts.reread`). The second
    readings run only then, within the document's time limit."""
    today = today or dt.date.today()
    receipt = extract_receipt(result.lines, today=today)
    if result.line_reader is not None and needs_business_id(receipt):
        receipt = with_reread_business_id(receipt, result.lines, result.line_reader)
    if result.line_reader is not None and needs_date_check(receipt):
        receipt = with_checked_date(receipt, result.lines, result.line_reader, today=today)
    elif result.line_reader is not None and needs_date(receipt):
        receipt = with_found_date(receipt, result.lines, result.line_reader, today=today)
    if result.header_reader is None or not needs_header(receipt):
        return receipt
    header = result.header_reader.read()
    if header is None:
        return receipt
    return with_header_merchant(receipt, result.lines, header.lines, page=header.page, bottom=header.bottom)


def scan_file(
    path: Path, *, display_name: str | None = None, today: dt.date | None = None, languages: str | None = None
) -> ScanOutcome:
    """Scan one file; every failure becomes the outcome's ``error``, never an exception."""
    name = display_name if display_name is not None else str(path)
    started = time.perf_counter()
    try:
        data = path.read_bytes()
        receipt, result = scan_bytes(data, filename=path.name, today=today, languages=languages)
    except DocflowError as error:
        message = getattr(error, "message", error.detail)
        return ScanOutcome(name, None, ScanError(error.code, message), time.perf_counter() - started)
    except FileNotFoundError:
        return ScanOutcome(name, None, ScanError("not_found", "no such file"), time.perf_counter() - started)
    except IsADirectoryError:
        return ScanOutcome(name, None, ScanError("not_a_file", "not a file"), time.perf_counter() - started)
    except OSError as error:
        message = error.strerror or "the file cannot be read"
        return ScanOutcome(name, None, ScanError("unreadable_file", message), time.perf_counter() - started)
    return ScanOutcome(name, receipt, None, time.perf_counter() - started, result.mean_confidence)


def expand_paths(paths: list[str]) -> list[tuple[str, Path]]:
    """(name as shown, path) for each input: files as given, folders as their receipt files, sorted."""
    expanded: list[tuple[str, Path]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(
                child
                for child in path.rglob("*")
                if child.is_file() and child.suffix.lower() in RECEIPT_SUFFIXES
            )
            expanded.extend((str(child), child) for child in found)
        else:
            expanded.append((given, path))
    return expanded

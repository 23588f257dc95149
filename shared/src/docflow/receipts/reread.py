"""The merchant read again from a second reading of the receipt's header.

When the page reading gives no merchant, or one the extractor is unsure of (below
:data:`REREAD_BELOW`: a name cut short, a street line or OCR noise taken for it), the OCR reads the top
of the page again (:mod:`docflow.ocr.header`). Its lines replace the page reading's lines of that
region, the merchant is read from the merged lines, and it is taken only when it is surer than the
first one. Nothing else changes: date, total, VAT rows and address stay as the page reading gave them.
A merchant taken from the second reading is trusted no more than :data:`REREAD_NAME` (two readings of
one printed line are not two witnesses of it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from docflow.receipts.extract import to_lines
from docflow.receipts.lines import LineLike, drop_overlap
from docflow.receipts.merchant import find_party
from docflow.receipts.models import Field, ReceiptData

#: A merchant confidence below this asks for the header to be read again. The extractor's names are
#: 0.82-0.85 when uncorroborated (:data:`docflow.receipts.merchant.UNCORROBORATED_NAME`); below 0.8 a
#: name is noisy, cut short, or no name-like line at all.
REREAD_BELOW = 0.8
#: The most a merchant taken from the second reading is trusted.
REREAD_NAME = 0.85


def needs_header(receipt: ReceiptData) -> bool:
    """Whether the receipt's merchant is missing or too doubtful to keep without a second look."""
    return receipt.merchant is None or receipt.merchant.confidence < REREAD_BELOW


def merged_lines(
    lines: Iterable[LineLike], header: Iterable[LineLike], *, page: int, bottom: int
) -> list[LineLike]:
    """``lines`` with those of ``page`` whose middle lies above row ``bottom`` replaced by ``header``."""
    kept = [line for line in lines if line.page != page or (line.bbox[1] + line.bbox[3]) / 2 >= bottom]
    return [*header, *kept]


def with_header_merchant(
    receipt: ReceiptData,
    lines: Sequence[LineLike],
    header: Sequence[LineLike],
    *,
    page: int,
    bottom: int,
) -> ReceiptData:
    """``receipt`` with the merchant read from ``lines`` merged with the header's second reading
    (``header``, ending at row ``bottom`` of ``page``) when that one is surer than the receipt's own;
    otherwise ``receipt`` unchanged."""
    if not header:
        return receipt
    rows = drop_overlap(to_lines(merged_lines(lines, header, page=page, bottom=bottom)))
    country = receipt.country.value if receipt.country is not None else None
    party = find_party(rows, country)
    if not party.name:
        return receipt
    current = receipt.merchant
    if current is not None and (party.name == current.value or party.name_confidence <= current.confidence):
        return receipt
    merchant = Field(party.name, round(min(party.name_confidence, REREAD_NAME), 3))
    warnings = tuple(warning for warning in receipt.warnings if warning.code != "no_merchant")
    return replace(receipt, merchant=merchant, warnings=warnings)

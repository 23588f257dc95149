"""Fields read again from second readings: the merchant from the header's, the Y-tunnus from its line's.

When the page reading gives no merchant, or one the extractor is unsure of (below
:data:`REREAD_BELOW`: a name cut short, a street line or OCR noise taken for it), the OCR reads the top
of the page again (:mod:`docflow.ocr.header`). Its lines replace the page reading's lines of that
region, the merchant is read from the merged lines, and it is taken only when it is surer than the
first one (clearly surer, unless the two names agree: one holds the other, as a name read cut short or
with specks beside it). Nothing else changes: date, total, VAT rows and address stay as the page
reading gave them. A merchant taken from the second reading is trusted no more than
:data:`REREAD_NAME` (two readings of one printed line are not two witnesses of it).

When the page reading finds no valid Y-tunnus on a line that prints its label, the line is read again
from several copies of its band (:mod:`docflow.ocr.line_reader`) and the number the readings agree on
is taken (:func:`docflow.receipts.identifiers.agreed_business_id`), trusted no more than a repaired
one (:data:`docflow.receipts.confidence.BUSINESS_ID_REPAIRED`).

A date the extractor is not sure of but would book (from :data:`CHECK_DATES_FROM` up to
:data:`SURE_DATE`) has its line read again the same way; when no new reading holds it and most of them
read one other date cleanly, a digit of it was misread (``22.06.2025`` for ``22.08.2025`` in dot print)
and the date is trusted no more than :data:`CONTRADICTED_DATE`, so a person looks at it. The other date
is not taken: readings of one print repeat each other's misreads, and a date has no check digit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from docflow.receipts import confidence
from docflow.receipts.dates import find_dates, may_be_misread_recent
from docflow.receipts.extract import to_lines
from docflow.receipts.identifiers import agreed_business_id, is_business_id_line
from docflow.receipts.lines import LineLike, drop_overlap, fold
from docflow.receipts.merchant import find_party
from docflow.receipts.models import Field, ReceiptData

#: A merchant confidence below this asks for the header to be read again. The extractor's names are
#: 0.82-0.85 when uncorroborated (:data:`docflow.receipts.merchant.UNCORROBORATED_NAME`); below 0.8 a
#: name is noisy, cut short, or no name-like line at all.
REREAD_BELOW = 0.8
#: Dates from this confidence up to :data:`SURE_DATE` are checked against a second reading of their
#: line: below it a receipt goes to review anyway.
CHECK_DATES_FROM = 0.7
SURE_DATE = 0.9
#: A date read at least this surely in a new reading counts as that reading's date.
CLEAN_DATE = 0.85
#: The most a date is trusted that the new readings of its line contradict.
CONTRADICTED_DATE = 0.6
#: Fewer new readings than this (the time ran out) contradict nothing.
MIN_NEW_READINGS = 3
#: The most a merchant taken from the second reading is trusted.
REREAD_NAME = 0.85
#: A name of the second reading that has nothing in common with the first one's replaces it only when
#: surer by this much: the two names' confidences are reckoned on different lines (their positions in
#: the header differ), so a small difference says nothing (``ALDI`` over ``ALD 1``).
REREAD_MARGIN = 0.1
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")

if TYPE_CHECKING:
    from docflow.ocr.line_reader import LineSource


def _letters_and_digits(name: str) -> str:
    return _NOT_ALNUM.sub("", fold(name))


def _surer(name: str, confidence: float, current: Field[str]) -> bool:
    """Whether the second reading's ``name`` should replace ``current``: surer than it, by
    :data:`REREAD_MARGIN` unless one name holds the other (the two readings agree on its core)."""
    new, old = _letters_and_digits(name), _letters_and_digits(current.value)
    if new == old:
        return False
    agree = bool(new) and bool(old) and (new in old or old in new)
    return confidence > current.confidence + (0.0 if agree else REREAD_MARGIN)


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
    if current is not None and not _surer(party.name, party.name_confidence, current):
        return receipt
    merchant = Field(party.name, round(min(party.name_confidence, REREAD_NAME), 3))
    warnings = tuple(warning for warning in receipt.warnings if warning.code != "no_merchant")
    return replace(receipt, merchant=merchant, warnings=warnings)


def needs_business_id(receipt: ReceiptData) -> bool:
    """Whether the receipt has no Y-tunnus (the line that prints one may be read again)."""
    return receipt.business_id is None


def with_reread_business_id(
    receipt: ReceiptData, lines: Sequence[LineLike], reader: LineSource
) -> ReceiptData:
    """``receipt`` with the Y-tunnus that the readings of a labelled line agree on, the page reading's
    among them; ``receipt`` unchanged when no such line gives one."""
    for line in lines:
        if not is_business_id_line(line.text):
            continue
        again = reader.read(line.page, line.bbox)
        if not again:
            continue
        value = agreed_business_id([line.text, *again])
        if value is not None:
            warnings = tuple(warning for warning in receipt.warnings if warning.code != "no_business_id")
            business_id = Field(value, confidence.BUSINESS_ID_REPAIRED)
            return replace(receipt, business_id=business_id, warnings=warnings)
    return receipt


def needs_date_check(receipt: ReceiptData) -> bool:
    """Whether the receipt's date would be booked without being sure (its line may be read again)."""
    return receipt.date is not None and CHECK_DATES_FROM <= receipt.date.confidence < SURE_DATE


def with_checked_date(
    receipt: ReceiptData, lines: Sequence[LineLike], reader: LineSource, *, today: dt.date
) -> ReceiptData:
    """``receipt`` with its date trusted no more than :data:`CONTRADICTED_DATE` when the new readings
    of its line contradict it: none holds it, and more than half (of at least :data:`MIN_NEW_READINGS`)
    read one other date cleanly (a date itself doubtful, see
    :func:`~docflow.receipts.dates.may_be_misread_recent`, does not count)."""
    date = receipt.date
    line = next((line for line in lines if date is not None and line.text == date.source), None)
    if date is None or line is None:
        return receipt
    again = reader.read(line.page, line.bbox)
    if len(again) < MIN_NEW_READINGS:
        return receipt
    read = [find_dates(text, today) for text in again]
    if any(match.value == date.value for matches in read for match in matches):
        return receipt
    clean = [
        {match.value for match in matches if match.confidence >= CLEAN_DATE}
        - {match.value for match in matches if may_be_misread_recent(match.value, today)}
        for matches in read
    ]
    others = {value for values in clean for value in values}
    if not any(2 * sum(value in values for values in clean) > len(again) for value in others):
        return receipt
    return replace(receipt, date=replace(date, confidence=min(date.confidence, CONTRADICTED_DATE)))

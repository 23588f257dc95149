"""Fields read again from second readings: the merchant from the header's, the Y-tunnus and the date
from their lines'.

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
one (:data:`docflow.receipts.confidence.BUSINESS_ID_REPAIRED`), and below review when only one reading
printed it whole (:data:`docflow.receipts.confidence.BUSINESS_ID_ONE_READING`).

A date the extractor is not sure of but would book (from :data:`CHECK_DATES_FROM` up to
:data:`SURE_DATE`) has its line read again the same way; when no new reading holds it and most of them
read one other date cleanly, a digit of it was misread (``22.06.2025`` for ``22.08.2025`` in dot print)
and the date is trusted no more than :data:`CONTRADICTED_DATE`, so a person looks at it. The other date
is not taken: readings of one print repeat each other's misreads, and a date has no check digit.
A receipt with no date at all has the first lines that print a time of day read again the same way,
and a date most new readings agree on is taken at :data:`FOUND_DATE`: a value a person confirms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from docflow.receipts import confidence
from docflow.receipts.dates import DateMatch, find_dates, find_times, may_be_misread_recent
from docflow.receipts.extract import NOT_PURCHASE_DATE, to_lines
from docflow.receipts.identifiers import SURE_PRINTS, agreed_business_id, is_business_id_line
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
#: Fewer new readings than this (the time ran out) contradict or find nothing.
MIN_NEW_READINGS = 3
#: A receipt without a date has at most this many lines that print a time of day read again.
MAX_TIME_LINES = 2
#: A line that prints a date and a time has at least this many digits (``1.2.25 9:05``).
MIN_TIME_LINE_DIGITS = 6
#: How sure a date is that only the new readings of its line read: never enough to book it unseen.
FOUND_DATE = 0.6
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
    """Whether the receipt lacks the Y-tunnus a Finnish sale or refund must print (the line that prints
    its label may be read again)."""
    return any(warning.code == "no_business_id" for warning in receipt.warnings)


def with_reread_business_id(
    receipt: ReceiptData, lines: Sequence[LineLike], reader: LineSource
) -> ReceiptData:
    """``receipt`` with the Y-tunnus that the readings of a labelled line agree on, the page reading's
    among them, trusted as repaired when at least :data:`~docflow.receipts.identifiers.SURE_PRINTS` of
    them printed it whole, else below review; ``receipt`` unchanged when no such line gives one."""
    for line in lines:
        if not is_business_id_line(line.text):
            continue
        again = reader.read(line.page, line.bbox)
        if not again:
            continue
        agreed = agreed_business_id([line.text, *again])
        if agreed is not None:
            sure = agreed.printed >= SURE_PRINTS
            score = confidence.BUSINESS_ID_REPAIRED if sure else confidence.BUSINESS_ID_ONE_READING
            warnings = tuple(warning for warning in receipt.warnings if warning.code != "no_business_id")
            return replace(receipt, business_id=Field(agreed.value, score), warnings=warnings)
    return receipt


def needs_date_check(receipt: ReceiptData) -> bool:
    """Whether the receipt's date would be booked without being sure (its line may be read again)."""
    return receipt.date is not None and CHECK_DATES_FROM <= receipt.date.confidence < SURE_DATE


def _agreed_date(readings: Sequence[Sequence[DateMatch]], today: dt.date) -> dt.date | None:
    """The one date more than half of ``readings`` (the dates each new reading holds, at least
    :data:`MIN_NEW_READINGS` readings) read cleanly (at :data:`CLEAN_DATE` or surer; a date itself
    doubtful, see :func:`~docflow.receipts.dates.may_be_misread_recent`, does not count)."""
    if len(readings) < MIN_NEW_READINGS:
        return None
    clean = [{match.value for match in matches if match.confidence >= CLEAN_DATE} for matches in readings]
    counts = Counter(value for values in clean for value in values if not may_be_misread_recent(value, today))
    agreed = [value for value, count in counts.items() if 2 * count > len(readings)]
    return agreed[0] if len(agreed) == 1 else None


def with_checked_date(
    receipt: ReceiptData, lines: Sequence[LineLike], reader: LineSource, *, today: dt.date
) -> ReceiptData:
    """``receipt`` with its date trusted no more than :data:`CONTRADICTED_DATE` when the new readings
    of its line contradict it: none holds it, and most agree on another (:func:`_agreed_date`)."""
    date = receipt.date
    line = next((line for line in lines if date is not None and line.text == date.source), None)
    if date is None or line is None:
        return receipt
    read = [find_dates(text, today) for text in reader.read(line.page, line.bbox)]
    if any(match.value == date.value for matches in read for match in matches):
        return receipt
    if _agreed_date(read, today) is None:
        return receipt
    return replace(receipt, date=replace(date, confidence=min(date.confidence, CONTRADICTED_DATE)))


def needs_date(receipt: ReceiptData) -> bool:
    """Whether the receipt has no date (a line that prints a time may hold one the OCR garbled)."""
    return receipt.date is None


def with_found_date(
    receipt: ReceiptData, lines: Sequence[LineLike], reader: LineSource, *, today: dt.date
) -> ReceiptData:
    """``receipt`` with the date the new readings of a line that prints a time of day agree on
    (:func:`_agreed_date`; the first :data:`MAX_TIME_LINES` such lines with at least
    :data:`MIN_TIME_LINE_DIGITS` digits, none naming another date such as an expiry), trusted at
    :data:`FOUND_DATE`; ``receipt`` unchanged when none does."""
    with_time = [
        line
        for line in lines
        if find_times(line.text)
        and sum(char.isdigit() for char in line.text) >= MIN_TIME_LINE_DIGITS
        and not NOT_PURCHASE_DATE.search(fold(line.text))
    ]
    for line in with_time[:MAX_TIME_LINES]:
        read = [find_dates(text, today) for text in reader.read(line.page, line.bbox)]
        value = _agreed_date(read, today)
        if value is not None:
            warnings = tuple(warning for warning in receipt.warnings if warning.code != "no_date")
            return replace(receipt, date=Field(value, FOUND_DATE, line.text), warnings=warnings)
    return receipt

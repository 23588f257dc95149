"""The merchant re-read from the header's second reading: only the merchant, only when surer, capped."""

from __future__ import annotations

import dataclasses
import datetime as dt

from docflow.ocr.models import OcrLine
from docflow.receipts.extract import extract_receipt
from docflow.receipts.models import Field, ReceiptData
from docflow.receipts.reread import (
    REREAD_BELOW,
    REREAD_MARGIN,
    REREAD_NAME,
    merged_lines,
    needs_header,
    with_header_merchant,
)

TODAY = dt.date(2026, 1, 1)
ROW = 40
BODY = [
    "No 8, Jalan 7/118B, Desa Tun Razak",
    "56000 Kuala Lumpur",
    "TAX INVOICE",
    "Date: 12/03/2018",
    "PEN BLUE 2.50",
    "TOTAL RM 2.50",
    "CASH 5.00",
]


def _line(text: str, row: float, confidence: float = 0.92, page: int = 1) -> OcrLine:
    top = round(row * ROW)
    return OcrLine(text, confidence, (40, top, 600, top + 30), page)


def _first_reading(*header: OcrLine) -> list[OcrLine]:
    return [*header, *(_line(text, row) for row, text in enumerate(BODY, start=3))]


#: The header's second reading: the name's second line, lost to the page reading, read.
SECOND = [_line("POPULAR BOOK", 1, 0.93), _line("CO. (M) SDN BHD", 2, 0.91)]
BOTTOM = 3 * ROW - 5


def test_given_a_name_cut_short_when_the_header_is_read_again_then_the_whole_name_is_taken_capped() -> None:
    first = _first_reading(_line("POPULAR BOOK |", 1, 0.7), _line(". (Co. No. 113825-W) HD", 2, 0.4))
    receipt = extract_receipt(first, today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "POPULAR BOOK"
    assert needs_header(receipt)
    reread = with_header_merchant(receipt, first, SECOND, page=1, bottom=BOTTOM)
    assert reread.merchant == Field("POPULAR BOOK CO. (M) SDN BHD", REREAD_NAME)
    assert dataclasses.replace(reread, merchant=receipt.merchant) == receipt


def test_given_no_merchant_when_the_header_names_one_then_it_is_taken_and_the_warning_goes() -> None:
    first = _first_reading(_line("~ = ..", 1, 0.3))
    receipt = extract_receipt(first, today=TODAY)
    assert receipt.merchant is None
    assert "no_merchant" in [warning.code for warning in receipt.warnings]
    reread = with_header_merchant(receipt, first, SECOND, page=1, bottom=BOTTOM)
    assert reread.merchant is not None
    assert reread.merchant.value == "POPULAR BOOK CO. (M) SDN BHD"
    assert reread.merchant.confidence <= REREAD_NAME
    assert "no_merchant" not in [warning.code for warning in reread.warnings]
    assert (reread.date, reread.total, reread.vat, reread.address) == (
        receipt.date,
        receipt.total,
        receipt.vat,
        receipt.address,
    )


def test_given_a_different_name_barely_surer_when_compared_then_the_first_is_kept() -> None:
    # The second reading's name is read at 0.42: surer than 0.4, by less than the margin.
    receipt = ReceiptData(merchant=Field("ALDI", 0.4))
    header = [_line("ALD 1 Markt", 1, 0.6)]
    first = [_line("ALDI", 1, 0.6), *(_line(text, row) for row, text in enumerate(BODY, start=3))]
    reread = with_header_merchant(receipt, first, header, page=1, bottom=BOTTOM)
    assert reread is receipt


def test_given_a_different_name_clearly_surer_when_compared_then_it_is_taken() -> None:
    receipt = ReceiptData(merchant=Field("Jalan 7/118B", 0.85 - REREAD_MARGIN - 0.2))
    first = _first_reading(_line("Jalan 7/118B", 1, 0.5))
    reread = with_header_merchant(receipt, first, SECOND, page=1, bottom=BOTTOM)
    assert reread.merchant is not None
    assert reread.merchant.value == "POPULAR BOOK CO. (M) SDN BHD"


def test_given_a_surer_first_name_when_compared_then_it_is_kept() -> None:
    receipt = ReceiptData(merchant=Field("POPULAR BOOK", 0.95))
    first = _first_reading(_line("POPULAR BOOK", 1, 0.95))
    assert with_header_merchant(receipt, first, SECOND, page=1, bottom=BOTTOM) is receipt


def test_given_the_same_name_read_twice_when_compared_then_the_receipt_is_unchanged() -> None:
    first = _first_reading(*SECOND)
    receipt = dataclasses.replace(
        extract_receipt(first, today=TODAY), merchant=Field("POPULAR BOOK CO. (M) SDN BHD", 0.5)
    )
    assert with_header_merchant(receipt, first, SECOND, page=1, bottom=BOTTOM) is receipt


def test_given_an_empty_second_reading_when_merged_then_the_receipt_is_unchanged() -> None:
    receipt = ReceiptData()
    assert with_header_merchant(receipt, _first_reading(), [], page=1, bottom=BOTTOM) is receipt


def test_given_lines_when_merged_then_only_the_pages_lines_above_the_bottom_are_replaced() -> None:
    above, below, other_page = _line("OLD NAME", 1), _line("TOTAL 2.50", 5), _line("OLD NAME", 1, page=2)
    header = [_line("NEW NAME", 1)]
    assert merged_lines([above, below, other_page], header, page=1, bottom=BOTTOM) == [
        *header,
        below,
        other_page,
    ]


def test_given_merchant_confidences_when_checked_then_only_missing_or_doubtful_ones_need_the_header() -> None:
    assert needs_header(ReceiptData())
    assert needs_header(ReceiptData(merchant=Field("X", REREAD_BELOW - 0.01)))
    assert not needs_header(ReceiptData(merchant=Field("X", REREAD_BELOW)))

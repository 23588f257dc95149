"""``read_receipt``: the header is read a second time only for a missing or doubtful merchant, a
Y-tunnus line only when the page reading gave no valid Y-tunnus, a date's line only for a date that
would be booked unsure, lines with a time of day only when there is no date."""

from __future__ import annotations

import datetime as dt

import pytest

from docflow.ocr.header import HeaderRead
from docflow.ocr.models import OcrLine, OcrResult, make_page
from docflow.receipts.confidence import BUSINESS_ID_ONE_READING, BUSINESS_ID_REPAIRED
from docflow.receipts.reread import (
    CHECK_DATES_FROM,
    CONTRADICTED_DATE,
    FOUND_DATE,
    MAX_TIME_LINES,
    REREAD_NAME,
    SURE_DATE,
)
from docflow.receipts.scan import read_receipt

TODAY = dt.date(2026, 1, 1)
BODY = ["No 8, Jalan 7/118B, Desa Tun Razak", "56000 Kuala Lumpur", "Date: 12/03/2018", "TOTAL RM 2.50"]


def _line(text: str, row: int, confidence: float = 0.92) -> OcrLine:
    return OcrLine(text, confidence, (40, row * 40, 600, row * 40 + 30), 1)


class CountingHeader:
    """A header source that counts how often it is asked."""

    def __init__(self, header: HeaderRead | None) -> None:
        self.header = header
        self.reads = 0

    def read(self) -> HeaderRead | None:
        self.reads += 1
        return self.header


def _result(name: OcrLine, source: CountingHeader | None) -> OcrResult:
    lines = (name, *(_line(text, row) for row, text in enumerate(BODY, start=3)))
    page = make_page(number=1, width=700, height=400, lines=lines, source="ocr", seconds=0.1)
    return OcrResult((page,), "image/png", "eng", 0.1, header_reader=source)


HEADER = HeaderRead((_line("POPULAR BOOK", 1, 0.93), _line("CO. (M) SDN BHD", 2, 0.91)), 115, 1, 0.1)


def test_given_a_doubtful_merchant_when_read_then_the_header_is_read_again_and_the_merchant_taken() -> None:
    source = CountingHeader(HEADER)
    receipt = read_receipt(_result(_line("POPULAR BOOK |", 1, 0.6), source), today=TODAY)
    assert source.reads == 1
    assert receipt.merchant is not None
    assert (receipt.merchant.value, receipt.merchant.confidence) == (
        "POPULAR BOOK CO. (M) SDN BHD",
        REREAD_NAME,
    )
    assert receipt.total is not None
    assert str(receipt.total.value) == "2.50"


def test_given_a_sure_merchant_when_read_then_the_header_is_not_read_again() -> None:
    source = CountingHeader(HEADER)
    name = _line("POPULAR BOOK CO. (M) SDN BHD", 1, 0.95)
    lines = (name, _line("www.popularbook.com.my", 2))
    page = make_page(number=1, width=700, height=400, lines=lines, source="ocr", seconds=0.1)
    receipt = read_receipt(OcrResult((page,), "image/png", "eng", 0.1, header_reader=source), today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.confidence >= 0.8
    assert source.reads == 0


def test_given_no_second_reading_when_read_then_the_first_extraction_stands() -> None:
    source = CountingHeader(None)
    receipt = read_receipt(_result(_line("POPULAR BOOK |", 1, 0.6), source), today=TODAY)
    assert source.reads == 1
    assert receipt.merchant is not None
    assert receipt.merchant.value == "POPULAR BOOK"
    without = read_receipt(_result(_line("POPULAR BOOK |", 1, 0.6), None), today=TODAY)
    assert without == receipt


class ScriptedLines:
    """A line source that answers every line with the same readings and records what it was asked."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        self.texts = texts
        self.asked: list[tuple[int, tuple[int, int, int, int]]] = []

    def read(self, page: int, bbox: tuple[int, int, int, int]) -> tuple[str, ...]:
        self.asked.append((page, bbox))
        return self.texts


FINNISH = ["K-Market Kuusi", "Kuusen Kauppa Oyj", "YLunnus 1699162-5", "30.12.2024 11:03", "YHTEENSÄ 22,53"]


def _finnish(lines: ScriptedLines, id_line: str = "YLunnus 1699162-5") -> OcrResult:
    texts = [id_line if text.startswith("YLunnus") else text for text in FINNISH]
    rows = tuple(_line(text, row) for row, text in enumerate(texts, start=1))
    page = make_page(number=1, width=700, height=400, lines=rows, source="ocr", seconds=0.1)
    return OcrResult((page,), "image/png", "eng", 0.1, line_reader=lines)


@pytest.mark.parametrize(
    ("readings", "trusted"),
    [
        (("YLtunnus 1699162-5", "YLunnus 1649162-5", "tunnus 1649162-5"), BUSINESS_ID_REPAIRED),
        (("YLtunnus 1699162-5", "YLunnus 1649162-5", "tunnus 1699162-5"), BUSINESS_ID_ONE_READING),
    ],
    ids=["printed-twice", "printed-once"],
)
def test_given_no_valid_y_tunnus_when_read_then_its_line_is_read_again_and_the_agreed_number_taken(
    readings: tuple[str, ...], trusted: float
) -> None:
    source = ScriptedLines(readings)
    receipt = read_receipt(_finnish(source), today=TODAY)
    assert source.asked == [(1, _line("", 3).bbox)]
    assert receipt.business_id is not None
    assert (receipt.business_id.value, receipt.business_id.confidence) == ("1649162-5", trusted)
    assert "no_business_id" not in [warning.code for warning in receipt.warnings]


def test_given_readings_that_do_not_agree_when_read_then_the_receipt_has_no_y_tunnus() -> None:
    source = ScriptedLines(("YLtunnus 1699162-5", "YLunnus 1699162-5", "tunnus 1699162-5"))
    receipt = read_receipt(_finnish(source), today=TODAY)
    assert receipt.business_id is None
    assert "no_business_id" in [warning.code for warning in receipt.warnings]


def test_given_a_valid_y_tunnus_when_read_then_no_line_is_read_again() -> None:
    source = ScriptedLines(("Y-tunnus 1111111-1",) * 3)
    receipt = read_receipt(_finnish(source, id_line="Y-tunnus 1649162-5"), today=TODAY)
    assert source.asked == []
    assert receipt.business_id is not None
    assert receipt.business_id.value == "1649162-5"


DATED = ["Neste Kivikko", "Y-tunnus 1649162-5", "22.06.25 17:52 Kuitti 696565", "YHTEENSÄ 22,53"]


def _dated(lines: ScriptedLines) -> OcrResult:
    rows = tuple(_line(text, row, 0.85) for row, text in enumerate(DATED, start=1))
    page = make_page(number=1, width=700, height=400, lines=rows, source="ocr", seconds=0.1)
    return OcrResult((page,), "image/png", "eng", 0.1, line_reader=lines)


def test_given_an_unsure_date_the_new_readings_contradict_then_it_is_no_longer_trusted() -> None:
    source = ScriptedLines(("22.08.25 17:52 Kuitti 696565",) * 3 + ("22.0B.25 17:52",))
    receipt = read_receipt(_dated(source), today=TODAY)
    assert source.asked == [(1, _line("", 3).bbox)]
    assert receipt.date is not None
    assert (receipt.date.value, receipt.date.confidence) == (dt.date(2025, 6, 22), CONTRADICTED_DATE)


@pytest.mark.parametrize(
    "readings",
    [
        ("22.08.25 17:52",) * 3 + ("22.06.25 17:52",),  # one new reading holds the date
        ("22.08.25 17:52",) * 2 + ("22.0B.25 17:52",) * 2,  # no clean majority for another date
        ("22.08.25 17:52",) * 2,  # too few new readings
        ("22.08.05 17:52",) * 4,  # the other date is itself a doubtful old one
    ],
    ids=["held", "no-majority", "too-few", "old"],
)
def test_given_new_readings_that_do_not_contradict_the_date_then_it_stays(readings: tuple[str, ...]) -> None:
    before = read_receipt(_dated(ScriptedLines(())), today=TODAY)
    receipt = read_receipt(_dated(ScriptedLines(readings)), today=TODAY)
    assert before.date is not None
    assert CHECK_DATES_FROM <= before.date.confidence < SURE_DATE
    assert receipt.date == before.date


def test_given_a_sure_date_when_read_then_its_line_is_not_read_again() -> None:
    source = ScriptedLines(("22.08.2025 17:52",) * 4)
    rows = tuple(_line(text, row, 0.95) for row, text in enumerate(DATED, start=1))
    lines = (*rows[:2], _line("22.06.2025 17:52 Kuitti 696565", 3, 0.95), rows[3])
    page = make_page(number=1, width=700, height=400, lines=lines, source="ocr", seconds=0.1)
    receipt = read_receipt(OcrResult((page,), "image/png", "eng", 0.1, line_reader=source), today=TODAY)
    assert receipt.date is not None
    assert receipt.date.confidence >= SURE_DATE
    assert source.asked == []


UNDATED = ["Neste Kivikko", "Y-tunnus 1649162-5", "%. 10.2024 11:18 Kuitti 962030", "YHTEENSÄ 22,53"]


def _undated(lines: ScriptedLines) -> OcrResult:
    rows = tuple(_line(text, row) for row, text in enumerate(UNDATED, start=1))
    page = make_page(number=1, width=700, height=400, lines=rows, source="ocr", seconds=0.1)
    return OcrResult((page,), "image/png", "eng", 0.1, line_reader=lines)


def test_given_no_date_when_most_new_readings_of_a_time_line_agree_on_one_then_it_is_taken_unsure() -> None:
    source = ScriptedLines(("26.10.2024 11:18 Kuitti 962030",) * 3 + ("2B. 10.2024 11:18",))
    receipt = read_receipt(_undated(source), today=TODAY)
    assert source.asked == [(1, _line("", 3).bbox)]
    assert receipt.date is not None
    assert (receipt.date.value, receipt.date.confidence) == (dt.date(2024, 10, 26), FOUND_DATE)
    assert "no_date" not in [warning.code for warning in receipt.warnings]


@pytest.mark.parametrize(
    "readings",
    [
        ("26.10.2024 11:18",) * 2 + ("28.10.2004 11:18",) * 2,  # no majority
        ("26.10.2024 11:18",) * 2,  # too few new readings
    ],
    ids=["no-majority", "too-few"],
)
def test_given_no_date_when_the_new_readings_do_not_agree_then_there_is_still_none(
    readings: tuple[str, ...],
) -> None:
    receipt = read_receipt(_undated(ScriptedLines(readings)), today=TODAY)
    assert receipt.date is None
    assert "no_date" in [warning.code for warning in receipt.warnings]


def test_given_no_date_then_only_the_first_time_lines_that_can_hold_a_date_are_read_again() -> None:
    texts = [
        "Neste Kivikko",
        "Voimassa klo 23:59 12345678",  # an expiry: not the purchase's date
        "Klo 9:05",  # too few digits to print a date too
        "%. 10.2024 11:18 Kuitti 962030",
        "Kassa 3 klo 11:19 Myyjä 123456",
        "Tulostettu klo 11:20 nro 654321",  # past the lines allowed
        "YHTEENSÄ 22,53",
    ]
    rows = tuple(_line(text, row) for row, text in enumerate(texts, start=1))
    page = make_page(number=1, width=700, height=400, lines=rows, source="ocr", seconds=0.1)
    source = ScriptedLines(("no date here",) * 4)
    read_receipt(OcrResult((page,), "image/png", "eng", 0.1, line_reader=source), today=TODAY)
    asked = [bbox for _, bbox in source.asked]
    assert asked == [_line("", 4).bbox, _line("", 5).bbox][:MAX_TIME_LINES]

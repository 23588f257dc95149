"""The layout-independent VAT reader: one text fixture per layout, in Finnish, Swedish and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.extract import extract_receipt
from docflow.receipts.models import ReceiptData

TODAY = dt.date(2026, 11, 27)
FI_HEAD = "Kauppa Oy\nY-tunnus 0112038-9\nPvm {day}\n"
SE_HEAD = "Butik AB\nOrg.nr 556677-8899\nDatum {day}\n"
EN_HEAD = "Corner Shop\nDate {day}\n"

Row = tuple[str, str, str, str]


def _rows(receipt: ReceiptData) -> list[Row]:
    return [(str(row.rate), str(row.net), str(row.tax), str(row.gross)) for row in receipt.vat]


def _read(head: str, day: str, body: str) -> ReceiptData:
    return extract_receipt(head.format(day=day) + body, today=TODAY)


LAYOUTS: dict[str, tuple[str, str, str, list[Row]]] = {
    "fi header table": (
        FI_HEAD,
        "12.03.2025",
        "MAITO 11,40\nPARISTOT 100,00\nYHTEENSÄ 111,40\nALV% VEROTON VERO VEROLLINEN\n"
        "25,5 79,68 20,32 100,00\n14 10,00 1,40 11,40\n",
        [("25.5", "79.68", "20.32", "100.00"), ("14", "10.00", "1.40", "11.40")],
    ),
    "fi rate and tax, net on the next line": (
        FI_HEAD,
        "12.03.2025",
        "TYÖKALU 180,50\nYHTEENSÄ 180,50\nALV 25,5 %   36,68\nVEROTON   143,82\n",
        [("25.5", "143.82", "36.68", "180.50")],
    ),
    "se moms and net on the next line": (
        SE_HEAD,
        "2025-05-10",
        "VERKTYG 125,00\nTotalt 125,00 kr\nMoms 25 %  25,00\nNetto 100,00\n",
        [("25", "100.00", "25.00", "125.00")],
    ),
    "en vat and excl. vat on the next line": (
        EN_HEAD,
        "12.03.2025",
        "TOOL 100.00\nTOTAL 100.00\nVAT 25.5%  20.32\nTotal excl. VAT 79.68\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "fi tax-included note": (
        FI_HEAD,
        "12.03.2025",
        "LAMPPU 92,08\nYHTEENSÄ 92,08\nKORTTI 92,08\nSis. ALV 25,5 % 18,71\n",
        [("25.5", "73.37", "18.71", "92.08")],
    ),
    "fi prices include vat, two tax notes": (
        FI_HEAD,
        "01.06.2025",
        "YHTEENSÄ 35,00\nHinnat sisältävät ALV:n\nALV 25,5 % 5,08\nALV 14 % 1,23\n",
        [("25.5", "19.92", "5.08", "25.00"), ("14", "8.77", "1.23", "10.00")],
    ),
    "se varav moms": (
        SE_HEAD,
        "2025-05-10",
        "MIDDAG 250,00\nTotalt 250,00 SEK\nVarav moms 12 % 26,79\n",
        [("12", "223.21", "26.79", "250.00")],
    ),
    "fi letter codes": (
        FI_HEAD,
        "01.02.2026",
        "MAITO 1,89 B\nKAHVI 5,99 B\nPARISTOT 12,90 A\nYHTEENSÄ 20,78\nA 25,5 % 2,62\nB 13,5 % 0,94\n",
        [("13.5", "6.94", "0.94", "7.88"), ("25.5", "10.28", "2.62", "12.90")],
    ),
    "en letter codes": (
        EN_HEAD,
        "01.04.2025",
        "COFFEE 3.50 A\nSANDWICH 6.80 B\nTOTAL 10.30\nVAT A 25.5% 0.71\nVAT B 14% 0.84\n",
        [("25.5", "2.79", "0.71", "3.50"), ("14", "5.96", "0.84", "6.80")],
    ),
    "fi alv-erittely, gross first and tax last": (
        FI_HEAD,
        "12.03.2025",
        "TUOLI 100,00\nYHTEENSÄ 100,00\nALV-erittely\nALV% Brutto Netto Vero\n25,5 100,00 79,68 20,32\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "se momsspecifikation, two rates": (
        SE_HEAD,
        "2025-05-10",
        "Totalt 181,00 kr\nMomsspecifikation\nMoms% Brutto Netto Moms\n25 125,00 100,00 25,00\n"
        "12 56,00 50,00 6,00\n",
        [("25", "100.00", "25.00", "125.00"), ("12", "50.00", "6.00", "56.00")],
    ),
    "fi veron osuus": (
        FI_HEAD,
        "12.03.2025",
        "HIUSTENLEIKKUU 45,00\nYHTEENSÄ 45,00\nVeron osuus 25,5 % 9,14\n",
        [("25.5", "35.86", "9.14", "45.00")],
    ),
    "fi swedish-language moms and netto": (
        "Bokhandel Ab\nFO-nummer 0112038-9\nDatum {day}\n",
        "12.03.2025",
        "Totalt 100,00\nMoms 25,5 % 20,32\nNetto 79,68\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "en vat and excl. vat on one line": (
        EN_HEAD,
        "12.03.2025",
        "TOTAL 100.00\nVAT 25.5% 20.32 excl. VAT 79.68\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "fi one rate and no table": (
        FI_HEAD,
        "12.03.2025",
        "KAHVI 24,90\nYHTEENSÄ 24,90\nKORTTI 24,90\nALV 25,5 % sisältyy hintaan\n",
        [("25.5", "19.84", "5.06", "24.90")],
    ),
    "fi three rates": (
        FI_HEAD,
        "15.02.2026",
        "YHTEENSÄ 35,00\nALV% VEROTON VERO VEROLLINEN\n25,5 % 15,94 4,06 20,00\n13,5 % 8,81 1,19 10,00\n"
        "10 % 4,55 0,45 5,00\n",
        [
            ("25.5", "15.94", "4.06", "20.00"),
            ("13.5", "8.81", "1.19", "10.00"),
            ("10", "4.55", "0.45", "5.00"),
        ],
    ),
    "fi two rates, tax and net on separate lines": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 36,50\nALV 25,5 %  5,10\nVEROTON  20,00\nALV 14 %  1,40\nVEROTON  10,00\n",
        [("25.5", "20.00", "5.10", "25.10"), ("14", "10.00", "1.40", "11.40")],
    ),
    "ocr: letter O for zero": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 100,00\nALV% VEROTON VERO VEROLLINEN\n25,5 % 79,68 2O,32 1OO,OO\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "ocr: missing percent sign": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 180,50\nALV 25,5   36,68\nVEROTON   143,82\n",
        [("25.5", "143.82", "36.68", "180.50")],
    ),
    "ocr: lost decimal point in the rate": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 180,50\nALV 255 %   36,68\nVEROTON   143,82\n",
        [("25.5", "143.82", "36.68", "180.50")],
    ),
    "ocr: amounts split onto the next line": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 100,00\nALV 25,5 %\n79,68 20,32 100,00\n",
        [("25.5", "79.68", "20.32", "100.00")],
    ),
    "ocr: 10 % read as 0 %": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 85,46\nALV% VEROTON VERO VEROLLINEN\n14% 21,83 3,06 24,89\n0% 55,06 SIOEN 60,57\n",
        [("14", "21.83", "3.06", "24.89"), ("10", "55.06", "5.51", "60.57")],
    ),
    "fi web shop: net and tax lines per rate": (
        FI_HEAD,
        "12.03.2026",
        "Kirja 1 20,00 20,00\nNäyttö 1 199,00 199,00\nVeroton 25,5 % 158,57\nALV 25,5 % 40,43\n"
        "Veroton 13,5 % 17,62\nALV 13,5 % 2,38\nYhteensä 219,00\n",
        [("25.5", "158.57", "40.43", "199.00"), ("13.5", "17.62", "2.38", "20.00")],
    ),
    "fi gross and tax lines per rate": (
        FI_HEAD,
        "12.03.2026",
        "YHTEENSÄ 15,90\nVerollinen 25,5 % 15,90\nALV 25,5 % 3,23\n",
        [("25.5", "12.67", "3.23", "15.90")],
    ),
    "en vat and excl. vat, two rates, decimal points": (
        EN_HEAD,
        "12.03.2025",
        "Coffee 2.90\nSandwich 4.50\nGum 2.10\nTOTAL EUR 9.50\nCard 9.50\n"
        "VAT 14%   0.91   excl. VAT   6.49\nVAT 25.5%   0.43   excl. VAT   1.67\n",
        [("14", "6.49", "0.91", "7.40"), ("25.5", "1.67", "0.43", "2.10")],
    ),
    "fi two tax notes per rate": (
        FI_HEAD,
        "12.03.2025",
        "BURANA 6,90\nSILMÄTIPAT 12,40\nAURINKOVOIDE 15,90\nYHTEENSÄ 35,20\nPankkikortti 35,20\n"
        "Sis. ALV 10 % 1,75\nSis. ALV 25,5 % 3,23\n",
        [("10", "17.55", "1.75", "19.30"), ("25.5", "12.67", "3.23", "15.90")],
    ),
    "fi veron osuus with the tax on the next line": (
        FI_HEAD,
        "12.03.2026",
        "Perusmaksu 6,90\nMatkamaksu 25,30\nYhteensä 32,20\nVeron osuus 13,5 %\n3,83\nVisa 32,20\n",
        [("13.5", "28.37", "3.83", "32.20")],
    ),
    "ocr: thousands separators": (
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 1.500,00\nALV 25,5 % 304,78\nVEROTON 1 195,22\n",
        [("25.5", "1195.22", "304.78", "1500.00")],
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_given_a_layout_when_read_then_the_vat_rows_add_up_to_the_total(layout: str) -> None:
    head, day, body, expected = LAYOUTS[layout]
    receipt = _read(head, day, body)
    assert sorted(_rows(receipt)) == sorted(expected)
    assert "vat_total_mismatch" not in {warning.code for warning in receipt.warnings}


def test_given_rows_that_add_up_to_the_total_when_read_then_they_are_confident() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", LAYOUTS["fi header table"][2])
    assert all(row.confidence >= 0.9 for row in receipt.vat)


def test_given_rows_that_do_not_add_up_to_the_total_when_read_then_they_are_not_confident() -> None:
    receipt = _read(
        FI_HEAD,
        "12.03.2025",
        "YHTEENSÄ 150,00\nKORTTI 150,00\nALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n",
    )
    assert all(row.confidence < 0.9 for row in receipt.vat)
    assert "vat_total_mismatch" in {warning.code for warning in receipt.warnings}


def test_given_only_a_rate_the_prices_include_when_read_then_the_derived_row_is_not_confident() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", LAYOUTS["fi one rate and no table"][2])
    assert receipt.vat[0].confidence < 0.9


def test_given_a_small_swedish_25_percent_row_when_read_then_it_is_never_repaired_to_25_5() -> None:
    receipt = _read(SE_HEAD, "2025-05-10", "Totalt 2,50 kr\nMoms 25 % 0,50\nNetto 2,00\n")
    assert _rows(receipt) == [("25", "2.00", "0.50", "2.50")]
    assert receipt.country is not None
    assert receipt.country.value == "SE"


def test_given_a_swedish_receipt_when_read_then_its_vat_is_flagged_foreign() -> None:
    head, day, body, _ = LAYOUTS["se momsspecifikation, two rates"]
    receipt = _read(head, day, body)
    codes = {warning.code for warning in receipt.warnings}
    assert "foreign_receipt" in codes
    assert "vat_rate_invalid" not in codes
    assert "no_business_id" not in codes


def test_given_a_finnish_rate_on_a_swedish_receipt_when_read_then_it_is_invalid_there() -> None:
    receipt = _read(SE_HEAD, "2025-05-10", "Totalt 125,50 SEK\nMoms 25,5 % 25,50\nNetto 100,00\n")
    assert "vat_rate_invalid" in {warning.code for warning in receipt.warnings}


def test_given_a_finnish_receipt_when_read_then_its_vat_is_not_foreign() -> None:
    head, day, body, _ = LAYOUTS["fi header table"]
    receipt = _read(head, day, body)
    assert receipt.country is not None
    assert receipt.country.value == "FI"
    assert "foreign_receipt" not in {warning.code for warning in receipt.warnings}


def test_given_deposits_outside_vat_when_read_then_the_rows_add_up_to_the_total_less_the_deposits() -> None:
    receipt = _read(
        FI_HEAD,
        "06.12.2024",
        "Lonkero 0,33 l tlk 3,44\n  PANTTI 0,15\nLonkero 0,33 l tlk 4,02\n  PANTTI 0,15\n"
        "YHTEENSÄ 7,76\nKORTTI 7,76\nHinnat sisältävät ALV:n\nALV Veroton Vero Yhteensä\n"
        "25,50 % 5,94 1,52 7,46\n",
    )
    assert _rows(receipt) == [("25.5", "5.94", "1.52", "7.46")]
    assert receipt.vat[0].confidence >= 0.9
    assert "vat_total_mismatch" not in {warning.code for warning in receipt.warnings}


def test_given_a_gap_that_no_deposit_line_explains_when_read_then_the_rows_stay_unconfirmed() -> None:
    receipt = _read(
        FI_HEAD,
        "06.12.2024",
        "Lonkero 3,44\n  PANTTI 0,15\nLAKU 0,30\nYHTEENSÄ 7,91\n"
        "ALV Veroton Vero Yhteensä\n25,50 % 5,94 1,52 7,46\n",
    )
    assert all(row.confidence < 0.9 for row in receipt.vat)
    assert "vat_total_mismatch" in {warning.code for warning in receipt.warnings}


def test_given_pant_lines_with_quantities_when_summed_then_the_line_amounts_count() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_amount

    lines = lines_from_text(
        "OLUT 0,33 TLK\n  2 x 2,45 4,90\n  Pantti 2 x 0,15 0,30\nVESI 1,00\n  Pantti 0,10\n"
        "Pullopalautus -1,20\nALV 25,5 % 1,02\n"
    )
    assert vat_free_amount(lines) == Decimal("-0.80")


def test_given_a_rate_the_prices_include_and_a_paid_total_when_read_then_the_row_is_booked() -> None:
    from docflow.pipeline.review import decide_status

    receipt = _read(
        FI_HEAD,
        "01.01.2026",
        "Pysäköinti 15,34\nLOPPUSUMMA 15,34\nALV 25,5 % sisältyy hintaan\nMobilePay 15,34\n",
    )
    assert _rows(receipt) == [("25.5", "12.22", "3.12", "15.34")]
    assert 0.7 <= receipt.vat[0].confidence < 0.9
    assert decide_status(receipt, duplicate_of=None, review_confidence=0.6) == "processed"


def test_given_a_rate_the_prices_include_but_nothing_repeats_the_total_then_the_row_is_uncertain() -> None:
    receipt = _read(FI_HEAD, "01.01.2026", "LOPPUSUMMA 15,34\nALV 25,5 % sisältyy hintaan\n")
    assert _rows(receipt) == [("25.5", "12.22", "3.12", "15.34")]
    assert receipt.vat[0].confidence < 0.7


def test_given_a_date_line_below_a_vat_table_then_its_digits_are_never_a_vat_row() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import gather

    lines = lines_from_text(
        "SUMME EUR 27,42\nMwSt NETTO MwSt UMSATZ\nB 7% 23,45 1,64 25,09\nC 19% 1,96 0,37 2,33\n"
        "Mit der DeutschlandCard\n08.04.20 09:51 9000545 003 034 4720\n"
    )
    gathered = gather(lines, "DE")
    assert {candidate.line for candidate in gathered.candidates if candidate.line >= 0} == {2, 3}


def test_given_a_table_header_merged_with_its_row_then_the_row_is_read() -> None:
    body = "YHTEENSÄ 100,00\nALV% VEROTON VERO VEROLLINEN 25,5 79,68 20,32 100,00\n"
    receipt = _read(FI_HEAD, "12.03.2025", body)
    assert _rows(receipt) == [("25.5", "79.68", "20.32", "100.00")]


def test_given_one_net_line_that_the_total_confirms_then_the_row_is_derived_from_the_total() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 100,00\nVeroton 25,5 % 79,68\n")
    assert _rows(receipt) == [("25.5", "79.68", "20.32", "100.00")]


def test_given_one_net_line_that_the_total_contradicts_then_no_row_is_derived_from_the_total() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 150,00\nVeroton 25,5 % 79,68\n")
    assert ("25.5", "119.52", "30.48", "150.00") not in _rows(receipt)
    assert all(row.confidence < 0.7 for row in receipt.vat)


def test_given_a_deposit_line_whose_amount_is_lost_then_a_finnish_deposit_value_may_fill_it() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_options

    lines = lines_from_text("VIINI 12,61\nPANTTI 0/10\nOLUT 3,03\nPANTTI OF 5\n")
    assert vat_free_options(lines, "FI") == (
        Decimal("0.20"),
        Decimal("0.25"),
        Decimal("0.30"),
        Decimal("0.50"),
    )
    assert vat_free_options(lines, "SE") == (Decimal("0.10"),)


def test_given_a_deposit_line_without_a_count_whose_amount_is_no_deposit_then_it_may_be_misread() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_options

    lines = lines_from_text("VIINI 12,61\nPantti 4 x 0,10 0,40\nOLUT 3,38\nPantti 6,15\n")
    options = vat_free_options(lines, "FI")
    assert Decimal("6.55") in options  # as read
    assert {Decimal("0.55"), Decimal("0.80")} <= set(options)  # 6,15 read for 0,15 or 0,40
    assert vat_free_options(lines, "DE") == (Decimal("6.55"),)
    counted = lines_from_text("OLUT 3,38\nPantti 6 x 0,15 0,90\n")
    assert vat_free_options(counted, "FI") == (Decimal("0.90"),)


def test_given_a_counted_deposit_line_whose_amount_is_unread_then_the_count_times_a_deposit_may_fill_it() -> (
    None
):
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_options

    # Dot print: PANTTI read PANTTT, its zeros read D; the unit price 0,10 is the last amount read,
    # no count of 3 containers: as read, or 3 x each container deposit.
    lines = lines_from_text("VESI 0,5L 3,90\nPANTTT 3 x D,1D D, 3D0\nJOGURTTI 4,30\n")
    assert vat_free_options(lines, "FI") == tuple(
        Decimal(value) for value in ("0.10", "0.30", "0.45", "0.60", "1.20")
    )


@pytest.mark.parametrize(
    ("day", "body", "row"),
    [
        pytest.param(
            "05.04.2024",
            "Viski 200,45\nPantti 5 x 0,10 0,50\nLonkero 4,15\nPantti 6,15\nMAKSETTAVA 205,25\n"
            "MobilePay 205,25\nALV Veroton Vero Yhteensä\n24 % 165,00 39,60 204,60\n",
            ("24", "165.00", "39.60", "204.60"),
            id="a deposit value fills the gap of a misread deposit amount",
        ),
        pytest.param(
            "06.12.2024",
            "Lonkero 0,33 l tlk 2,95\nPantt 0,15\nViski 0,7 l 96,15\nPantti6x0,10 0,60\nMAKSETTAVA 99,85\n"
            "DEBIT MASTERCARD 99,85\nALV Veroton Vero Yhteensä\n25,5 % 78,96 20,14 99,10\n",
            ("25.5", "78.96", "20.14", "99.10"),
            id="a deposit word whose last letter is lost",
        ),
    ],
)
def test_given_a_garbled_deposit_line_when_it_fills_the_gap_then_the_rows_are_confirmed(
    day: str, body: str, row: tuple[str, str, str, str]
) -> None:
    receipt = _read(FI_HEAD, day, body)
    assert _rows(receipt) == [row]
    assert receipt.vat[0].confidence >= 0.9


def test_given_an_unreadable_deposit_line_when_the_gap_fits_a_deposit_then_the_rows_are_confirmed() -> None:
    receipt = _read(
        FI_HEAD,
        "21.06.2025",
        "Valkoviini 12,61\nPANTTI 0/10\nolut 3,03\nPANTTI OF 5\nMAKSETTAVA 15,89\nMobilePay 15,89\n"
        "ALV Veroton Vero Yhteensä\n25,5 % 12,46 3,18 15,64\n",
    )
    assert _rows(receipt) == [("25.5", "12.46", "3.18", "15.64")]
    assert "vat_total_mismatch" not in {warning.code for warning in receipt.warnings}


def test_given_no_total_line_when_the_total_is_the_rows_own_sum_then_the_rows_are_not_confident() -> None:
    receipt = _read(
        FI_HEAD, "12.03.2025", "MAITO 1,00\nALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n"
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("100.00")
    assert all(row.confidence < 0.9 for row in receipt.vat)


def test_given_a_vat_line_whose_rate_is_cut_off_when_one_rate_fits_then_the_row_is_read() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 21,06\nKORTTI 21,06\n2,59 Netto 18,47\n")
    assert _rows(receipt) == [("14", "18.47", "2.59", "21.06")]


def test_given_a_rateless_line_that_several_rates_fit_then_no_row_is_guessed() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import gather

    gathered = gather(lines_from_text("0,01 Netto 0,10\n"), "FI")
    assert gathered.candidates == ()


def _puuilo(total: str) -> str:
    return (
        "Puuilo Raisio\nYtunnus 2350637-0\n2026-07-07 19:18\nSILIKONI VALK.\n"
        f"MAKSETTAVA {total}\nALV 25.5% 6,09\nVEROTON 235),38\nGodkänd 821876\n"
    )


def test_given_a_tax_that_fits_the_total_exactly_then_the_row_confirms_the_total() -> None:
    receipt = extract_receipt(_puuilo("29,97"), today=dt.date(2026, 12, 1))
    assert receipt.total is not None
    assert receipt.total.confidence >= 0.9
    assert [(row.gross, row.confidence >= 0.9) for row in receipt.vat] == [(Decimal("29.97"), True)]


def test_given_a_tax_a_cent_off_a_misread_total_then_neither_is_confirmed() -> None:
    """6,09 is 25,5 % of 29,97; of 29,90 (a misread 7) it would be 6,08, within rounding only."""
    receipt = extract_receipt(_puuilo("29,90"), today=dt.date(2026, 12, 1))
    assert receipt.total is not None
    assert receipt.total.confidence < 0.9
    assert all(row.confidence < 0.9 for row in receipt.vat)


@pytest.mark.parametrize("rate_text", ["25.57", "25,5?"])
def test_given_a_percent_sign_read_as_a_digit_after_a_vat_word_then_the_rate_is_read(rate_text: str) -> None:
    text = (
        "Puuilo Raisio\nYtunnus 2350637-0\n2026-07-07 19:18\nSILIKONI VALK. 29,97\n"
        f"MAKSETTAVA 29,97\nALV {rate_text} 6,09\nVEROTON 23,88\n"
    )
    receipt = extract_receipt(text, today=dt.date(2026, 12, 1))
    assert [(row.rate, row.tax, row.net) for row in receipt.vat] == [
        (Decimal("25.5"), Decimal("6.09"), Decimal("23.88"))
    ]


def test_given_a_tax_printed_below_a_rate_the_prices_include_then_it_confirms_the_row() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 24,10\nALV 25,5 % sisältyy hintaan\nALV:n osuus 4,90\n")
    assert _rows(receipt) == [("25.5", "19.20", "4.90", "24.10")]
    assert receipt.vat[0].confidence >= 0.9


def test_given_a_tax_below_the_rate_that_does_not_fit_the_total_then_the_row_is_shown_unsure() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 12,66\nALV 25,5 % sisältyy hintaan\nALV:n osuus 2,51\n")
    assert _rows(receipt) == [("25.5", "10.09", "2.57", "12.66")]
    assert receipt.vat[0].confidence < 0.7


def test_given_a_net_below_the_rate_then_it_is_no_tax() -> None:
    receipt = _read(FI_HEAD, "12.03.2025", "YHTEENSÄ 10,21\nVISA 10,21\nALV 25,5 %\nVeroton osuus 8,14\n")
    assert _rows(receipt) == [("25.5", "8.14", "2.07", "10.21")]


def test_given_a_line_whose_rate_is_unreadable_then_it_gives_one_row_at_most() -> None:
    # ``&%``: the rate is lost; 0,40 and 2,00 fit 19, 20, 24, 25 and 25.5 %, but the line is one row.
    # With the total's word misread too, the rows are what the line alone gives.
    receipt = _read(EN_HEAD, "15.05.2025", "Muovipullo 1,5 l\n&% x 0.40 2, DD\nEHTEENSA 2,00 €\n")
    assert len(receipt.vat) <= 1


_DRIFTED = (
    "Viski 0,7 l 109,84\nPantti 0,80\nMAKSETTAVA 110,64\nALV Veroton Vero Yhteensä\n25,5 % 87,52 2 a Be us\n"
)


def test_given_a_rows_amounts_drifted_onto_the_next_line_when_read_then_the_row_is_whole() -> None:
    receipt = _read(FI_HEAD, "21.06.2025", _DRIFTED + "— = ' 2,32 109,84 |\n")
    assert _rows(receipt) == [("25.5", "87.52", "22.32", "109.84")]


def test_given_a_worded_line_below_a_rate_line_then_its_amounts_are_not_drifted_into_the_row() -> None:
    receipt = _read(FI_HEAD, "21.06.2025", _DRIFTED + "KIITOS KÄYNNISTÄ 2,32 109,84\n")
    assert ("25.5", "87.52", "22.32", "109.84") not in _rows(receipt)


def test_given_a_paid_total_and_its_tax_misread_by_one_look_alike_digit_then_the_share_is_booked() -> None:
    from docflow.pipeline.review import decide_status

    receipt = _read(
        FI_HEAD,
        "24.12.2025",
        "Pysäköinti 12,66\nYHTEENSÄ EUR 12,66\nALV 25,5 % sisältyy hintaan\nALV:n osuus 2,51\n"
        "DEBIT MASTERCARD 12,66\n",
    )
    assert _rows(receipt) == [("25.5", "10.09", "2.57", "12.66")]
    assert 0.7 <= receipt.vat[0].confidence < 0.9
    assert decide_status(receipt, duplicate_of=None, review_confidence=0.6) == "processed"


@pytest.mark.parametrize(
    ("printed_tax", "paid"),
    [
        ("2,41", "DEBIT MASTERCARD 12,66\n"),  # 4 is no look-alike of 5: the tax or the total is wrong
        ("2,51", ""),  # no payment or item repeats the total: the total may be the misread one
    ],
)
def test_given_a_tax_note_that_does_not_fit_otherwise_then_the_row_stays_uncertain(
    printed_tax: str, paid: str
) -> None:
    receipt = _read(
        FI_HEAD,
        "24.12.2025",
        f"YHTEENSÄ EUR 12,66\nALV 25,5 % sisältyy hintaan\nALV:n osuus {printed_tax}\n{paid}",
    )
    assert receipt.vat
    assert all(row.confidence < 0.7 for row in receipt.vat)


def test_given_a_table_row_with_a_misread_net_when_read_then_the_total_gives_it_for_review() -> None:
    # A German slip: the tax column left unread, the net's 0 read as 6 (40,98).
    receipt = _read(
        "Baumarkt GmbH\nUSt-IdNr. DE136695976\nDatum {day}\n",
        "04.04.2020",
        "SUMME EUR 48,77\nBetrag EUR 48,77\nMWST-CODE NETTO-Entgelt MWST-Betrag\n19.00 % 46. 98\n",
    )
    assert _rows(receipt) == [("19", "40.98", "7.79", "48.77")]
    assert receipt.vat[0].confidence < 0.7


def test_given_a_row_without_its_rate_under_a_read_row_when_read_then_the_rate_that_fits_is_taken() -> None:
    receipt = _read(
        "real GmbH\nUSt-IdNr. DE813129242\nDatum {day}\n",
        "16.04.2020",
        "SUMME EUR 19,46\nMasterCard EUR 19,46\nMehrwertst. ohne MwSt mit MwSt\n"
        "B 19,0% 1,44 7,55 8,99\n0,68 9,79 10,47\n",
    )
    assert _rows(receipt) == [("19", "7.55", "1.44", "8.99"), ("7", "9.79", "0.68", "10.47")]
    assert "vat_total_mismatch" not in {warning.code for warning in receipt.warnings}


def test_given_a_speck_read_as_percent_on_a_deposit_line_then_it_still_counts_but_a_vat_rate_does_not() -> (
    None
):
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_amount

    lines = lines_from_text("Punaviini 65,28\nPantti 6 x 0,10 % 0,60\nPantti 0,10\n")
    assert vat_free_amount(lines) == Decimal("0.70")
    breakdown = lines_from_text("Pantti 0,40\nALV Veroton Vero\nPantti 0 % 0,40 0,00\n")
    assert vat_free_amount(breakdown) == Decimal("0.40")


def test_given_three_deposit_lines_with_look_alike_digits_then_the_deposits_they_are_near_fill_them() -> None:
    from docflow.receipts.lines import lines_from_text
    from docflow.receipts.vat_reader import vat_free_options

    # 0,15 / 0,40 / 0,10 with their zeros read as 8 or 6: 6,18 may be 0,10 or 0,15.
    lines = lines_from_text("OLUT 1,19\nPANTTI 8,15\nLIMSA 2,00\nPANTTI 8,48\nVESI 1,00\nPANTTI 6,18\n")
    assert vat_free_options(lines, "FI") == (Decimal("0.65"), Decimal("0.70"), Decimal("22.81"))
    far = lines_from_text("OLUT 1,19\nPANTTI 3,92\nLIMSA 2,00\nPANTTI 8,48\nVESI 1,00\nPANTTI 6,18\n")
    assert vat_free_options(far, "FI") == (Decimal("18.58"),)  # 3,92 is near no deposit: as read only

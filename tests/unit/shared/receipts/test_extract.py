"""Whole-receipt extraction: fields, total cross-checks and warnings, from small text fixtures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.dates import LABELLED_GARBLED_CAP, MISREAD_YEAR_CONFIDENCE
from docflow.receipts.extract import OLD_DATE, extract_receipt
from docflow.receipts.lines import TextLine, merge_rows

TODAY = dt.date(2026, 6, 30)

FINNISH_CASH = """\
LÄHIKAUPPA KUUSI
Kuusi Korhonen Oy
Kauppakatu 5
33100 TAMPERE
Y-tunnus 0112038-9
Pvm 12.03.2025 klo 14.05
Kuitti 43822
MAITO 1L 1,29
RUISLEIPÄ 3,00
  2 KPL x 1,50
LIMSA 1,5L 1,99
PANTTI 0,40
ALENNUS -0,30
YHTEENSÄ 6,38 EUR
KÄTEINEN 20,00
TAKAISIN 13,62
ALV% VEROTON VERO VEROLLINEN
14 % 5,60 0,78 6,38
"""


def _total(text: str) -> Decimal | None:
    receipt = extract_receipt(text, today=TODAY)
    return None if receipt.total is None else receipt.total.value


def test_given_a_finnish_cash_receipt_when_extracted_then_every_field_is_read() -> None:
    receipt = extract_receipt(FINNISH_CASH, today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "LÄHIKAUPPA KUUSI"  # the store, printed above its operator
    assert receipt.business_id is not None
    assert receipt.business_id.value == "0112038-9"
    assert receipt.address is not None
    assert receipt.address.value == "Kauppakatu 5 33100 TAMPERE"
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2025, 3, 12)
    assert receipt.time is not None
    assert receipt.time.value == dt.time(14, 5)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("6.38")
    assert receipt.currency is not None
    assert receipt.currency.value == "EUR"
    assert receipt.payment is not None
    assert receipt.payment.value == "cash"
    assert receipt.receipt_number is not None
    assert receipt.receipt_number.value == "43822"
    assert [(r.rate, r.net, r.tax, r.gross) for r in receipt.vat] == [
        (Decimal("14"), Decimal("5.60"), Decimal("0.78"), Decimal("6.38"))
    ]
    assert receipt.warnings == ()


def test_given_a_finnish_cash_receipt_when_extracted_then_deposit_and_discount_attach_to_their_item() -> None:
    items = extract_receipt(FINNISH_CASH, today=TODAY).items
    assert [(item.name, item.amount) for item in items] == [
        ("MAITO 1L", Decimal("1.29")),
        ("RUISLEIPÄ", Decimal("3.00")),
        ("LIMSA 1,5L", Decimal("2.09")),
    ]
    assert (items[1].quantity, items[1].unit_price) == (Decimal("2"), Decimal("1.50"))
    assert (items[2].price, items[2].deposit, items[2].discount) == (
        Decimal("1.99"),
        Decimal("0.40"),
        Decimal("-0.30"),
    )


def test_given_cash_given_and_change_when_the_total_line_is_unreadable_then_neither_is_the_total() -> None:
    text = "Shop Oy\nKAHVI 3,50\nPULLA 2,50\nYHTEENS# ##,##\nKÄTEINEN 10,00\nTAKAISIN 4,00\n"
    assert _total(text) == Decimal("6.00")


def test_given_cash_larger_than_the_total_when_extracted_then_the_total_line_wins() -> None:
    text = "Shop Oy\nYHTEENSÄ 7,20\nKÄTEINEN 50,00\nTAKAISIN 42,80\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("7.20")
    assert "total_unconfirmed" not in {warning.code for warning in receipt.warnings}


def test_given_a_subtotal_and_a_total_when_extracted_then_the_subtotal_is_not_the_total() -> None:
    text = "Shop Ltd\nSUB TOTAL 100.00\nDISCOUNT -10.00\nTOTAL 90.00\nVISA 90.00\n"
    assert _total(text) == Decimal("90.00")


def test_given_a_card_payment_line_when_two_totals_compete_then_the_one_paid_by_card_wins() -> None:
    text = "Shop Oy\nSUMMA 12,00\nYHTEENSÄ 21,00\nPANKKIKORTTI 12,00\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("12.00")
    assert receipt.payment is not None
    assert receipt.payment.value == "card"


def test_given_no_total_word_when_vat_rows_exist_then_their_gross_sum_is_the_total() -> None:
    text = "Shop Oy\nALV% VEROTON VERO VEROLLINEN\n14 % 10,00 1,40 11,40\n25,5 % 7,97 2,03 10,00\n"
    assert _total(text) == Decimal("21.40")


def test_given_two_total_candidates_when_items_add_up_to_one_then_that_one_wins() -> None:
    text = "Shop Oy\nKAHVI 3,50\nPULLA 2,50\nTOTAL 6,00\nSUMMA 60,00\n"
    assert _total(text) == Decimal("6.00")


def test_given_vat_rows_that_do_not_add_up_when_extracted_then_a_warning_says_so() -> None:
    text = "Shop Oy\nY-tunnus 0112038-9\n01.02.2025\nYHTEENSÄ 20,00\nALV 14 % 10,00 1,40 11,40\n"
    codes = {warning.code for warning in extract_receipt(text, today=TODAY).warnings}
    assert "vat_total_mismatch" in codes


def test_given_no_ytunnus_when_extracted_then_it_is_not_a_valid_vat_voucher() -> None:
    text = "Shop Oy\n01.02.2025\nYHTEENSÄ 11,40 EUR\nALV 14 % 10,00 1,40 11,40\n"
    warnings = extract_receipt(text, today=TODAY).warnings
    assert [w.message for w in warnings if w.code == "no_business_id"] == [
        "no Y-tunnus: not a valid VAT voucher"
    ]


def test_given_a_2026_receipt_with_the_old_14_percent_rate_when_extracted_then_the_rate_is_flagged() -> None:
    text = "Shop Oy\nY-tunnus 0112038-9\n02.01.2026\nYHTEENSÄ 11,40 EUR\nALV 14 % 10,00 1,40 11,40\n"
    codes = [w.code for w in extract_receipt(text, today=TODAY).warnings]
    assert codes == ["vat_rate_invalid"]


def test_given_a_2026_receipt_with_13_5_percent_when_extracted_then_no_rate_warning() -> None:
    text = "Shop Oy\nY-tunnus 0112038-9\n02.01.2026\nYHTEENSÄ 11,35 EUR\nALV 13,5 % 10,00 1,35 11,35\n"
    assert extract_receipt(text, today=TODAY).warnings == ()


def test_given_a_future_date_on_the_receipt_when_extracted_then_no_date_is_returned() -> None:
    receipt = extract_receipt("Shop Oy\nPvm 01.12.2026\nYHTEENSÄ 5,00\n", today=TODAY)
    assert receipt.date is None
    assert "no_date" in {warning.code for warning in receipt.warnings}


def test_given_an_expiry_date_and_a_purchase_date_when_extracted_then_the_purchase_date_wins() -> None:
    receipt = extract_receipt("Shop Ltd\nCard Expiry: 30/09/18\nDate: 12/03/2018\nTOTAL 5.00\n", today=TODAY)
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2018, 3, 12)


def test_given_a_malaysian_receipt_when_extracted_then_company_address_date_total_are_read() -> None:
    text = """\
tan woon yann
MR. D.I.Y. SDN BHD
(CO.REG :704427-T )
LOT 1851-A & 1851-B, JALAN KPB 6,
KAWASAN PERINDUSTRIAN BALAKONG,
43300 SERI KEMBANGAN, SELANGOR
GST ID No : 000306020352
TAX INVOICE
Date: 18-11-18 19:45
Total RM 30.91
ROUNDING ADJUSTMENT RM 0.01
TOTAL ROUNDED RM 30.90
CASH RM 51.00
CHANGE RM 20.10
"""
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "MR. D.I.Y. SDN BHD"
    assert receipt.address is not None
    assert receipt.address.value == (
        "LOT 1851-A & 1851-B, JALAN KPB 6, KAWASAN PERINDUSTRIAN BALAKONG, 43300 SERI KEMBANGAN, SELANGOR"
    )
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2018, 11, 18)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("30.90")
    assert receipt.currency is not None
    assert receipt.currency.value == "MYR"
    assert "no_business_id" not in {warning.code for warning in receipt.warnings}


def test_given_a_legal_form_on_its_own_line_when_extracted_then_it_joins_the_name_above() -> None:
    receipt = extract_receipt("PASARAYA BORONG PINTAR\nSDN BHD\nNO 19 JALAN TASIK\n", today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "PASARAYA BORONG PINTAR SDN BHD"


def test_given_a_swedish_receipt_when_extracted_then_summa_kort_and_moms_are_read() -> None:
    text = (
        "Handelsbod Björk Ab\nStorgatan 3\n65100 VAASA\nFO-nummer 0112038-9\nDatum 2026-02-03 kl 10.15\n"
        "KAFFE 4,50\nSUMMA 4,50 €\nKORT 4,50\nMOMS% NETTO MOMS BRUTTO\n13,5 % 3,96 0,54 4,50\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "Handelsbod Björk Ab"
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2026, 2, 3)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("4.50")
    assert receipt.payment is not None
    assert receipt.payment.value == "card"
    assert receipt.vat[0].rate == Decimal("13.5")
    assert receipt.warnings == ()


def test_given_ocr_fragments_on_one_row_when_extracted_then_they_are_merged_by_their_boxes() -> None:
    lines = [
        TextLine("Shop Oy", 0.9, (10, 10, 200, 30)),
        TextLine("TOTAL", 0.9, (10, 100, 80, 120)),
        TextLine("9.00", 0.9, (300, 101, 360, 121)),
        TextLine("CASH", 0.9, (10, 130, 80, 150)),
        TextLine("10.00", 0.9, (300, 131, 360, 151)),
    ]
    receipt = extract_receipt(lines, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("9.00")


def test_given_tilted_lines_whose_tall_boxes_overlap_when_merged_then_they_stay_stacked() -> None:
    """A tilted photo's whole-width lines have boxes taller than a line: they overlap vertically."""
    lines = [
        TextLine("PANTTI 0,15", 0.9, (10, 100, 400, 150)),
        TextLine("YHTEENSA 76,19", 0.9, (12, 120, 402, 170)),
        TextLine("KORTTI 76,19", 0.9, (14, 140, 404, 190)),
    ]
    assert [line.text for line in merge_rows(lines)] == ["PANTTI 0,15", "YHTEENSA 76,19", "KORTTI 76,19"]


def test_given_the_same_input_when_extracted_twice_then_the_results_are_equal() -> None:
    assert extract_receipt(FINNISH_CASH, today=TODAY) == extract_receipt(FINNISH_CASH, today=TODAY)


def test_given_an_extracted_receipt_when_serialised_then_money_is_decimal_strings_with_a_dot() -> None:
    body = extract_receipt(FINNISH_CASH, today=TODAY).to_json()
    assert body["total"] == "6.38"
    assert body["date"] == "2025-03-12"
    assert body["vat"] == [{"rate": "14", "net": "5.60", "tax": "0.78", "gross": "6.38", "confidence": 0.97}]
    assert 0 < body["confidence"]["overall"] <= 1


def test_given_empty_text_when_extracted_then_everything_is_missing_and_warned() -> None:
    receipt = extract_receipt("", today=TODAY)
    assert (receipt.merchant, receipt.date, receipt.total) == (None, None, None)
    assert {"no_total", "no_date", "no_merchant"} <= {warning.code for warning in receipt.warnings}


def test_given_a_rounding_adjustment_after_the_total_when_extracted_then_the_rounded_total_wins() -> None:
    text = "Shop Sdn Bhd\nTotal (Inclusive of GST): 31.02\nRounding Adj: -0.02\nTOTAL: 31.00\n"
    assert _total(text) == Decimal("31.00")


def test_given_subtotal_tax_and_rounding_when_the_total_is_misread_then_their_sum_wins() -> None:
    text = (
        "Shop Sdn Bhd\nTotal Sales (Excluding GST) 95.17\nTotal GST 5.71\nRounding 0.02\n"
        "Total Sales (Inclusive of GST) : 100.80\n"
    )
    assert _total(text) == Decimal("100.90")


def test_given_a_tax_line_with_a_rate_when_extracted_then_its_amount_is_not_the_total() -> None:
    text = "Shop Sdn Bhd\nDue 25.15\n(Total Included GST @ 6% : 1.42)\n"
    assert _total(text) == Decimal("25.15")


def test_given_a_lost_total_word_when_a_bare_amount_with_currency_matches_the_vat_rows_then_it_wins() -> None:
    text = (
        "Rauta Oy\nVASARA 20,64\nSIVELLIN 8,63\n80,81 EUR\nMOMS% NETTO MOMS BRUTTO\n25,5% 64,39 16,42 80,81\n"
    )
    assert _total(text) == Decimal("80.81")


def test_given_a_total_and_one_unreadable_vat_row_when_extracted_then_the_row_is_derived() -> None:
    text = (
        "Shop Oy\nY-tunnus 0112038-9\nPvm 12.03.2025\nYHTEENSÄ 15,53 EUR\nKORTTI 15,53\n"
        "ALV% VEROTON VERO VEROLLINEN\n25,5 % 12:37 3 19\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert [(row.rate, row.net, row.tax, row.gross) for row in receipt.vat] == [
        (Decimal("25.5"), Decimal("12.37"), Decimal("3.16"), Decimal("15.53"))
    ]
    assert receipt.vat[0].confidence < 0.9


def test_given_2026_row_read_as_14_percent_when_extracted_then_13_5_percent_from_the_gross() -> None:
    receipt = extract_receipt(
        "TAKSI HELSINKI OY\nY-tunnus 0112038-9\nPvm 20.06.2026\nTAKSIMATKA 19,48\nYHTEENSÄ 19,48\n"
        "KORTTI 19,48\nALV% VEROTON VERO VEROLLINEN\n14% 17,10 2,38 19,48\n",
        today=TODAY,
    )
    assert [(row.rate, row.net, row.tax, row.gross) for row in receipt.vat] == [
        (Decimal("13.5"), Decimal("17.16"), Decimal("2.32"), Decimal("19.48"))
    ]
    assert "vat_rate_invalid" not in {warning.code for warning in receipt.warnings}


def test_given_glued_amounts_on_a_lost_point_rate_row_when_extracted_then_completed_from_total() -> None:
    receipt = extract_receipt(
        "KAUPPA KUUSI OY\nY-tunnus 0112038-9\nPvm 12.08.2025\nYHTEENSÄ 85,56 €\nPANKKIKORTTI 85,56\n"
        "ALV% VEROTON VERO VEROLLINEN\n14% 37,43 5,24 42,67\n255% 34,188,741 42,89\n",
        today=TODAY,
    )
    assert [(row.rate, row.net, row.tax, row.gross) for row in receipt.vat] == [
        (Decimal("14"), Decimal("37.43"), Decimal("5.24"), Decimal("42.67")),
        (Decimal("25.5"), Decimal("34.18"), Decimal("8.71"), Decimal("42.89")),
    ]


def test_given_vat_rows_when_extracted_then_repaired_rows_are_less_confident_than_printed_ones() -> None:
    receipt = extract_receipt(
        "KAUPPA KUUSI OY\nY-tunnus 0112038-9\nPvm 12.08.2025\nYHTEENSÄ 85,56 €\nPANKKIKORTTI 85,56\n"
        "ALV% VEROTON VERO VEROLLINEN\n14% 37,43 5,24 42,67\n255% 34,188,741 42,89\n",
        today=TODAY,
    )
    printed, repaired = receipt.vat
    assert printed.confidence >= 0.9
    assert repaired.confidence < 0.9


def test_given_one_stray_currency_mark_on_a_finnish_receipt_then_the_country_decides_the_currency() -> None:
    text = (
        "Alko Kamppi\nAlko Oy\nY-tunnus 2278911-0\nALV-rek. FI22789110\n05.04.2024 17:25\n"
        "Viski 20,45\nlÅ £ 3,20 wt\nYHTEENSÄ 20,45\nMobilePay 20,45\n"
    )
    receipt = extract_receipt(text, today=dt.date(2026, 1, 1))
    assert receipt.currency is not None
    assert receipt.currency.value == "EUR"
    twice = extract_receipt(text.replace("Viski 20,45", "Viski £20,45"), today=dt.date(2026, 1, 1))
    assert twice.currency is not None
    assert twice.currency.value == "GBP"


RATE_AFTER_DATE = """\
Puuilo Oy
Ytunnus 2350637-0
{date} 19:18
SILIKONI VALK. 29,97
MAKSETTAVA 29,97
ALV {rate}% {tax}
VEROTON {net}
PANKKIKORTTI 29,97
"""


def test_given_a_printed_rate_not_in_force_on_the_date_then_the_lookalike_year_it_fits_is_read_unsure() -> (
    None
):
    # 25.5 % applies from September 2024: 2020 is 2026 misread (2028 and 2029 lie ahead).
    receipt = extract_receipt(
        RATE_AFTER_DATE.format(date="2020-07-07", rate="25.5", tax="6,09", net="23,88"),
        today=dt.date(2026, 11, 27),
    )
    assert receipt.date is not None
    assert (receipt.date.value, receipt.date.confidence) == (dt.date(2026, 7, 7), 0.6)


def test_given_several_lookalike_years_fit_the_printed_rate_then_the_date_is_kept_as_read() -> None:
    receipt = extract_receipt(
        RATE_AFTER_DATE.format(date="2020-07-07", rate="25.5", tax="6,09", net="23,88"),
        today=dt.date(2029, 12, 31),
    )
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2020, 7, 7)  # 2026, 2028 and 2029 all fit


def test_given_a_printed_rate_in_force_on_the_date_then_the_date_is_kept() -> None:
    receipt = extract_receipt(
        RATE_AFTER_DATE.format(date="2020-07-07", rate="24", tax="5,80", net="24,17"),
        today=dt.date(2026, 11, 27),
    )
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2020, 7, 7)


@pytest.mark.parametrize(
    ("printed", "most"),
    [
        ("28.02.2004", MISREAD_YEAR_CONFIDENCE),  # 2024 with its decade digit misread
        ("23.09.2016", MISREAD_YEAR_CONFIDENCE),  # 2026 misread, or ten years old: either way not sure
        ("23.09.2018", OLD_DATE),  # no digit brings it within the recent years: old, for review
        ("10.06.2008", OLD_DATE),
        ("23.09.2021", None),  # within the years vouchers are kept
    ],
)
def test_given_an_old_date_then_it_is_kept_but_trusted_no_more_than_its_age_allows(
    printed: str, most: float | None
) -> None:
    text = RATE_AFTER_DATE.format(date=printed, rate="24", tax="5,80", net="24,17")
    receipt = extract_receipt(text, today=dt.date(2026, 11, 27))
    assert receipt.date is not None
    assert receipt.date.value.strftime("%d.%m.%Y") == printed
    confidence = receipt.date.confidence
    if most is None:
        assert confidence > OLD_DATE
    else:
        assert confidence <= most
        assert (confidence <= MISREAD_YEAR_CONFIDENCE) is (most == MISREAD_YEAR_CONFIDENCE)


def test_given_a_time_glued_to_the_dates_year_when_read_then_it_is_the_time_and_backs_the_date() -> None:
    def lines(date_line: str) -> list[TextLine]:
        texts = ["St1 Kivikko", "Y-tunnus 0112038-9", date_line, "PESU 12,56", "YHTEENSÄ 12,56"]
        return [TextLine(text, 0.8, (0, 40 * row, 400, 40 * row + 30), 1) for row, text in enumerate(texts)]

    glued = extract_receipt(lines("24.12.2417:14 KUITTI 994781"), today=TODAY)
    spaced = extract_receipt(lines("24.12.24 17:14 KUITTI 994781"), today=TODAY)
    assert glued.date is not None
    assert glued.date.value == dt.date(2024, 12, 24)
    assert glued.time is not None
    assert glued.time.value == dt.time(17, 14)
    # The glued reading is less sure than the spaced one, but the time on its line backs it enough to book.
    from docflow.pipeline.review import DATE_REVIEW_CONFIDENCE

    assert spaced.date is not None
    assert DATE_REVIEW_CONFIDENCE <= glued.date.confidence < spaced.date.confidence


def test_given_a_labelled_date_with_a_misread_separator_then_its_label_and_time_never_make_it_sure() -> None:
    receipt = extract_receipt("Kauppa Oy\nPvm 22;06.25 17:52\nYHTEENSÄ 12,50\n", today=TODAY)
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2025, 6, 22)
    assert receipt.date.confidence <= LABELLED_GARBLED_CAP


def test_given_a_time_with_seconds_after_a_date_label_then_it_is_no_date() -> None:
    assert extract_receipt("Kauppa Oy\nPvm 10:05:24\nYHTEENSÄ 12,50\n", today=TODAY).date is None


@pytest.mark.parametrize(
    ("card_line", "contradicted"),
    [
        ("AS-Zeit 15.04. 16:14 Uhr", True),  # the card slip's day a digit away: one of them misread
        ("Datum: 15.04.202€", True),  # its year garbled, its day and month still read
        ("AS-Zeit 16.04. 16:14 Uhr", False),  # the same day and month
        ("Gültig bis 17.04.", False),  # a validity date is no reading of the purchase date
    ],
)
def test_given_another_line_a_digit_away_from_the_date_then_the_date_is_left_for_review(
    card_line: str, contradicted: bool
) -> None:
    text = f"real GmbH\nSUMME EUR 19,46\n16.04.20 16:15 8665111 0176\nMasterCard EUR 19,46\n{card_line}\n"
    lines = [TextLine(line, 0.88) for line in text.splitlines()]
    receipt = extract_receipt(lines, today=TODAY)
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2020, 4, 16)
    assert (receipt.date.confidence <= 0.6) is contradicted

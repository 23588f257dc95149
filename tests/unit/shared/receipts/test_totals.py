"""Total selection rules: OCR-damaged total lines and the evidence that replaces them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.extract import extract_receipt, to_lines
from docflow.receipts.totals import choose_total, collect_evidence

TODAY = dt.date(2026, 6, 30)


def _total(text: str) -> Decimal | None:
    receipt = extract_receipt(text, today=TODAY)
    return None if receipt.total is None else receipt.total.value


def test_given_a_gst_inclusive_total_with_a_rate_when_extracted_then_it_is_the_total() -> None:
    text = "MR. D.I.Y. SDN BHD\nCLOTH PEG 1X 5.90 5.90\nTotal Incl. GST@6% RM 5,90\nCASH RM 5.90\n"
    assert _total(text) == Decimal("5.90")


def test_given_summary_amounts_without_a_decimal_point_when_the_total_is_unreadable_then_they_add_up() -> (
    None
):
    text = (
        "SHOP SDN BHD\nBRAISED PORK 14.00\nTotal Sales (Excluding GST) 5142\nTotal GST 3.08\n"
        "Rounding 0.00\nTotal Sales (Inclusive of GST) 64. sd\n"
    )
    assert _total(text) == Decimal("54.50")


def test_given_a_lost_decimal_point_in_the_tax_when_the_total_is_misread_then_the_components_win() -> None:
    text = (
        "SHOP TRADING\nTotal Sales (Excluding GST) 95.17\nTotal GST 571\nRounding 0.02\n"
        "Total Sales (Inclusive of GST) : 100.80\n"
    )
    assert _total(text) == Decimal("100.90")


def test_given_only_a_subtotal_when_no_total_line_is_readable_then_the_subtotal_is_the_total() -> None:
    text = "SUNFISH\nSALTED F.RICE 8.50\nFRIED EGG 1.80\nSUBTOTAL 28. 70\nINC 6% GST 1.62\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("28.70")
    assert [item.name for item in receipt.items] == ["SALTED F.RICE", "FRIED EGG"]


def test_given_a_sign_before_the_cash_given_when_the_total_has_no_amount_then_cash_minus_change_wins() -> (
    None
):
    text = "POPULAR BOOK CO\nSpee 1.15\nTotal RM Incl. of GST FIL\nCash -50. 00\nCHANGE 44.25\n"
    assert _total(text) == Decimal("5.75")


def test_given_a_paid_line_and_zero_change_when_extracted_then_the_paid_amount_is_not_an_item() -> None:
    text = "SUN VICTORY SDN BHD\nParking Fee Rate A RM4.00\nPaid RM4.00\nChange RM0.00\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("4.00")
    assert [item.name for item in receipt.items] == ["Parking Fee Rate A"]


def test_given_cash_and_change_whose_words_are_lost_when_extracted_then_the_receipt_is_paid_in_cash() -> None:
    text = "Shop Ab\nKAHVI 500G 16,72\nTALOUSPAPERI 16,14\n32,86 EUR\n50,00\n17,14\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("32.86")
    assert receipt.payment is not None
    assert receipt.payment.value == "cash"


def test_given_two_bare_amounts_that_are_not_cash_and_change_when_extracted_then_no_payment_is_invented() -> (
    None
):
    text = "Shop Ab\nKAHVI 500G 16,72\n32,86 EUR\n12,00\n7,14\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.payment is None


def test_given_a_misread_visa_line_when_extracted_then_the_payment_is_card() -> None:
    receipt = extract_receipt("Shop Oy\nYHTEENSÄ 12,00\nVISAS eg 122\n", today=TODAY)
    assert receipt.payment is not None
    assert receipt.payment.value == "card"


def test_given_a_misread_total_word_when_extracted_then_its_amount_is_the_total() -> None:
    text = "SHOP SDN BHD\nITEM A 4.00\nITEM B 3.50\nTota] (RM) 12.50\n"
    assert _total(text) == Decimal("12.50")


def test_given_subtotal_service_charge_and_a_rated_tax_when_the_total_is_misread_then_their_sum_wins() -> (
    None
):
    text = (
        "THREE STOOGES\nGUINESS 150.00\nTIGER 145.00\nSUB TOTAL 295.00\nSERVICE CHARGE 10% 29.50\n"
        "GST 6% 19.47\nROUNDING ADJ -0.02\nMi TOTAL 13.35\n"
    )
    assert _total(text) == Decimal("343.95")


def test_given_a_rated_tax_that_is_not_the_rate_of_the_subtotal_when_extracted_then_the_total_line_wins() -> (
    None
):
    text = "SHOP\nA 10.00\nSUB TOTAL 10.00\nGST 6% 5.00\nTOTAL 10.60\n"
    assert _total(text) == Decimal("10.60")


def test_given_two_total_lines_when_cash_without_change_matches_one_then_that_one_wins() -> None:
    text = "SHOP SDN BHD\nITEM 7.00\nTOTAL 8.00\nTOTAL 7.50\nCASH 8.00\n"
    assert _total(text) == Decimal("8.00")


def test_given_only_cash_given_when_no_total_is_readable_then_it_is_not_taken_for_the_total() -> None:
    assert _total("SHOP SDN BHD\nCASH 50.00\n") is None


def test_given_a_misread_change_line_when_extracted_then_it_is_never_the_total() -> None:
    text = "SHOP SDN BHD\nTotal (RM) : 112.46\nCASH : 117.46\nGhange (RM) : 5.00\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("112.46")
    assert "cash minus change" in _agreeing(text)


def _agreeing(text: str) -> tuple[str, ...]:
    lines = to_lines(text)
    choice = choose_total(lines, collect_evidence(lines, None, None))
    return choice.agrees_with if choice else ()


@pytest.mark.parametrize("word", ["Nett Amount", "Amount Payable"])
def test_given_more_total_words_when_extracted_then_they_outrank_a_plain_total(word: str) -> None:
    text = f"SHOP SDN BHD\nTOTAL 9.99\n{word} 10.00\n"
    assert _total(text) == Decimal("10.00")


def test_given_an_unconfirmed_tax_note_with_a_total_word_when_extracted_then_it_is_not_the_total() -> None:
    text = "SHOP SDN BHD\nNASI LEMAK 25.15\n(Total Included GST @ 6% : 1.42)\n"
    assert _total(text) == Decimal("25.15")


@pytest.mark.parametrize("word", ["TAKAISIN", "VÄXEL", "CHANGE"])
def test_given_a_change_word_whose_amount_is_lost_when_extracted_then_the_payment_is_cash(word: str) -> None:
    receipt = extract_receipt(f"Taksi Oy\nTAKSIMATKA\n{word}\nALV% VEROTON VERO\n", today=TODAY)
    assert receipt.payment is not None
    assert receipt.payment.value == "cash"


@pytest.mark.parametrize("word", ["VATHTORAHA", "TAKATSIN"])
def test_given_a_change_word_with_t_for_i_then_cash_minus_change_checks_the_total(word: str) -> None:
    text = (
        "Neste Tuusula\nY-TUNNUS 2391221-3\n24.09.2024 14.51\nPESU PREMIUM 14,51\n95E10\n"
        f"2,39 l x 1,85 €/l 4,42\nYhteensä 16,93\nKäteinen 20,00\n{word} 1,07\n"
        "ALV 25,5 % sisältyy hintaan\nALV:n osuus 3,85\n"
    )
    assert "cash minus change" in _agreeing(text.replace("16,93", "18,93"))
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("18.93")  # cash minus change and the items outvote the misread line


def test_given_a_balance_line_without_an_amount_when_extracted_then_no_cash_payment_is_invented() -> None:
    assert extract_receipt("Shop Sdn Bhd\nITEM 4.00\nBALANCE\n", today=TODAY).payment is None


def test_given_a_misread_total_when_vat_rows_and_cash_minus_change_agree_then_their_value_wins() -> None:
    text = (
        "Kahvila Oy\nKAHVI 3,96\nPIZZA 29,30\n121.58 €\n200,00\n72,42\n"
        "MOMS% NETTO MOMS BRUTTO\n14% 96,60 13,52 110,12\n25,5% 13,91 3,55 17,46\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("127.58")


def test_given_a_total_word_without_amount_above_a_cash_line_then_the_cash_is_not_the_total() -> None:
    text = (
        "Marktkauf\nDetmolder Str. 4\nSUMME EUR\nBAR EUR 27,12\n"
        "MwSt NETTO MwSt UMSATZ\nB 7% 23,45 1,64 25,09\nC 19% 1,96 0,37 2,33\n08.04.20 09:51\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("27.42")  # the VAT rows; the cash line was misread
    assert receipt.total.confidence < 0.9  # nothing else confirms it


def test_given_a_total_word_without_amount_above_a_card_line_then_the_card_amount_is_the_total() -> None:
    assert _total("KAUPPA OY\nMAITO 9,50\nTOTAL EUR\nCard 9,50\n") == Decimal("9.50")


def test_given_swedish_cash_and_tillbaka_when_read_then_cash_minus_change_confirms_the_total() -> None:
    receipt = extract_receipt(
        "Lindholm Oy\nDatum 2025-07-20\nMoms 14% 2,24 Netto 15,98\nKontant 20,00\nTILLBAKA 1,78\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("18.22")
    assert receipt.total.confidence >= 0.9


def test_given_a_tax_note_that_fits_the_items_total_when_read_then_the_total_is_confirmed() -> None:
    receipt = extract_receipt(
        "Puuilo Oy\nY-tunnus 2350637-0\n2026-07-07 19:18\nSILIKONI VALK.\n3 x 9,99 29,97\nALV 25,5% 6,09\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("29.97")
    assert receipt.total.confidence >= 0.7


def test_given_two_card_amounts_that_differ_then_the_one_the_vat_rows_repeat_wins_unconfidently() -> None:
    receipt = extract_receipt(
        "Lidl\nKreditkarte 19,77\nMwSt Netto Brutto\nA 7 % 8,22 8,80\nB 19 % 9,22 10,97\n"
        "Debit MasterCard\nEUR 19. 72\nDatum 11.04.20 09:51 Uhr\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("19.77")
    assert receipt.total.confidence < 0.9


def test_given_an_amount_alone_on_several_lines_when_no_total_word_is_read_then_it_is_the_total() -> None:
    receipt = extract_receipt(
        "Kanerva\nnerva Oyj\nFO-nr 2205630-4\n21,06\n21,06\n2,59 Netto 18,47\n21,06\nFÖR BESÖKET!\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("21.06")


def test_given_an_amount_alone_on_one_line_only_then_it_is_no_total_candidate() -> None:
    from docflow.receipts.totals import total_candidates

    lines = to_lines("Kanerva\n21,06\nKAHVI 3,50\n")
    assert total_candidates(lines, frozenset()) == []


def test_given_a_vat_table_row_with_a_gross_column_word_then_it_is_no_total_line() -> None:
    """``Yhteensä`` heads a VAT table's gross column; its row repeats the VAT rows' gross, so the VAT
    rows cannot confirm it as the receipt's total (here the deposits lie outside VAT)."""
    text = (
        "Alko Kamppi\nYHTEENSÄ EUR\n76,19\nHinnat sisältävät ALV:n\n"
        "ALV Veroton Vero 60,07 15,32 75,39 25,5 % Yhteensä\nTERVETULOA UUDELLEEN\n"
    )
    lines = to_lines(text)
    total = choose_total(lines, collect_evidence(lines, Decimal("75.39"), None))
    assert total is not None
    assert total.value == Decimal("76.19")


def test_given_a_noisy_total_that_only_its_payment_line_repeats_then_it_is_not_confident() -> None:
    """The same font misread the same way twice (``410,64`` for ``110,64``) is no confirmation."""
    from docflow.receipts.lines import TextLine

    def total_confidence(ocr_confidence: float) -> float:
        lines = [
            TextLine("Alko Kamppi", 0.9),
            TextLine("valkoviini 0,75 l 41,64", ocr_confidence),
            TextLine("MAKSETTAVA 410,64", ocr_confidence),
            TextLine("MobilePay 410,64", ocr_confidence),
        ]
        total = choose_total(lines, collect_evidence(lines, None, None))
        assert total is not None
        assert total.value == Decimal("410.64")
        return total.confidence

    assert total_confidence(0.95) >= 0.9
    assert total_confidence(0.7) < 0.9


def test_given_a_nett_line_when_extracted_then_it_is_the_total_not_a_line_item() -> None:
    text = "ABC SDN BHD\nTAX INVOICE\nITEM A 10.00\nITEM B 2.50\nNETT 12.50\n"
    assert _total(text) == Decimal("12.50")


def test_given_a_netto_line_when_extracted_then_it_is_no_total_word() -> None:
    text = "Kauppa Oy\nMaito 2,50\nNETTO 2,00\nYHTEENSÄ 2,50\n"
    assert _total(text) == Decimal("2.50")


def test_given_a_total_after_rounding_when_extracted_then_it_is_the_total() -> None:
    text = "ABC SDN BHD\nX 12.33\nTotal 12.33\nRounding Adjustment -0.03\nTotal After Rounding 12.30\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("12.30")
    assert receipt.total.source == "Total After Rounding 12.30"


def test_given_two_total_lines_a_rounding_apart_when_the_rounding_label_is_lost_then_the_later_is_paid() -> (
    None
):
    text = (
        "GRILL SDN BHD\n30 Dec 17 18:40\n1 JUICE 12.95\n1 CHIPS 74.85\nSubtotal 87.80\nService 10% 8.78\n"
        "GST 6% 5.81\nTotal: 102.39\n0.01\nTotal 102.40\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("102.40")
    # The later line may as well be a misread of the earlier one: never confident.
    assert receipt.total.confidence <= 0.85


def test_given_two_total_lines_far_apart_then_no_rounding_is_inferred() -> None:
    from docflow.receipts.totals import inferred_rounding

    rounding = inferred_rounding([(Decimal("102.39"), 3.1, 5), (Decimal("102.40"), 3.2, 7)])
    assert rounding is not None
    assert (rounding.line, rounding.amount, rounding.inferred) == (7, Decimal("0.01"), True)
    assert inferred_rounding([(Decimal("102.39"), 3.1, 5), (Decimal("102.59"), 3.2, 7)]) is None
    assert inferred_rounding([(Decimal("102.39"), 3.1, 5), (Decimal("102.40"), 1.5, 7)]) is None


@pytest.mark.parametrize("word", ["Kokonaishinta", "KOKONAISSUMMA", "Loppuhinta", "To pay", "AMOUNT TO PAY"])
def test_given_another_total_word_when_extracted_then_its_amount_is_the_total(word: str) -> None:
    text = f"Kauppa Oy\n12.03.2025\nKAHVI 3,50\nPULLA 2,40\n{word} 5,90\nPalautus 0,10\n"
    assert _total(text) == Decimal("5.90")


def test_given_a_total_printed_only_with_lookalike_letters_when_the_card_agrees_then_it_is_not_sure() -> None:
    receipt = extract_receipt("KAUPPA OY\nMAITO 7D, DD\nYHTEENSÄ 7D, DD\nKORTTI 7D, DD\n", today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("70.00")
    assert receipt.total.confidence < 0.9


def test_given_the_same_total_printed_cleanly_when_checks_agree_then_the_repair_does_not_cap_it() -> None:
    receipt = extract_receipt("KAUPPA OY\nMAITO 7D, DD\nYHTEENSÄ 70,00\nKORTTI 70,00\n", today=TODAY)
    assert receipt.total is not None
    assert receipt.total.confidence >= 0.9


@pytest.mark.parametrize(
    "vat_block",
    [
        "ALV 25,5 % sisältyy hintaan\nALV:n osuus 4,98\n",
        "ALV% VEROTON VERO VEROLLINEN\n25,5 % 15,54 3,96 19,50\n",
    ],
)
def test_given_printed_vat_that_does_not_fit_the_total_then_a_repeating_payment_does_not_make_it_sure(
    vat_block: str,
) -> None:
    # A font that misreads 0 as 8 misreads the card line the same way: only the VAT block disagrees.
    text = f"Pysäköinti Oy\n12.03.2025 10:00\nYHTEENSÄ 24,18\nKORTTIMAKSU 24,18\n{vat_block}"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("24.18")
    assert receipt.total.confidence < 0.9
    fitting = extract_receipt(text.replace("24,18", "24,10").replace("4,98", "4,90"), today=TODAY)
    if "sisältyy" in vat_block:
        assert fitting.total is not None
        assert fitting.total.confidence >= 0.9


def test_given_no_total_line_when_the_card_pays_more_than_the_vat_rows_then_the_card_amount_wins() -> None:
    # VAT-free deposits: the VAT rows add up to 114,65, the card pays 115,35 (the item lines are lost).
    receipt = extract_receipt(
        "Alko Kamppi\nKorttimaksu 115,35\nALV Veroton Vero Yhteensä\n25,5 % 91,35 23,30 114,65\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("115.35")
    assert receipt.total.confidence < 0.9


def test_given_no_total_line_when_the_card_pays_less_than_the_vat_rows_then_the_vat_rows_win() -> None:
    receipt = extract_receipt(
        "Shop Oy\nKorttimaksu 12,00\nALV Veroton Vero Yhteensä\n25,5 % 15,94 4,06 20,00\n", today=TODAY
    )
    assert receipt.total is not None
    assert receipt.total.value == Decimal("20.00")
    assert receipt.total.confidence < 0.9


@pytest.mark.parametrize("word", ["DEBITMASTERCARD", "DOEBITMASTERCARD"])
def test_given_a_card_scheme_glued_to_mastercard_when_extracted_then_it_is_a_card_payment(word: str) -> None:
    receipt = extract_receipt(f"Shop Oy\nKAHVI 3,50\n{word} 3,50\n", today=TODAY)
    assert receipt.payment is not None
    assert receipt.payment.value == "card"


def test_given_a_total_word_above_its_amount_with_trailing_noise_then_the_amount_is_the_total() -> None:
    assert _total("Alko Oy\nViski 0,7 l 31,35\nMAKSETTAVA\n: - = 110,64 Kulli\n") == Decimal("110.64")


def test_given_a_total_word_above_an_item_line_then_the_item_amount_is_not_the_total() -> None:
    from docflow.receipts.totals import total_candidates

    assert total_candidates(to_lines("Shop Oy\nYHTEENSÄ\nKAHVI 500G 5,49\n"), frozenset()) == []


_SWEDISH_ROWS = "Moms Netto Brutto\n25% 36,17 144,66 180,83\n12% 15,34 127,85 143,19\n"


def test_given_a_total_one_lookalike_digit_off_the_vat_rows_then_their_sum_is_the_total_unsurely() -> None:
    receipt = extract_receipt(f"ICA Nära\nTOTALT 324,82\n{_SWEDISH_ROWS}", today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("324.02")
    assert receipt.total.confidence < 0.9


def test_given_a_total_off_the_vat_rows_by_a_non_lookalike_digit_then_the_printed_total_stays() -> None:
    assert _total(f"ICA Nära\nTOTALT 324,42\n{_SWEDISH_ROWS}") == Decimal("324.42")


def test_given_deposit_lines_when_the_total_is_a_lookalike_digit_off_the_vat_rows_then_it_stays() -> None:
    text = "Sale\nPantti 4 x 0,20 0,80\nYHTEENSÄ 12,84\nALV Veroton Vero Verollinen\n25,5 % 9,59 2,45 12,04\n"
    assert _total(text) == Decimal("12.84")


def test_given_a_card_amount_that_is_a_third_reading_then_the_printed_total_is_not_repaired() -> None:
    assert _total(f"ICA Nära\nTOTALT 324,82\nKORT 324,62\n{_SWEDISH_ROWS}") == Decimal("324.82")


@pytest.mark.parametrize("word", ["Gssamtbetrag", "Loppusunma", "KOKONAISSUMNA"])
def test_given_a_long_total_word_one_letter_off_when_extracted_then_its_amount_is_the_total(
    word: str,
) -> None:
    text = f"Kauppa Oy\nPvm 12.03.2025\nLEIPA 2,50\nMAITO 1,20\nKAHVI 5,00\n{word} 8,70\nKIITOS\n"
    assert _total(text) == Decimal("8.70")


@pytest.mark.parametrize("word", ["VALISUMMA", "ZWISCHENSUMME", "LOPPUSUMMAT"])
def test_given_a_word_more_than_one_letter_from_a_total_word_then_it_names_no_total(word: str) -> None:
    from docflow.receipts.vocabulary import TOTAL_STRONG, TOTAL_WEAK

    assert not TOTAL_STRONG.search(word)
    assert not TOTAL_WEAK.search(word)


def test_given_card_and_item_lines_that_contradict_the_printed_total_then_the_total_is_left_for_review() -> (
    None
):
    # the card line and the item line both lost the leading 1 of 11,71
    text = (
        "Q-Park Forum\nQ-Park Ab\nY-tunnus: 1104023-5\nSaapunut 13.09.2024 16:57\n"
        "Pysäköinti | 1,71\nMAKSETTAVA 11,71\nALV 25,5 % sisältyy hintaan\nVISA 1,71\n"
    )
    receipt = extract_receipt(text, today=dt.date(2026, 6, 30))
    assert receipt.total is not None
    assert receipt.total.confidence < 0.7


def test_given_a_total_line_the_payment_repeats_then_a_larger_subtotal_line_does_not_dispute_it() -> None:
    text = "Kauppa Oy\nY-tunnus 0112038-9\n12.03.2026\nKAHVI 20,00\nYHTEENSÄ 20,00\nAlennus -2,00\n"
    receipt = extract_receipt(
        text + "MAKSETTAVA 18,00\nKORTTI 18,00\nALV 25,5 % 14,34 3,66 18,00\n", today=dt.date(2026, 6, 30)
    )
    assert receipt.total is not None
    assert (receipt.total.value, receipt.total.confidence >= 0.9) == (Decimal("18.00"), True)

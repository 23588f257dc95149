"""Foreign receipts: country, currency, totals and VAT rows of Swedish, Estonian, German, Norwegian ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.country import detect_country
from docflow.receipts.extract import extract_receipt
from docflow.receipts.lines import lines_from_text

TODAY = dt.date(2026, 6, 30)

SWEDISH_FUEL = """\
Circle K Sverige AB
Storgatan 12
114 55 Stockholm
Org.nr 556036-0793
2026-03-14 08:12
Diesel 42,10 l x 21,50 905,15
Kaffe 25,00
TOTALT 930,15
ATT BETALA SEK 930,15
KORT 930,15
Moms% Moms Netto Brutto
25% 186,03 744,12 930,15
Momsreg.nr SE556036079301
Tack för besöket!
"""

ESTONIAN_MEAL = """\
Restoran Kuldne Kala OÜ
Pikk tänav 5, 10123 Tallinn
Reg. nr 12345678
KMKR EE100931558
14.03.2026 13:05
Supp 6,50
Praad 14,90
Kohv 3,10
KOKKU 24,50
SULARAHA 30,00
TAGASI 5,50
KM 24% 4,74 19,76 24,50
Aitäh!
"""

GERMAN_HOTEL = """\
Hotel Lindenhof GmbH
Lindenstraße 8
33100 Paderborn
Tel. +49 5251 12345
USt-IdNr. DE136695976
Rechnung 4711
Übernachtung 89,00
Frühstück 14,00
SUMME EUR 103,00
BAR 110,00
RÜCKGELD 7,00
MwSt % Netto MwSt Brutto
A 7% 83,18 5,82 89,00
B 19% 11,76 2,24 14,00
Datum 14.03.26 09:30
"""

GERMAN_CARD = """\
Aral Tankstelle
Bahnhofstr. 1
33100 Paderborn
St.-Nr. 339/5752/1234
Super E10 60,00
ZU ZAHLEN 60,00
Girocard 60,00
Steuer % Netto Steuer Brutto
19% 50,42 9,58 60,00
14.03.2026 18:40
"""

NORWEGIAN = """\
Kiwi Majorstuen
Org.nr 995 525 828 MVA
14.03.2026
Brød 35,90
Melk 22,50
Å BETALE kr 58,40
BANKAXEPT 58,40
MVA 15% 7,62 50,78 58,40
"""

FINNISH = """\
Lähikauppa Kuusi Oy
Y-tunnus 0112038-9
12.03.2026
MAITO 1,29
YHTEENSÄ 1,29
KÄTEINEN 1,29
ALV 13,5 % 1,14 0,15 1,29
"""


@pytest.mark.parametrize(
    ("text", "country", "currency", "total"),
    [
        (SWEDISH_FUEL, "SE", "SEK", "930.15"),
        (ESTONIAN_MEAL, "EE", "EUR", "24.50"),
        (GERMAN_HOTEL, "DE", "EUR", "103.00"),
        (GERMAN_CARD, "DE", "EUR", "60.00"),
        (NORWEGIAN, "NO", "NOK", "58.40"),
    ],
)
def test_given_a_foreign_receipt_then_country_currency_and_total_are_read_and_it_is_flagged_foreign(
    text: str, country: str, currency: str, total: str
) -> None:
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.country is not None
    assert receipt.country.value == country
    assert receipt.currency is not None
    assert receipt.currency.value == currency
    assert receipt.total is not None
    assert receipt.total.value == Decimal(total)
    assert receipt.is_foreign
    codes = [warning.code for warning in receipt.warnings]
    assert "foreign_receipt" in codes
    assert "no_business_id" not in codes
    assert "vat_rate_invalid" not in codes
    assert receipt.to_json()["country"] == country
    assert receipt.to_json()["is_foreign"] is True


@pytest.mark.parametrize(
    ("text", "date"),
    [
        (SWEDISH_FUEL, dt.date(2026, 3, 14)),
        (ESTONIAN_MEAL, dt.date(2026, 3, 14)),
        (GERMAN_HOTEL, dt.date(2026, 3, 14)),
    ],
)
def test_given_a_foreign_receipt_then_its_date_is_read(text: str, date: dt.date) -> None:
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.date is not None
    assert receipt.date.value == date


def test_given_a_swedish_receipt_then_its_vat_row_and_vat_number_are_read() -> None:
    receipt = extract_receipt(SWEDISH_FUEL, today=TODAY)
    assert [(row.rate, row.net, row.tax, row.gross) for row in receipt.vat] == [
        (Decimal("25"), Decimal("744.12"), Decimal("186.03"), Decimal("930.15"))
    ]
    assert receipt.vat_number is not None
    assert receipt.vat_number.value == "SE556036079301"
    assert receipt.payment is not None
    assert receipt.payment.value == "card"


def test_given_a_german_receipt_with_two_rates_then_both_vat_rows_are_read() -> None:
    receipt = extract_receipt(GERMAN_HOTEL, today=TODAY)
    assert [(row.rate, row.gross) for row in receipt.vat] == [
        (Decimal("7"), Decimal("89.00")),
        (Decimal("19"), Decimal("14.00")),
    ]


@pytest.mark.parametrize("text", [ESTONIAN_MEAL, GERMAN_HOTEL])
def test_given_cash_and_change_on_a_foreign_receipt_then_neither_is_the_total(text: str) -> None:
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.payment is not None
    assert receipt.payment.value == "cash"
    assert receipt.total.value not in (Decimal("30.00"), Decimal("5.50"), Decimal("110.00"), Decimal("7.00"))


def test_given_a_finnish_receipt_then_it_is_finnish_and_not_foreign() -> None:
    receipt = extract_receipt(FINNISH, today=TODAY)
    assert receipt.country is not None
    assert receipt.country.value == "FI"
    assert not receipt.is_foreign
    assert "foreign_receipt" not in [warning.code for warning in receipt.warnings]


def test_given_a_finnish_receipt_with_swedish_words_then_the_y_tunnus_keeps_it_finnish() -> None:
    text = FINNISH.replace("YHTEENSÄ", "YHTEENSÄ/TOTALT").replace("ALV", "ALV/MOMS") + "KIITOS / TACK\n"
    assert detect_country(lines_from_text(text)).country == "FI"


def test_given_no_evidence_then_the_country_is_unknown_not_assumed() -> None:
    evidence = detect_country(lines_from_text("Shop\nMILK 1,29\nTOTAL 1,29\n"))
    assert evidence.country is None
    assert evidence.currency is None
    receipt = extract_receipt("Shop\nMILK 1,29\nTOTAL 1,29\n", today=TODAY)
    assert receipt.country is None
    assert not receipt.is_foreign


def test_given_country_evidence_then_the_reasons_say_why() -> None:
    evidence = detect_country(lines_from_text(SWEDISH_FUEL))
    assert evidence.country == "SE"
    assert evidence.confidence >= 0.9
    assert "SE VAT number" in evidence.reasons


def test_given_one_digit_misread_as_a_euro_sign_on_a_swedish_receipt_then_the_currency_stays_sek() -> None:
    # No ``kr`` printed: the one ``€`` (a misread 6 before an amount) must not outvote the country.
    text = SWEDISH_FUEL.replace("ATT BETALA SEK 930,15\n", "").replace("Kaffe 25,00", "Kaffe €5,00")
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.country is not None
    assert receipt.country.value == "SE"
    assert receipt.currency is not None
    assert receipt.currency.value == "SEK"


def test_given_ocr_noise_folding_to_a_vat_prefix_then_it_is_no_vat_number() -> None:
    # A German card slip line: ``ee`` folds to ``EE``, but VAT numbers print their prefix in capitals.
    noise = detect_country(lines_from_text("Pos-Info ee 192 00 055 0C\nTOTAL 1,29\n"))
    assert noise.country is None
    printed = detect_country(lines_from_text("KMKR EE100931558\nTOTAL 1,29\n"))
    assert printed.country == "EE"


def test_given_a_german_receipt_whose_vat_number_is_garbled_then_its_words_tell_germany() -> None:
    text = (
        "real GmbH\n33100 Paderborn\nSUMME EUR 12,07\nMehrwertst. ohne MwSt mit MwSt\n"
        "E 7,0% 0,79 11,28 12,07\nPos-Info ee 192 00 055 0C\nKundenbeleg\n"
    )
    assert detect_country(lines_from_text(text)).country == "DE"


def test_given_a_finland_swedish_receipt_whose_fo_nummer_is_garbled_then_it_is_not_taken_for_swedish() -> (
    None
):
    text = (
        "Konditori Lindholm\nLindholm Ky\nItäinen Pitkäkatu 33\n90100 OULU\nFO-nummer 26B4 9-\n"
        "08.12.2025 08:50 Kvitto 157888\nKaffe 4,06\nTOTALT 11,85\nMoms 14 % 1,46 Netto 10,39\n"
        "BETALKORT 11,85\nTACK FOR BESÖKET!\n"
    )
    assert detect_country(lines_from_text(text)).country != "SE"

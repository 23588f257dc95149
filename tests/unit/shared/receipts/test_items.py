"""Line items: quantity, weight, discount and deposit rows attach to their item; items add up to the total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.extract import extract_receipt
from docflow.receipts.models import LineItem

TODAY = dt.date(2026, 6, 30)

HEADER = "Kauppa Mänty Oy\nY-tunnus 0112038-9\nPvm 12.03.2026 klo 10.15\n"

QUANTITY_BELOW_WITH_AMOUNT = (
    HEADER
    + """\
TUOLI MUSTA
3 x 39,90          119,70
PÖYTÄ 89,00
YHTEENSÄ 208,70
PANKKIKORTTI 208,70
ALV 25,5 % 166,29 42,41 208,70
"""
)

QUANTITY_BELOW_NAME_WITH_AMOUNT = (
    HEADER
    + """\
TUOLI MUSTA 119,70
3 kpl á 39,90
YHTEENSÄ 119,70
PANKKIKORTTI 119,70
ALV 25,5 % 95,38 24,32 119,70
"""
)

WEIGHT_BELOW = (
    HEADER
    + """\
BANAANI
0,512 kg x 3,98 €/kg   2,04
OMENA PUNAINEN 0,730 kg x 2,49 €/kg 1,82
YHTEENSÄ 3,86
PANKKIKORTTI 3,86
ALV 13,5 % 3,40 0,46 3,86
"""
)

DISCOUNTS = (
    HEADER
    + """\
KAHVI 500G 6,99
Alennus -1,00
JUUSTO 5,00
Etu -20 %
MAITO 1,50
YHTEENSÄ 11,49
PANKKIKORTTI 11,49
ALV 13,5 % 10,12 1,37 11,49
"""
)

DEPOSITS = (
    HEADER
    + """\
LIMSA 1,5L 2,49
Pantti 0,40
VESI 0,5L 1,19
PANTTI 0,10
YHTEENSÄ 4,18
KÄTEINEN 5,00
TAKAISIN 0,82
ALV 13,5 % 3,68 0,50 4,18
"""
)

GERMAN_PFAND_RABATT = """\
Getränkemarkt Krause GmbH
Hauptstraße 5
33100 Paderborn
USt-IdNr. DE136695976
COLA 1,5L 1,29 A
Pfand 0,25 A
SEKT 4,99 A
Rabatt -0,50 A
SUMME EUR 6,03
EC-Karte 6,03
MwSt% Netto MwSt Brutto
A 19% 5,07 0,96 6,03
12.03.2026 10:15
"""

LARGER_DISCOUNT_THAN_ITEM = (
    HEADER
    + """\
KAHVI 3,00
PULLA 2,00
Kampanja -4,00
YHTEENSÄ 1,00
PANKKIKORTTI 1,00
"""
)


def _items(text: str) -> list[tuple[str, Decimal, Decimal | None, Decimal | None]]:
    items = extract_receipt(text, today=TODAY).items
    return [(item.name, item.amount, item.quantity, item.unit_price) for item in items]


def _sum(items: tuple[LineItem, ...]) -> Decimal:
    return sum((item.amount for item in items), Decimal("0.00"))


def test_given_a_quantity_row_with_its_amount_below_a_name_then_the_name_gets_quantity_price_and_amount() -> (
    None
):
    assert _items(QUANTITY_BELOW_WITH_AMOUNT) == [
        ("TUOLI MUSTA", Decimal("119.70"), Decimal("3"), Decimal("39.90")),
        ("PÖYTÄ", Decimal("89.00"), None, None),
    ]


def test_given_a_quantity_row_below_an_item_then_it_sets_the_items_quantity() -> None:
    assert _items(QUANTITY_BELOW_NAME_WITH_AMOUNT) == [
        ("TUOLI MUSTA", Decimal("119.70"), Decimal("3"), Decimal("39.90"))
    ]


def test_given_weight_rows_then_weight_and_price_per_kilo_are_the_quantity_and_unit_price() -> None:
    assert _items(WEIGHT_BELOW) == [
        ("BANAANI", Decimal("2.04"), Decimal("0.512"), Decimal("3.98")),
        ("OMENA PUNAINEN", Decimal("1.82"), Decimal("0.730"), Decimal("2.49")),
    ]


@pytest.mark.parametrize("grade", ["95E10", "98E5", "E85"])
def test_given_a_fuel_grade_over_its_litres_then_the_grade_is_the_items_name(grade: str) -> None:
    text = f"Neste Tuusula\nPESU PREMIUM 14,51\n{grade}\n2,39 l x 1,85 €/l 4,42\nYhteensä 18,93\n"
    assert _items(text) == [
        ("PESU PREMIUM", Decimal("14.51"), None, None),
        (grade, Decimal("4.42"), Decimal("2.39"), Decimal("1.85")),
    ]


def test_given_a_lone_letter_and_number_over_a_quantity_row_then_it_is_no_name() -> None:
    assert _items("Kauppa\nB2\n2 x 1,85 3,70\nYhteensä 3,70\n") == []


def test_given_discount_rows_then_each_discount_belongs_to_the_item_above_it() -> None:
    items = extract_receipt(DISCOUNTS, today=TODAY).items
    assert [(item.name, item.price, item.discount, item.amount) for item in items] == [
        ("KAHVI 500G", Decimal("6.99"), Decimal("-1.00"), Decimal("5.99")),
        ("JUUSTO", Decimal("5.00"), Decimal("-1.00"), Decimal("4.00")),
        ("MAITO", Decimal("1.50"), None, Decimal("1.50")),
    ]


def test_given_deposit_rows_then_each_deposit_belongs_to_the_bottle_above_it() -> None:
    items = extract_receipt(DEPOSITS, today=TODAY).items
    assert [(item.name, item.price, item.deposit, item.amount) for item in items] == [
        ("LIMSA 1,5L", Decimal("2.49"), Decimal("0.40"), Decimal("2.89")),
        ("VESI 0,5L", Decimal("1.19"), Decimal("0.10"), Decimal("1.29")),
    ]


def test_given_german_pfand_and_rabatt_rows_then_they_attach_and_letter_codes_stay_out_of_names() -> None:
    items = extract_receipt(GERMAN_PFAND_RABATT, today=TODAY).items
    assert [(item.name, item.deposit, item.discount, item.amount) for item in items] == [
        ("COLA 1,5L", Decimal("0.25"), None, Decimal("1.54")),
        ("SEKT", None, Decimal("-0.50"), Decimal("4.49")),
    ]


def test_given_a_german_leergut_row_under_a_bottle_then_it_is_that_bottles_deposit() -> None:
    text = GERMAN_PFAND_RABATT.replace("Pfand 0,25 A", "Leergut 0,25 A")
    items = extract_receipt(text, today=TODAY).items
    assert (items[0].name, items[0].deposit, items[0].amount) == (
        "COLA 1,5L",
        Decimal("0.25"),
        Decimal("1.54"),
    )


def test_given_a_discount_larger_than_the_item_above_then_it_is_an_item_of_its_own() -> None:
    assert _items(LARGER_DISCOUNT_THAN_ITEM)[-1] == ("Kampanja", Decimal("-4.00"), None, None)


@pytest.mark.parametrize(
    "text",
    [
        QUANTITY_BELOW_WITH_AMOUNT,
        QUANTITY_BELOW_NAME_WITH_AMOUNT,
        WEIGHT_BELOW,
        DISCOUNTS,
        DEPOSITS,
        GERMAN_PFAND_RABATT,
        LARGER_DISCOUNT_THAN_ITEM,
    ],
)
def test_given_item_rows_then_the_items_add_up_to_the_total_and_confirm_it(text: str) -> None:
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert _sum(receipt.items) == receipt.total.value
    assert "items_total_mismatch" not in [warning.code for warning in receipt.warnings]


def test_given_items_that_add_up_to_the_total_then_the_items_check_confirms_it() -> None:
    text = HEADER + "KAHVI 500G 6,99\nAlennus -1,00\nMAITO 1,50\nYHTEENSÄ 7,49\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == Decimal("7.49")
    assert not any(warning.code == "total_unconfirmed" for warning in receipt.warnings)


def test_given_items_that_do_not_add_up_then_the_mismatch_is_a_warning() -> None:
    text = HEADER + "KAHVI 6,99\nMAITO 1,50\nYHTEENSÄ 9,49\nPANKKIKORTTI 9,49\n"
    codes = [warning.code for warning in extract_receipt(text, today=TODAY).warnings]
    assert "items_total_mismatch" in codes


@pytest.mark.parametrize("row", ["5,06 | x 1,77 €/l 8,96", "5,06 1 x 1,77 €/1 8,96"])
def test_given_litres_read_as_a_bar_or_a_1_when_read_then_the_fuel_line_is_an_item_with_its_quantity(
    row: str,
) -> None:
    receipt = extract_receipt(
        f"Neste Oy\nY-tunnus 3219642-3\n05.02.2025 22.47\nPESU PREMIUM 16,75\nDIESEL\n{row}\n"
        "Yhteensä 25,71\n",
        today=dt.date(2026, 1, 1),
    )
    fuel = receipt.items[-1]
    assert (fuel.name, fuel.quantity, fuel.unit_price, fuel.amount) == (
        "DIESEL",
        Decimal("5.06"),
        Decimal("1.77"),
        Decimal("8.96"),
    )


def test_given_a_damaged_vat_row_and_a_total_the_items_confirm_then_the_completed_row_is_booked() -> None:
    from docflow.pipeline.review import decide_status

    receipt = extract_receipt(
        "Neste Oy\nY-tunnus 3219642-3\n05.02.2025 22.47\nPESU PREMIUM 16,75\nDIESEL\n5,06 | x 1,77 €/l 8,96\n"
        "Yhteensä 25,71\nALV Veroton Vero Verollinen\n25,5 % 20,49 B27 29/1\n",
        today=dt.date(2026, 1, 1),
    )
    assert [(row.rate, row.tax) for row in receipt.vat] == [(Decimal("25.5"), Decimal("5.22"))]
    assert 0.7 <= receipt.vat[0].confidence < 0.9
    assert decide_status(receipt, duplicate_of=None, review_confidence=0.6) == "processed"


def _receipt(rows: str, total: str) -> str:
    return HEADER + rows + f"YHTEENSÄ {total}\nPANKKIKORTTI {total}\n"


def test_given_a_volume_in_a_name_row_above_its_quantity_row_then_the_quantity_row_gives_the_amount() -> None:
    text = _receipt(
        "OLUT 0,33 TLK\n5 x 2,46 12,30 A\nAlennus -15 % -1,85 A\nPANTTI 5 x 0,15 0,75\n"
        "Kuohuviini 0,75 l\n4 x 32,36 129,44\nPantti 4 x 0,10 0,40\n",
        "141,04",
    )
    items = extract_receipt(text, today=TODAY).items
    assert [(item.name, item.amount, item.quantity, item.discount, item.deposit) for item in items] == [
        ("OLUT 0,33 TLK", Decimal("11.20"), Decimal("5"), Decimal("-1.85"), Decimal("0.75")),
        ("Kuohuviini 0,75 l", Decimal("129.84"), Decimal("4"), None, Decimal("0.40")),
    ]
    assert _sum(items) == Decimal("141.04")


def test_given_an_item_row_whose_amount_the_quantity_row_below_does_not_give_then_it_is_the_name() -> None:
    # the litre sign read as a one: the volume looked like the row's price
    assert _items(_receipt("Viini 0,75 1\n2 x 12,90 25,80\nLEIPÄ 2,10\n", "27,90")) == [
        ("Viini 0,75 1", Decimal("25.80"), Decimal("2"), Decimal("12.90")),
        ("LEIPÄ", Decimal("2.10"), None, None),
    ]


def test_given_a_quantity_row_with_a_price_each_under_a_priced_item_then_it_only_sets_the_quantity() -> None:
    # "3 kpl à 8,63" with the à read as ä or &
    rows = "Jälkiruoka 25,89\n3 kpl ä 8,63\nLounas 22,20\n2 kpl & 11,10\n"
    assert _items(_receipt(rows, "48,09")) == [
        ("Jälkiruoka", Decimal("25.89"), Decimal("3"), Decimal("8.63")),
        ("Lounas", Decimal("22.20"), Decimal("2"), Decimal("11.10")),
    ]


def test_given_a_quantity_row_whose_amount_does_not_fit_then_the_item_above_keeps_its_amount() -> None:
    assert _items(_receipt("KAHVI 0,50 6,99\n3 x 2,00 5,00\n", "6,99"))[0] == (
        "KAHVI",
        Decimal("6.99"),
        None,
        None,
    )


def test_given_a_swedish_offer_row_then_it_is_the_discount_of_the_item_above() -> None:
    items = extract_receipt(
        _receipt("DISKMEDEL\n4 x 31,50 126,00\nErbjudande -0,20\n", "125,80"), today=TODAY
    ).items
    assert [(item.amount, item.discount) for item in items] == [(Decimal("125.80"), Decimal("-0.20"))]


def test_given_an_amount_followed_by_a_vat_code_then_it_stays_the_price() -> None:
    assert _items(_receipt("LEIPÄ 2,10 B*\nMAITO 1,07 A\n", "3,17")) == [
        ("LEIPÄ", Decimal("2.10"), None, None),
        ("MAITO", Decimal("1.07"), None, None),
    ]


def test_given_rows_with_a_vat_rate_column_then_each_is_an_item_with_its_count_and_unit_price() -> None:
    rows = "Langaton hiiri 2 19,90 25,5 % 39,80\nUSB-kaapeli 1 kpl 9,90 25,5 % 9,90\nKirja 14,90 10 % 14,90\n"
    assert _items(_receipt(rows, "64,60")) == [
        ("Langaton hiiri", Decimal("39.80"), Decimal("2"), Decimal("19.90")),
        ("USB-kaapeli", Decimal("9.90"), Decimal("1"), Decimal("9.90")),
        ("Kirja", Decimal("14.90"), None, None),
    ]


def test_given_percent_rows_that_are_no_items_then_they_are_left_out() -> None:
    # a VAT row with a letter code, an impossible rate, the amount before the rate
    rows = "KAHVI 4,99\nB 14 % 4,38 0,61 4,99\nPalvelumaksu 33 % 1,00\nLeipä 2,10 25,5 %\n"
    assert _items(_receipt(rows, "4,99")) == [("KAHVI", Decimal("4.99"), None, None)]


def test_given_a_brand_read_as_a_payment_abbreviation_then_the_row_is_still_an_item() -> None:
    # G&G read "GeG"; "Geg. Bar" (given, cash) is the payment row
    text = _receipt("GeG BIO MUELLBEUTE 1,99 C\nBIO SCHOKOLADE 1,29 B\n", "3,28") + "Geg. Bar 5,00\n"
    assert [name for name, *_ in _items(text)] == ["GeG BIO MUELLBEUTE", "BIO SCHOKOLADE"]


def test_given_a_total_row_whose_word_was_lost_then_it_and_the_payment_rows_are_no_items() -> None:
    text = HEADER + "KAFFE 65,09\nBRÖD 67,54\nMJÖLK 22,36\na H. 154,99 |\n4 SH 154,99\n"
    amounts = [amount for _, amount, *_ in _items(text)]
    assert amounts == [Decimal("65.09"), Decimal("67.54"), Decimal("22.36")]


def test_given_few_items_then_one_equal_to_the_sum_above_stays_an_item() -> None:
    text = _receipt("KAHVI 1,00\nTEE 1,00\nKEKSI 2,00\n", "4,00")
    assert [amount for _, amount, *_ in _items(text)] == [Decimal("1.00"), Decimal("1.00"), Decimal("2.00")]


def test_given_amounts_whose_comma_is_read_as_a_colon_then_they_are_item_amounts_but_times_are_not() -> None:
    text = (
        HEADER
        + "RUISLEIPÄ 1:57\nKARKKIPUSSI\n5.X 2:96 14,80\nKesto 0:30\nMAITO 1,18\nTe 2:77\n"
        + "YHTEENSÄ 20,32\nKORTTI 20,32\n"
    )
    assert [(item.name, item.amount, item.quantity) for item in extract_receipt(text, today=TODAY).items] == [
        ("RUISLEIPÄ", Decimal("1.57"), None),
        ("KARKKIPUSSI", Decimal("14.80"), Decimal("5")),
        ("MAITO", Decimal("1.18"), None),
        ("Te", Decimal("2.77"), None),  # a two-letter name
    ]


@pytest.mark.parametrize("row", ["2 kpl 4 10,19", "2 kpl à 10,19", "2 kpl x 10,19", "2 kpl 10,19"])
def test_given_a_count_row_whose_a_sign_is_misread_after_its_unit_then_it_is_the_items_count(
    row: str,
) -> None:
    text = HEADER + f"AIKAKAUSLEHTI 20,38\n{row}\nYHTEENSÄ 20,38\nKORTTI 20,38\n"
    (item,) = extract_receipt(text, today=TODAY).items
    assert (item.name, item.quantity, item.unit_price, item.amount) == (
        "AIKAKAUSLEHTI",
        Decimal("2"),
        Decimal("10.19"),
        Decimal("20.38"),
    )


@pytest.mark.parametrize("row", ["13 x 0, 10 1,30", "13 x 0. 10 1,30", "13 x D,1D 1,30"])
def test_given_a_count_row_whose_unit_price_is_spaced_or_has_look_alike_digits_then_it_is_read(
    row: str,
) -> None:
    text = HEADER + f"Muovipullo 0,5 l\n{row}\nYHTEENSÄ 1,30\n"
    (item,) = extract_receipt(text, today=TODAY).items
    assert (item.quantity, item.unit_price, item.amount) == (Decimal("13"), Decimal("0.10"), Decimal("1.30"))

"""Not a plain sale: refunds, deposit-return vouchers, card slips, long and torn receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from docflow.receipts.extract import extract_receipt

TODAY = dt.date(2026, 6, 30)

FINNISH_REFUND = """\
Kodintekniikka Salo Oy
Y-tunnus 0112038-9
12.03.2026 15.20
PALAUTUS
KAHVINKEITIN -49,90
YHTEENSÄ -49,90
PANKKIKORTTI -49,90
ALV 25,5 % -39,76 -10,14 -49,90
"""

SWEDISH_RETURN = """\
Kjell & Company AB
Org.nr 556036-0793
2026-03-14 12:00
RETURKVITTO
Laddare 199,00-
TOTALT 199,00-
KORT 199,00-
Moms 25% 39,80 159,20 199,00
"""

GERMAN_STORNO = """\
Elektro Schmidt GmbH
USt-IdNr. DE136695976
14.03.2026
Storno
Kabel -19,99 A
SUMME EUR -19,99
EC-Karte -19,99
A 19% -16,80 -3,19 -19,99
"""

DEPOSIT_RETURN = """\
K-Market Keskusta
TOMRA
PULLONPALAUTUS
12.03.2026 09.14
Pullot 0,10 x 12 1,20
Tölkit 0,15 x 8 1,20
YHTEENSÄ 2,40
Vaihda kassalla
"""

CARD_SLIP = """\
RAVINTOLA KULMA
Terminal 12345678
12.03.2026 19.42
VISA CONTACTLESS
************1234
AID: A0000000031010
OSTO 42,50 EUR
HYVÄKSYTTY
ASIAKKAAN KAPPALE
"""

RETURN_POLICY_SALE = """\
Kjell & Company AB
Org.nr 556036-0793
2026-03-14 12:00
Laddare 199,00
TOTALT 199,00
KORT 199,00
Moms 25% 39,80 159,20 199,00
Öppet köp och retur inom 30 dagar mot kvitto
"""

LONG_HEADER = "Citymarket Oy\nY-tunnus 0112038-9\nPvm 12.03.2026 klo 18.02\n"
LONG_ITEMS = [f"TUOTE {number:02d} {number},{number % 10}0" for number in range(1, 46)]


def _long_receipt() -> tuple[str, Decimal]:
    total = sum((Decimal(f"{n}.{n % 10}0") for n in range(1, 46)), Decimal("0.00"))
    printed = f"{total:.2f}".replace(".", ",")
    net = (total * 100 / Decimal("113.5")).quantize(Decimal("0.01"))
    tax = total - net
    vat = f"ALV 13,5 % {net:.2f} {tax:.2f} {total:.2f}".replace(".", ",")
    text = LONG_HEADER + "\n".join(LONG_ITEMS) + f"\nYHTEENSÄ {printed}\nPANKKIKORTTI {printed}\n{vat}\n"
    return text, total


@pytest.mark.parametrize(
    ("text", "total", "gross"),
    [
        (FINNISH_REFUND, "-49.90", "-49.90"),
        (SWEDISH_RETURN, "-199.00", "-199.00"),
        (GERMAN_STORNO, "-19.99", "-19.99"),
    ],
)
def test_given_a_refund_then_total_and_vat_rows_are_negative(text: str, total: str, gross: str) -> None:
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.kind == "refund"
    assert receipt.total is not None
    assert receipt.total.value == Decimal(total)
    assert [row.gross for row in receipt.vat] == [Decimal(gross)]
    assert all(row.tax < 0 and row.net < 0 for row in receipt.vat)
    assert "refund" in [warning.code for warning in receipt.warnings]


def test_given_a_return_policy_note_on_a_sale_then_it_is_no_refund() -> None:
    receipt = extract_receipt(RETURN_POLICY_SALE, today=TODAY)
    assert receipt.kind == "sale"
    assert receipt.total is not None
    assert receipt.total.value == Decimal("199.00")


@pytest.mark.parametrize("title", ["PULLONPALAUTUS", "PULLON PALAUTUS"])  # a title the OCR split
def test_given_a_bottle_deposit_return_slip_then_it_is_a_voucher_without_vat(title: str) -> None:
    receipt = extract_receipt(DEPOSIT_RETURN.replace("PULLONPALAUTUS", title), today=TODAY)
    assert receipt.kind == "deposit_return"
    assert receipt.total is not None
    assert receipt.total.value == Decimal("2.40")
    assert receipt.vat == ()
    codes = [warning.code for warning in receipt.warnings]
    assert "deposit_return" in codes
    assert "no_vat_breakdown" not in codes
    assert receipt.to_json()["kind"] == "deposit_return"


def test_given_a_sale_that_redeems_a_deposit_voucher_then_it_stays_a_sale() -> None:
    text = (
        "K-Market Keskusta Oy\nY-tunnus 0112038-9\n12.03.2026\nMAITO 1,29\nPULLONPALAUTUS -1,20\n"
        "YHTEENSÄ 0,09\nKÄTEINEN 0,09\nALV 13,5 % 0,08 0,01 0,09\n"
    )
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.kind == "sale"
    assert receipt.total is not None
    assert receipt.total.value == Decimal("0.09")


def test_given_a_card_terminal_slip_then_the_total_is_the_card_amount_and_needs_review() -> None:
    receipt = extract_receipt(CARD_SLIP, today=TODAY)
    assert receipt.kind == "card_slip"
    assert receipt.total is not None
    assert receipt.total.value == Decimal("42.50")
    assert receipt.total.confidence <= 0.6
    assert receipt.vat == ()
    assert receipt.items == ()
    codes = [warning.code for warning in receipt.warnings]
    assert "card_slip" in codes
    assert "no_vat_breakdown" not in codes


def test_given_a_long_receipt_then_every_item_is_read_and_they_add_up_to_the_total() -> None:
    text, total = _long_receipt()
    receipt = extract_receipt(text, today=TODAY)
    assert len(receipt.items) == len(LONG_ITEMS)
    assert receipt.total is not None
    assert receipt.total.value == total
    assert sum((item.amount for item in receipt.items), Decimal("0.00")) == total
    assert receipt.date is not None
    assert receipt.date.value == dt.date(2026, 3, 12)
    assert receipt.merchant is not None
    assert receipt.merchant.value == "Citymarket Oy"
    assert receipt.warnings == ()


def test_given_only_the_top_half_of_a_receipt_then_no_total_is_confidently_made_up() -> None:
    text, _ = _long_receipt()
    top = "\n".join(text.splitlines()[:25])
    receipt = extract_receipt(top, today=TODAY)
    assert receipt.total is None or receipt.total.confidence < 0.6
    assert receipt.merchant is not None


def test_given_only_the_bottom_half_of_a_receipt_then_no_merchant_is_confidently_made_up() -> None:
    text, total = _long_receipt()
    bottom = "\n".join(text.splitlines()[30:])
    receipt = extract_receipt(bottom, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == total
    assert receipt.merchant is None or receipt.merchant.confidence < 0.6
    assert receipt.date is None


def test_given_two_overlapping_halves_then_the_repeated_rows_are_read_once() -> None:
    text, total = _long_receipt()
    rows = text.splitlines()
    halves = "\n".join(rows[:30] + rows[26:])
    receipt = extract_receipt(halves, today=TODAY)
    assert receipt.total is not None
    assert receipt.total.value == total
    assert len(receipt.items) == len(LONG_ITEMS)
    assert "items_total_mismatch" not in [warning.code for warning in receipt.warnings]


REFUND_WORD_MISREAD = """\
Sale Kirkonkylä
Osuuskauppa Keskimaa
Y-tunnus 0112038-9
22.2.2025 16.03
HYYTTYS
BROILERIN FILEESUIKALE -6,29 B
HAMMASTAHNA -2,35 A
LOPPUSUMMA 8,64
MobilePay -8,64
"""


def test_given_every_item_negative_and_the_refund_word_misread_then_it_is_a_refund() -> None:
    receipt = extract_receipt(REFUND_WORD_MISREAD, today=TODAY)
    assert receipt.kind == "refund"
    assert receipt.total is not None
    assert receipt.total.value == Decimal("-8.64")


@pytest.mark.parametrize(
    "items",
    [
        "MAITO 1,29\nALENNUS -0,20\nLEIPÄ 2,10\n",  # a discount among sold items
        "PULLONPALAUTUS -1,20\n",  # one negative line only
    ],
)
def test_given_a_sale_with_some_negative_lines_then_it_stays_a_sale(items: str) -> None:
    text = f"K-Market Keskusta Oy\nY-tunnus 0112038-9\n12.03.2026\n{items}YHTEENSÄ 3,19\nKÄTEINEN 3,19\n"
    receipt = extract_receipt(text, today=TODAY)
    assert receipt.kind == "sale"

"""The receipt corpus generator's ground truth is consistent (no rendering, no OCR)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from stdnum.de import vat as de_vat
from stdnum.ee import kmkr
from stdnum.fi import alv, ytunnus
from stdnum.se import vat as se_vat

from tests.perf.corpus_scores import (
    deductible_by_quarter,
    item_amounts,
    score_receipt,
    vat_adds_up,
    vat_pairs,
)
from tests.perf.receipt_corpus.families import BY_NAME, FAMILIES, HELD_OUT, TUNING, make_receipt
from tests.perf.receipt_corpus.rates import vat_rate

SEED = 2026
RECEIPTS = [make_receipt(family, index, SEED)[0] for family in FAMILIES for index in range(6)]
VALID_VAT = {"FI": alv.is_valid, "SE": se_vat.is_valid, "EE": kmkr.is_valid, "DE": de_vat.is_valid}


@pytest.mark.parametrize("receipt", RECEIPTS, ids=lambda receipt: receipt.receipt_id)
def test_rows_add_up_to_the_total(receipt):
    for row in receipt.vat:
        assert row.net + row.tax == row.gross
        assert row.tax == (row.gross * row.rate / (100 + row.rate)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    assert sum(row.gross for row in receipt.vat) + receipt.vat_free == receipt.total
    assert {row.rate for row in receipt.vat} == {item.rate for item in receipt.items if item.rate is not None}


@pytest.mark.parametrize("receipt", RECEIPTS, ids=lambda receipt: receipt.receipt_id)
def test_identifiers_have_valid_check_digits(receipt):
    seller = receipt.seller
    if receipt.country == "FI":
        assert seller.business_id is not None
        assert ytunnus.is_valid(seller.business_id)
    else:
        assert seller.business_id is None
    assert VALID_VAT[receipt.country](seller.vat_number)


@pytest.mark.parametrize("receipt", RECEIPTS, ids=lambda receipt: receipt.receipt_id)
def test_items_use_the_rates_of_their_date_and_kind(receipt):
    if receipt.kind in ("card_slip", "deposit_return"):
        assert receipt.vat == ()
    if receipt.kind == "refund":
        assert receipt.total < 0
        assert all(row.tax <= 0 for row in receipt.vat)
    allowed = {
        vat_rate(receipt.country, category, receipt.date)
        for category in (
            "general",
            "food",
            "restaurant",
            "medicine",
            "transport",
            "periodical",
            "book",
            "alcohol",
        )
    }
    assert {row.rate for row in receipt.vat} <= allowed


def test_finnish_rates_change_on_their_dates():
    assert vat_rate("FI", "general", dt.date(2024, 8, 31)) == Decimal("24")
    assert vat_rate("FI", "general", dt.date(2024, 9, 1)) == Decimal("25.5")
    assert vat_rate("FI", "food", dt.date(2025, 12, 31)) == Decimal("14")
    assert vat_rate("FI", "food", dt.date(2026, 1, 1)) == Decimal("13.5")
    assert vat_rate("FI", "transport", dt.date(2024, 12, 31)) == Decimal("10")
    assert vat_rate("EE", "general", dt.date(2025, 7, 1)) == Decimal("24")
    assert vat_rate("SE", "food", dt.date(2026, 4, 1)) == Decimal("6")


def test_same_seed_same_receipt_other_seed_other_receipt():
    family = BY_NAME["grocery_k"]
    first, sheet = make_receipt(family, 3, SEED)
    again, sheet_again = make_receipt(family, 3, SEED)
    assert first.label() == again.label()
    assert sheet.text_lines() == sheet_again.text_lines()
    assert make_receipt(family, 3, SEED + 1)[0].label() != first.label()


def test_held_out_families_are_apart_and_include_a_foreign_one():
    assert len(HELD_OUT) >= 4
    assert not set(HELD_OUT) & set(TUNING)
    assert any(BY_NAME[name].country != "FI" for name in HELD_OUT)
    assert len(FAMILIES) >= 16


def test_printed_receipt_shows_the_total_and_every_tax_amount():
    receipt, sheet = make_receipt(BY_NAME["grocery_k"], 0, SEED)
    text = "\n".join(sheet.text_lines())
    assert f"{receipt.total:.2f}".replace(".", ",") in text
    for row in receipt.vat:
        assert f"{row.tax:.2f}".replace(".", ",") in text


def test_scores_compare_rate_and_tax_of_every_row():
    receipt = make_receipt(BY_NAME["grocery_s"], 1, SEED)[0]
    label = receipt.label()
    got = {
        "merchant": label["merchant"].lower(),
        "business_id": label["business_id"],
        "date": label["date"],
        "total": label["total"],
        "currency": None,
        "vat": label["vat"],
        "items": [{"amount": str(amount)} for amount in item_amounts(label["items"])],
        "status": "processed",
    }
    assert all(score_receipt(label, got).values())
    wrong = {**got, "vat": [*label["vat"][:-1], {**label["vat"][-1], "tax": "0.01"}]}
    assert score_receipt(label, wrong)["vat_exact"] is False
    assert len(vat_pairs(wrong["vat"]) & vat_pairs(label["vat"])) == len(label["vat"]) - 1


def test_item_scores_fold_discounts_and_deposits_into_the_item_above():
    label = {
        "kind": "sale",
        "items": [
            {"kind": "item", "amount": "12.30"},
            {"kind": "discount", "amount": "-1.85"},
            {"kind": "deposit", "amount": "0.75"},
            {"kind": "weight", "amount": "1.58"},
        ],
    }
    assert item_amounts(label["items"]) == [Decimal("11.20"), Decimal("1.58")]
    # a bottle return slip: deposit lines under no item are lines of their own
    slip = [{"kind": "deposit", "amount": "3.00"}, {"kind": "deposit", "amount": "0.50"}]
    assert item_amounts(slip) == [Decimal("3.00"), Decimal("0.50")]


def test_deductible_vat_counts_only_processed_finnish_receipts():
    label = make_receipt(BY_NAME["hardware"], 0, SEED)[0].label()
    tax = sum(Decimal(row["tax"]) for row in label["vat"])
    processed = {"status": "processed", "date": label["date"], "vat": label["vat"]}
    review = {**processed, "status": "needs_review"}
    assert deductible_by_quarter([(label, processed)])[label["quarter"]] == {"truth": tax, "engine": tax}
    assert deductible_by_quarter([(label, review)])[label["quarter"]]["engine"] == 0


def test_german_vat_rows_add_up_only_at_german_rates_with_their_arithmetic_and_the_total():
    seven = {"rate": "7", "net": "6.69", "tax": "0.47", "gross": "7.16"}
    nineteen = {"rate": "19", "net": "5.19", "tax": "0.99", "gross": "6.18"}
    assert vat_adds_up([seven], Decimal("7.16"))
    assert vat_adds_up([seven, nineteen], Decimal("13.34"))
    assert not vat_adds_up([seven], Decimal("13.34"))  # a row missing
    assert not vat_adds_up([], Decimal("7.16"))
    assert not vat_adds_up([{**seven, "rate": "25.5"}], Decimal("7.16"))  # a Finnish rate
    assert not vat_adds_up([{**seven, "tax": "0.57", "gross": "7.26"}], Decimal("7.26"))  # tax off the rate
    assert not vat_adds_up([{**seven, "gross": "7.17"}], Decimal("7.17"))  # net + tax is not the gross

"""The stored status tells the truth: processed only when total, date and VAT rows agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from docflow.pipeline.review import build_review, review_reasons
from docflow.receipts.confidence import BUSINESS_ID_ONE_READING
from docflow.receipts.extract import extract_receipt
from docflow.receipts.models import ReceiptData

TODAY = dt.date(2026, 11, 27)
HEAD = "Kauppa Oy\nY-tunnus 0112038-9\nPvm 12.03.2025\nTUOLI 100,00\nYHTEENSÄ 100,00\nKORTTI 100,00\n"


def _receipt(tail: str) -> ReceiptData:
    return extract_receipt(HEAD + tail, today=TODAY)


def _reasons(receipt: ReceiptData) -> list[str]:
    return review_reasons(receipt, duplicate_of=None, review_confidence=0.6)


def test_given_vat_rows_that_add_up_to_the_total_when_reviewed_then_the_receipt_is_processed() -> None:
    receipt = _receipt("ALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n")
    review = build_review(receipt, ocr_text="", ocr_seconds=0.1, duplicate_of=None, review_confidence=0.6)
    assert review.status == "processed"
    assert "needs_review" not in {warning["code"] for warning in review.warnings}


def test_given_a_total_without_a_vat_breakdown_when_reviewed_then_it_needs_review_with_the_reason() -> None:
    receipt = _receipt("KIITOS\n")
    review = build_review(receipt, ocr_text="", ocr_seconds=0.1, duplicate_of=None, review_confidence=0.6)
    assert review.status == "needs_review"
    assert review.warnings[-1]["code"] == "needs_review"
    assert "no_vat_breakdown" in review.warnings[-1]["reasons"].split(",")


def test_given_vat_rows_that_do_not_add_up_when_reviewed_then_the_mismatch_is_the_reason() -> None:
    receipt = _receipt("ALV% VEROTON VERO VEROLLINEN\n25,5 39,84 10,16 50,00\n")
    assert "vat_total_mismatch" in _reasons(receipt)


def test_given_a_rate_not_valid_on_the_date_when_reviewed_then_the_invalid_rate_is_the_reason() -> None:
    receipt = extract_receipt(
        "Kauppa Oy\nY-tunnus 0112038-9\nPvm 12.03.2026\nYHTEENSÄ 11,40\nKORTTI 11,40\n"
        "ALV% VEROTON VERO VEROLLINEN\n14 10,00 1,40 11,40\n",
        today=TODAY,
    )
    assert "vat_rate_invalid" in _reasons(receipt)


def test_given_a_swedish_receipt_when_stored_then_its_country_is_kept_with_the_fields() -> None:
    receipt = extract_receipt(
        "Butik AB\nOrg.nr 556677-8899\nDatum 2025-05-10\nTotalt 125,00 SEK\nMoms 25 % 25,00\nNetto 100,00\n",
        today=TODAY,
    )
    review = build_review(receipt, ocr_text="", ocr_seconds=0.1, duplicate_of=None, review_confidence=0.6)
    assert review.fields["country"]["value"] == "SE"
    assert "foreign_receipt" in {warning["code"] for warning in review.warnings}


def test_given_a_refund_whose_rows_add_up_when_reviewed_then_it_is_processed_with_negative_vat() -> None:
    receipt = extract_receipt(
        "Kauppa Oy\nY-tunnus 0112038-9\nPvm 12.03.2025\nPALAUTUS\nTUOLI -100,00\nYHTEENSÄ -100,00\n"
        "KORTTI -100,00\nALV% VEROTON VERO VEROLLINEN\n25,5 -79,68 -20,32 -100,00\n",
        today=TODAY,
    )
    review = build_review(receipt, ocr_text="", ocr_seconds=0.1, duplicate_of=None, review_confidence=0.6)
    assert receipt.kind == "refund"
    assert review.status == "processed"
    assert [str(row.tax) for row in review.vat_rows] == ["-20.32"]


def test_given_a_refund_whose_rows_do_not_add_up_when_reviewed_then_it_needs_review() -> None:
    receipt = extract_receipt(
        "Kauppa Oy\nY-tunnus 0112038-9\nPvm 12.03.2025\nPALAUTUS\nTUOLI -100,00\nYHTEENSÄ -100,00\n"
        "KORTTI -100,00\nALV% VEROTON VERO VEROLLINEN\n25,5 -39,84 -10,16 -50,00\n",
        today=TODAY,
    )
    assert receipt.kind == "refund"
    assert "vat_total_mismatch" in _reasons(receipt)


def test_given_a_finnish_receipt_without_a_business_id_when_reviewed_then_it_needs_review() -> None:
    receipt = extract_receipt(
        "Kauppa Oy\nPvm 12.03.2025\nTUOLI 100,00\nYHTEENSÄ 100,00\nKORTTI 100,00\n"
        "ALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n",
        today=TODAY,
    )
    assert _reasons(receipt) == ["no_business_id"]


def test_given_a_card_slip_when_reviewed_then_it_needs_review_as_a_card_slip() -> None:
    receipt = extract_receipt(
        "Kukkakauppa Orvokki\nPvm 12.03.2025\nOSTO 24,90\nVISA **** **** **** 1234\nAID A0000000031010\n"
        "HYVÄKSYTTY\n",
        today=TODAY,
    )
    assert receipt.kind == "card_slip"
    assert "card_slip" in _reasons(receipt)


def test_given_a_total_that_nothing_confirms_when_reviewed_then_it_is_uncertain() -> None:
    # The total is read from the VAT row alone (its word lost): the row cannot confirm itself.
    receipt = extract_receipt(
        "Kauppa Oy\nY-tunnus 0112038-9\nPvm 12.03.2025\n"
        "ALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n",
        today=TODAY,
    )
    assert receipt.total is not None
    assert "total_uncertain" in _reasons(receipt)


def test_given_a_date_read_from_noise_when_reviewed_then_it_is_uncertain() -> None:
    receipt = _receipt("ALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n")
    noisy = replace(receipt, date=replace(receipt.date, confidence=0.4)) if receipt.date else receipt
    assert "date_uncertain" in _reasons(noisy)
    assert "date_uncertain" not in _reasons(receipt)


def test_given_a_y_tunnus_read_unsurely_when_reviewed_then_it_is_uncertain() -> None:
    receipt = _receipt("ALV% VEROTON VERO VEROLLINEN\n25,5 79,68 20,32 100,00\n")
    assert receipt.business_id is not None
    unsure = replace(receipt, business_id=replace(receipt.business_id, confidence=BUSINESS_ID_ONE_READING))
    assert "business_id_uncertain" in _reasons(unsure)
    assert "business_id_uncertain" not in _reasons(receipt)

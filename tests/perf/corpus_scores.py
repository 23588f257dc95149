"""Scores of the receipt corpus: per-field accuracy, VAT rows, confident errors, status, deductible VAT.

Pure functions over labels (``tests/perf/receipt_corpus``) and the engine's JSON output, so the bench
and its tests share them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

#: Fields scored per receipt, in table order.
FIELDS = ("merchant", "business_id", "date", "total", "currency", "vat_exact", "items")
#: The engine's confidence key of each field (VAT rows: the lowest row confidence; items carry none).
CONFIDENCE_KEY = {
    "merchant": "merchant",
    "business_id": "business_id",
    "date": "date",
    "total": "total",
    "currency": "currency",
    "vat_exact": "vat",
}
CONFIDENT = 0.9


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).upper()


def vat_pairs(rows: Iterable[dict[str, str]]) -> set[tuple[Decimal, Decimal]]:
    """A receipt's VAT rows as (rate, tax) pairs: what a VAT return needs of them."""
    return {(Decimal(row["rate"]).normalize(), Decimal(row["tax"])) for row in rows}


def item_amounts(items: Iterable[dict[str, Any]]) -> list[Decimal]:
    """A label's item lines as the engine reports them: each line's share of the total, a discount or
    a bottle deposit printed under an item folded into that item's amount (a deposit line under no
    item, as on a bottle return slip, is a line of its own)."""
    amounts: list[Decimal] = []
    under_item = False
    for item in items:
        if item["kind"] in ("discount", "deposit") and under_item:
            amounts[-1] += Decimal(item["amount"])
        else:
            amounts.append(Decimal(item["amount"]))
            under_item = item["kind"] in ("item", "weight")
    return amounts


def score_receipt(label: dict[str, Any], got: dict[str, Any]) -> dict[str, bool | None]:
    """Per field True/False, or None where the receipt prints no such value."""
    kind = label["kind"]
    if label["business_id"]:
        identifier: bool | None = got.get("business_id") == label["business_id"]
    else:
        identifier = got.get("vat_number") == label["vat_number"]
    if kind in ("card_slip", "deposit_return"):
        identifier = None  # such slips print no business ID
    return {
        "merchant": _norm(got.get("merchant")) in {_norm(label["merchant"]), _norm(label["company"])},
        "business_id": identifier,
        "date": got.get("date") == label["date"],
        "total": got.get("total") is not None and Decimal(got["total"]) == Decimal(label["total"]),
        "currency": (got.get("currency") or "EUR") == label["currency"],
        "vat_exact": vat_pairs(got.get("vat") or []) == vat_pairs(label["vat"]),
        # every item line in order with its amount (quantity, weight, discount and deposit lines included)
        "items": None
        if not label["items"] or kind == "card_slip"  # a card slip prints the amount, no item lines
        else [Decimal(item["amount"]) for item in got.get("items") or []] == item_amounts(label["items"]),
    }


def field_confidence(got: dict[str, Any], field_name: str) -> float | None:
    """The engine's confidence of the value it gave for ``field_name`` (None: no value)."""
    if field_name == "items":
        return None
    if field_name == "vat_exact":
        value = got.get("vat_confidence")
        return None if value is None else float(value)
    value = (got.get("confidence") or {}).get(CONFIDENCE_KEY[field_name])
    return None if value is None else float(value)


class Tally:
    """Counts of one group of receipts (a family, a tier, a split)."""

    def __init__(self) -> None:
        self.count = 0
        self.right: dict[str, int] = defaultdict(int)
        self.scored: dict[str, int] = defaultdict(int)
        self.confident_wrong: dict[str, int] = defaultdict(int)
        self.vat_tp = self.vat_expected = self.vat_predicted = 0
        self.processed = self.needs_review = self.processed_wrong_vat = 0

    def add(self, label: dict[str, Any], got: dict[str, Any], scores: dict[str, bool | None]) -> None:
        self.count += 1
        for name, ok in scores.items():
            if ok is None:
                continue
            self.scored[name] += 1
            if ok:
                self.right[name] += 1
            else:
                confidence = field_confidence(got, name)
                if confidence is not None and confidence >= CONFIDENT:
                    self.confident_wrong[name] += 1
        expected, predicted = vat_pairs(label["vat"]), vat_pairs(got.get("vat") or [])
        self.vat_tp += len(expected & predicted)
        self.vat_expected += len(expected)
        self.vat_predicted += len(predicted)
        if got.get("status") == "processed":
            self.processed += 1
            if not scores["vat_exact"]:
                self.processed_wrong_vat += 1
        else:
            self.needs_review += 1

    def accuracy(self, name: str) -> float | None:
        return self.right[name] / self.scored[name] if self.scored[name] else None

    def precision(self) -> float | None:
        return self.vat_tp / self.vat_predicted if self.vat_predicted else None

    def recall(self) -> float | None:
        return self.vat_tp / self.vat_expected if self.vat_expected else None

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "accuracy": {name: self.accuracy(name) for name in FIELDS},
            "confident_wrong": {name: self.confident_wrong[name] for name in FIELDS},
            "vat_precision": self.precision(),
            "vat_recall": self.recall(),
            "processed": self.processed,
            "needs_review": self.needs_review,
            "processed_wrong_vat": self.processed_wrong_vat,
        }


def _quarter(iso_date: str) -> str:
    year, month = int(iso_date[:4]), int(iso_date[5:7])
    return f"{year}Q{(month - 1) // 3 + 1}"


def deductible_by_quarter(
    pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]],
) -> dict[str, dict[str, Decimal]]:
    """Per quarter: the true deductible Finnish VAT and what the engine would book automatically.

    Truth: the tax of every Finnish receipt whose VAT is deductible, by its date's quarter. Engine: the
    tax of the read VAT rows of those receipts it would store ``processed``, by the read date's quarter
    (a wrong date books the VAT in another quarter, as it would in the VAT return).
    """
    quarters: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"truth": Decimal(0), "engine": Decimal(0)})
    for label, got in pairs:
        if label["country"] != "FI" or not label["deductible_fi"]:
            continue
        quarters[label["quarter"]]["truth"] += sum((Decimal(row["tax"]) for row in label["vat"]), Decimal(0))
        if got.get("status") == "processed" and got.get("date"):
            booked = sum((Decimal(row["tax"]) for row in got.get("vat") or []), Decimal(0))
            quarters[_quarter(got["date"])]["engine"] += booked
    return dict(sorted(quarters.items()))


def percent_error(truth: Decimal, engine: Decimal) -> float | None:
    """``(engine - truth) / truth`` in percent (None when the truth is zero)."""
    return None if truth == 0 else float((engine - truth) / truth * 100)


#: German VAT rates of the scans' years (7 % reduced, 19 % standard; 5 % and 16 % from July to
#: December 2020): Umsatzsteuergesetz section 12, and the Zweites Corona-Steuerhilfegesetz of 29 June 2020.
GERMAN_RATES = frozenset(Decimal(rate) for rate in ("5", "7", "16", "19"))


def vat_adds_up(rows: Iterable[dict[str, str]], total: Decimal) -> bool:
    """Whether VAT rows read from a receipt whose rows are not labelled hold together: each at a
    German rate, ``net + tax = gross`` and ``tax = net x rate`` within a cent, their gross amounts
    adding up to the labelled ``total``."""
    rows = list(rows)
    if not rows:
        return False
    for row in rows:
        rate, net, tax, gross = (Decimal(row[key]) for key in ("rate", "net", "tax", "gross"))
        if rate not in GERMAN_RATES or net + tax != gross or abs(net * rate / 100 - tax) > Decimal("0.01"):
            return False
    return sum(Decimal(row["gross"]) for row in rows) == total


def score_german_scan(label: dict[str, Any], got: dict[str, Any]) -> dict[str, bool | None]:
    """Real German scans: total and date by value, the chain's name within the read merchant, the
    number of article lines (items), and VAT rows that add up (:func:`vat_adds_up`; the scans' rows
    are not labelled, so this is what can be told of them)."""
    merchant = _norm(got.get("merchant"))
    return {
        "merchant": bool(merchant) and _norm(label["merchant"]) in merchant,
        "date": got.get("date") == label["date"],
        "total": got.get("total") is not None and Decimal(got["total"]) == Decimal(label["total"]),
        "items": None if label.get("items") is None else len(got.get("items") or []) == label["items"],
        "vat_adds_up": vat_adds_up(got.get("vat") or [], Decimal(label["total"])),
    }

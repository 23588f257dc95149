"""The second reading's figures on the receipt benchmark corpus (a table, not a test).

Each receipt is read by the engine (OCR + extraction); for those it leaves in ``needs_review``:

- **oracle**: a model answering the ground truth. A receipt is *lifted* when, after taking the values
  that pass the checks (``docflow.ai.checks``), its total, date and VAT rows are present and agree
  (what ``second_reading`` needs to set it ``processed``). The share lifted is the ceiling of this path:
  the checks also require each value to be printed in the OCR text, so OCR damage caps it.
- **faulty**: the truth, but 30 % of answers carry one fault (wrong total, broken Y-tunnus, a VAT row
  with a rate not valid on the date, an inconsistent VAT row, malformed JSON). Counted: values accepted
  that differ from the truth (must be 0 where a check can see it), accepted, rejected and the reasons.
- **overhead**: our side of one call (scrubbing, prompt, parsing, checks), per receipt.

    python -m tests.perf.bench_ai [--corpus DIR] [--limit N] [--seed S]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import random
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.perf.bench_receipts import TODAY
from tests.support.paths import REPO_ROOT

FAULTS = ("wrong_total", "broken_ytunnus", "rate_not_valid", "inconsistent_vat_row", "malformed_json")


def _truth(label: dict[str, Any]) -> dict[str, Any]:
    return {
        "merchant": label.get("merchant"),
        "business_id": label.get("business_id"),
        "date": label.get("date"),
        "total": label.get("total"),
        "vat": [{k: row[k] for k in ("rate", "net", "tax", "gross")} for row in label.get("vat") or []],
    }


def _faulty(truth: dict[str, Any], fault: str) -> str:
    answer = json.loads(json.dumps(truth))
    if fault == "wrong_total" and answer["total"]:
        answer["total"] = str(Decimal(answer["total"]) + Decimal("10.00"))
    elif fault == "broken_ytunnus" and answer["business_id"]:
        body, digit = answer["business_id"].split("-")
        answer["business_id"] = f"{body}-{(int(digit) + 1) % 10}"
    elif fault == "rate_not_valid" and answer["vat"]:
        answer["vat"][0]["rate"] = "24" if answer["vat"][0]["rate"] == "25.5" else "25.5"
    elif fault == "inconsistent_vat_row" and answer["vat"]:
        row = answer["vat"][0]
        row["gross"] = str(Decimal(row["gross"]) + Decimal("1.00"))
        row["net"] = str(Decimal(row["net"]) + Decimal("1.00"))  # looks valid: net + tax != gross
    elif fault == "malformed_json":
        return json.dumps(answer)[:-3]
    return json.dumps(answer)


def _known(receipt: Any) -> Any:
    from docflow.ai.checks import Known, VatLine

    return Known(
        date=receipt.date.value if receipt.date else None,
        vat=tuple(VatLine(r.rate, r.net, r.tax, r.gross) for r in receipt.vat),
        country=receipt.country.value if receipt.country else None,
    )


def _values(receipt: Any) -> dict[str, Any]:
    return {
        "merchant": receipt.merchant.value if receipt.merchant else None,
        "business_id": receipt.business_id.value if receipt.business_id else None,
        "date": receipt.date.value if receipt.date else None,
        "total": receipt.total.value if receipt.total else None,
    }


def _lifted(receipt: Any, verdicts: dict[str, Any]) -> bool:
    from docflow.ai.reading import _consistent

    known = _known(receipt)
    values = _values(receipt)
    taken = {name: v.value for name, v in verdicts.items() if v.accepted}
    rows = taken.get("vat", known.vat)
    return _consistent(taken.get("total", values["total"]), taken.get("date", values["date"]), rows)


def _wrong(verdicts: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    wrong = []
    for name, verdict in verdicts.items():
        if not verdict.accepted:
            continue
        expected = truth.get(name)
        if name == "vat":
            got = [(r.rate, r.net, r.tax, r.gross) for r in verdict.value]
            want = [tuple(Decimal(row[k]) for k in ("rate", "net", "tax", "gross")) for row in expected]
            ok = got == want
        elif name == "total":
            ok = verdict.value == Decimal(expected)
        elif name == "date":
            ok = verdict.value == dt.date.fromisoformat(expected)
        else:
            ok = str(verdict.value).casefold() == str(expected).casefold()
        if not ok:
            wrong.append(name)
    return wrong


def _read(image: Path) -> tuple[Any, str] | None:
    from docflow.ocr import DocumentError, read_document
    from docflow.ocr.engine_choice import default_engine
    from docflow.receipts.extract import extract_receipt

    try:
        result = read_document(image.read_bytes(), filename=image.name, engine=default_engine())
    except DocumentError:
        return None
    return extract_receipt(result.lines, today=TODAY), result.text


def main(argv: list[str] | None = None) -> int:
    from docflow.ai.checks import check_reading
    from docflow.ai.client import _parse
    from docflow.ai.reading import build_prompt
    from docflow.pipeline.review import decide_status

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT / ".local" / "bench" / "corpus-2026-4")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").read_text().splitlines()][
        : args.limit
    ]
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    faults: collections.Counter[str] = collections.Counter()
    overhead: list[float] = []
    wrong_accepted: list[str] = []
    for label in labels:
        read = _read(args.corpus / label["image"])
        if read is None:
            counts["unreadable"] += 1
            continue
        receipt, text = read
        if decide_status(receipt, duplicate_of=None, review_confidence=0.6) != "needs_review":
            counts["processed_by_engine"] += 1
            continue
        counts["needs_review"] += 1
        truth = _truth(label)
        known = _known(receipt)
        started = time.perf_counter()
        build_prompt(text, 4000)
        data = _parse(json.dumps(truth))
        assert data is not None
        oracle = check_reading(data, text=text, known=known, today=TODAY)
        overhead.append((time.perf_counter() - started) * 1000)
        counts["lifted_by_oracle"] += _lifted(receipt, oracle)
        for verdict in oracle.values():
            if verdict.reason:
                reasons[f"oracle:{verdict.reason}"] += 1
        fault = rng.choice(FAULTS) if rng.random() < 0.3 else None
        answer = _parse(_faulty(truth, fault) if fault else json.dumps(truth))
        faults[fault or "none"] += 1
        if answer is None:
            counts["rejected_values"] += 5
            reasons["faulty:malformed_json"] += 1
            continue
        verdicts = check_reading(answer, text=text, known=known, today=TODAY)
        counts["accepted_values"] += sum(v.accepted for v in verdicts.values())
        counts["rejected_values"] += sum(not v.accepted for v in verdicts.values())
        for verdict in verdicts.values():
            if verdict.reason:
                reasons[f"faulty:{verdict.reason}"] += 1
        wrong_accepted += [f"{label['id']}:{name}:{fault}" for name in _wrong(verdicts, truth)]
    review = counts["needs_review"] or 1
    lifted = counts["lifted_by_oracle"]
    print(
        f"receipts {len(labels)}, engine processed {counts['processed_by_engine']}, "
        f"needs review {counts['needs_review']}, unreadable {counts['unreadable']}"
    )
    print(f"oracle: lifted {lifted} of {counts['needs_review']} needs review ({100 * lifted / review:.1f} %)")
    print(f"faulty (30 %): faults {dict(faults)}")
    print(
        f"  values accepted {counts['accepted_values']}, rejected {counts['rejected_values']}, "
        f"wrong accepted {len(wrong_accepted)}"
    )
    for item in wrong_accepted[:20]:
        print(f"    wrong: {item}")
    print("  reasons: " + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))
    if overhead:
        median, worst = statistics.median(overhead), max(overhead)
        print(f"overhead per call: median {median:.2f} ms, max {worst:.2f} ms (n={len(overhead)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

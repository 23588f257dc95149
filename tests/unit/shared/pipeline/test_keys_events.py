"""Upload keys, S3 event parsing and the export dialects, without a database."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from docflow.pipeline.events import EventError, is_s3_event, parse_s3_event
from docflow.pipeline.keys import build_upload_key, parse_upload_key, safe_filename

TENANT, RECEIPT = uuid.uuid4(), uuid.uuid4()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("kuitti.jpg", "kuitti.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Kuitti 1.PNG", "Kuitti_1.png"),
        ("Ääkköset öljy.pdf", "Aakkoset_oljy.pdf"),
        ("<script>.png", "script.png"),
        ("....", "receipt"),
        ("a" * 300 + ".jpeg", "a" * 95 + ".jpeg"),
    ],
)
def test_safe_filename(given: str, expected: str) -> None:
    assert safe_filename(given) == expected


def test_keys_round_trip_and_reject_everything_else() -> None:
    key = build_upload_key("incoming", TENANT, RECEIPT, "kuitti.jpg")
    assert key == f"incoming/{TENANT}/{RECEIPT}/kuitti.jpg"
    parsed = parse_upload_key("incoming", key)
    assert parsed is not None
    assert (parsed.tenant_id, parsed.receipt_id, parsed.filename) == (TENANT, RECEIPT, "kuitti.jpg")
    for bad in (
        f"outgoing/{TENANT}/{RECEIPT}/kuitti.jpg",
        f"incoming/{TENANT}/kuitti.jpg",
        f"incoming/{TENANT}/{RECEIPT}/a/kuitti.jpg",
        f"incoming/{str(TENANT).upper()}/{RECEIPT}/kuitti.jpg",
        f"incoming/{TENANT}/{RECEIPT}/../kuitti.jpg",
        f"incoming/not-a-uuid/{RECEIPT}/kuitti.jpg",
    ):
        assert parse_upload_key("incoming", bad) is None, bad
    with pytest.raises(ValueError, match="sanitised"):
        build_upload_key("incoming", TENANT, RECEIPT, "../x.jpg")


def _record(key: str, name: str = "ObjectCreated:Put", **obj: object) -> dict[str, object]:
    return {
        "eventSource": "aws:s3",
        "eventName": name,
        "s3": {
            "bucket": {"name": "docflow-receipts-dev"},
            "object": {"key": key, "sequencer": "0A1B", **obj},
        },
    }


def test_s3_events_are_typed_and_keys_decoded() -> None:
    event = {
        "Records": [
            _record("incoming/t/r/K-Market+kuitti%C3%84.jpg", size=10, versionId="v1"),
            _record("incoming/x", name="ObjectRemoved:Delete"),
        ]
    }
    assert is_s3_event(event)
    [record] = parse_s3_event(event)
    assert record.key == "incoming/t/r/K-Market kuittiÄ.jpg"
    assert (record.size, record.version_id, record.sequence) == (10, "v1", 0x0A1B)
    assert not is_s3_event({"version": "2.0", "routeKey": "POST /api/v1/ocr"})
    assert parse_s3_event({"Records": []}) == []
    with pytest.raises(EventError):
        parse_s3_event({"Service": "Amazon S3", "Event": "s3:TestEvent"})
    with pytest.raises(EventError):
        parse_s3_event({"Records": [_record("k", sequencer="not hex")]})


def test_finnish_export_dialect() -> None:
    from docflow_receipts_api.export import fi_date, fi_decimal, render

    assert fi_decimal(Decimal("1234.5")) == "1234,50"
    assert fi_date(dt.date(2026, 3, 7)) == "07.03.2026"
    receipt = {
        "id": RECEIPT,
        "receipt_date": dt.date(2026, 3, 7),
        "merchant": "Kahvila; Oy",
        "business_id": "1234567-1",
        "total": Decimal("12.40"),
        "currency": "EUR",
        "category": None,
        "status": "processed",
        "vat_rows": [{"rate": 13.5, "net": 10.93, "tax": 1.47, "gross": 12.4}],
    }
    text = b"".join(render([receipt], "csv-fi")).decode("utf-8")
    assert text.startswith("\ufeffPäivämäärä;Myyjä;")
    assert text.splitlines()[1] == f'07.03.2026;"Kahvila; Oy";1234567-1;10,93;1,47;12,40;13,5;;{RECEIPT}'

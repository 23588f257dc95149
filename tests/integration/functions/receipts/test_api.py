"""The receipts routes: presigned upload policy, tenant isolation, mass assignment, corrections,
listing with filters and cursors, exports, delete and reprocess."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from docflow.pipeline.runner import process_record
from docflow.tenancy import Role
from tests.support.demo import DEMO_OY as TENANT_A
from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.receipt_pipeline import FakeScan, Uploaded, presign, record_for

pytestmark = pytest.mark.db

Headers = Callable[..., dict[str, str]]
Db = Callable[..., Any]


def insert_receipt(db: Db, tenant: uuid.UUID = TENANT_A, **columns: Any) -> uuid.UUID:
    """A processed receipt written behind the API's back (listing and export tests)."""
    receipt_id = uuid.uuid4()
    values = {
        "id": receipt_id,
        "tenant_id": tenant,
        "status": "processed",
        "object_key": f"incoming/{tenant}/{receipt_id}/kuitti.png",
        "size_bytes": 100,
        "content_type": "image/png",
        "original_filename": "kuitti.png",
        **columns,
    }
    vat_rows = values.pop("vat_rows", [])
    insert = sql.SQL("insert into public.receipts ({}) values ({})").format(
        sql.SQL(", ").join(sql.Identifier(name) for name in values),
        sql.SQL(", ").join(sql.Placeholder() for _ in values),
    )
    db(insert, *values.values())
    for position, (rate, net, tax, gross) in enumerate(vat_rows):
        db(
            "insert into public.receipt_vat_rows (tenant_id, receipt_id, position, rate, net, tax, gross)"
            " values (%s, %s, %s, %s, %s, %s, %s)",
            tenant,
            receipt_id,
            position,
            rate,
            net,
            tax,
            gross,
        )
    return receipt_id


def test_presigned_post_pins_key_type_length_and_expiry(client: TestClient, headers: Headers) -> None:
    upload = presign(
        client, headers(), filename="../../Kuitti ÄÖ <1>.JPG", content_type="image/jpeg", size=4321
    )
    fields = upload["upload"]["fields"]
    policy = json.loads(base64.b64decode(fields["policy"]))
    key = fields["key"]
    assert key == f"incoming/{TENANT_A}/{upload['receipt_id']}/Kuitti_AO_1.jpg"
    assert {"key": key} in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert ["content-length-range", 4321, 4321] in policy["conditions"]
    expires = dt.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=600)
    assert upload["status"] == "pending"


@pytest.mark.parametrize(
    ("file", "status"),
    [
        ({"filename": "kuitti.html", "content_type": "text/html", "size_bytes": 10}, 415),
        ({"filename": "kuitti.php", "content_type": "image/png", "size_bytes": 10}, 415),
        ({"filename": "kuitti.pdf", "content_type": "image/png", "size_bytes": 10}, 415),
        ({"filename": "kuitti.svg", "content_type": "image/svg+xml", "size_bytes": 10}, 415),
        ({"filename": "kuitti.png", "content_type": "image/png", "size_bytes": 16 * 1024 * 1024}, 413),
        ({"filename": "kuitti.png", "content_type": "image/png", "size_bytes": 0}, 422),
    ],
)
def test_uploads_refuse_unaccepted_files_before_creating_anything(
    client: TestClient, headers: Headers, db: Db, file: dict[str, Any], status: int
) -> None:
    before = db("select count(*) as n from public.receipts")[0]["n"]
    response = client.post("/api/v1/receipts/uploads", json={"files": [file]}, headers=headers())
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert db("select count(*) as n from public.receipts")[0]["n"] == before


def test_several_files_at_once_and_viewers_may_not_upload(client: TestClient, headers: Headers) -> None:
    files = [{"filename": f"k{i}.png", "content_type": "image/png", "size_bytes": 100 + i} for i in range(3)]
    response = client.post("/api/v1/receipts/uploads", json={"files": files}, headers=headers())
    assert response.status_code == 201
    assert [u["filename"] for u in response.json()["uploads"]] == ["k0.png", "k1.png", "k2.png"]
    viewer = client.post("/api/v1/receipts/uploads", json={"files": files}, headers=headers(role=Role.VIEWER))
    assert viewer.status_code == 403


@pytest.mark.parametrize(
    "extra", [{"tenant_id": str(TENANT_B)}, {"status": "processed"}, {"created_at": "2020-01-01T00:00:00Z"}]
)
def test_mass_assignment_on_upload_is_refused(
    client: TestClient, headers: Headers, extra: dict[str, str]
) -> None:
    file = {"filename": "k.png", "content_type": "image/png", "size_bytes": 10}
    assert (
        client.post(
            "/api/v1/receipts/uploads", json={"files": [file], **extra}, headers=headers()
        ).status_code
        == 422
    )
    nested = {**file, **extra}
    assert (
        client.post("/api/v1/receipts/uploads", json={"files": [nested]}, headers=headers()).status_code
        == 422
    )


@pytest.mark.parametrize(
    "body",
    [
        {"tenant_id": str(TENANT_B)},
        {"status": "processed"},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"corrected_fields": []},
        {"merchant": "X", "deleted_at": None},
    ],
)
def test_mass_assignment_on_patch_changes_nothing(
    client: TestClient, headers: Headers, db: Db, body: dict[str, Any]
) -> None:
    receipt_id = insert_receipt(db, merchant="Alkuperäinen", status="needs_review")
    before = db("select * from public.receipts where id = %s", receipt_id)
    response = client.patch(f"/api/v1/receipts/{receipt_id}", json=body, headers=headers())
    assert response.status_code == 422
    assert db("select * from public.receipts where id = %s", receipt_id) == before


def test_tenant_b_gets_404_for_tenant_a_receipts_on_every_route(
    client: TestClient, headers: Headers, db: Db
) -> None:
    receipt_id = insert_receipt(
        db, merchant="Salainen Oy", receipt_date=dt.date(2018, 1, 5), total=Decimal("9.99")
    )
    other = headers(TENANT_B)
    path = f"/api/v1/receipts/{receipt_id}"
    assert client.get(path, headers=other).status_code == 404
    assert client.patch(path, json={"merchant": "Murto"}, headers=other).status_code == 404
    assert client.delete(path, headers=other).status_code == 404
    assert client.post(f"{path}/reprocess", headers=other).status_code == 404
    listed = client.get("/api/v1/receipts", params={"merchant": "Salainen"}, headers=other)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    exported = client.get(
        "/api/v1/receipts/export",
        params={"from": "2018-01-01", "to": "2018-01-31", "format": "json"},
        headers=other,
    )
    assert str(receipt_id) not in exported.text
    not_found = client.get(f"/api/v1/receipts/{uuid.uuid4()}", headers=other)
    assert not_found.json()["detail"] == client.get(path, headers=other).json()["detail"]
    assert db("select merchant, deleted_at from public.receipts where id = %s", receipt_id) == [
        {"merchant": "Salainen Oy", "deleted_at": None}
    ]
    assert client.get(path, headers=headers()).status_code == 200


def test_corrections_are_validated_marked_and_audited(client: TestClient, headers: Headers, db: Db) -> None:
    receipt_id = insert_receipt(
        db,
        status="needs_review",
        merchant="K-MARKFT",
        total=Decimal("5.35"),
        receipt_date=dt.date(2026, 3, 12),
        fields=json.dumps({"merchant": {"value": "K-MARKFT", "confidence": 0.4}}),
        vat_rows=[("13.5", "4.71", "0.64", "5.35")],
    )
    path = f"/api/v1/receipts/{receipt_id}"
    invalid: list[dict[str, Any]] = [
        {"business_id": "1234567-2"},
        {"date": (dt.date.today() + dt.timedelta(days=2)).isoformat()},
        {"vat_rows": [{"rate": "13.5", "net": "4.71", "tax": "0.70", "gross": "5.35"}]},
        {"vat_rows": [{"rate": "24", "net": "4.31", "tax": "1.04", "gross": "5.35"}]},
        {"total": "6.00"},
        {"merchant": None},
    ]
    for body in invalid:
        response = client.patch(path, json=body, headers=headers())
        assert response.status_code == 422, body
    assert (
        client.patch(path, json={"merchant": "K-Market"}, headers=headers(role=Role.VIEWER)).status_code
        == 403
    )
    good = {
        "merchant": "K-Market Kallio",
        "business_id": "1234567-1",
        "category": "groceries",
        "vat_rows": [{"rate": "13.5", "net": "4.71", "tax": "0.64", "gross": "5.35"}],
    }
    response = client.patch(path, json=good, headers=headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["merchant"] == "K-Market Kallio"
    assert body["fields"]["merchant"] == {"value": "K-Market Kallio", "confidence": 1.0, "corrected": True}
    assert sorted(body["corrected_fields"]) == ["business_id", "category", "merchant", "vat"]
    # A row a person entered is certain.
    assert body["vat_rows"] == [
        {"rate": "13.50", "net": "4.71", "tax": "0.64", "gross": "5.35", "confidence": 1.0}
    ]
    audit = db("select action, details from public.audit_log where target_id = %s", str(receipt_id))
    assert audit == [
        {"action": "receipt.corrected", "details": {"fields": ["business_id", "category", "merchant", "vat"]}}
    ]


def test_detail_shows_history_and_a_short_lived_download_url(
    client: TestClient,
    headers: Headers,
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
) -> None:
    uploaded = upload(receipt_png)
    process_record(record_for(uploaded.key))
    body = client.get(f"/api/v1/receipts/{uploaded.receipt_id}", headers=headers()).json()
    assert [h["to_status"] for h in body["status_history"]] == ["pending", "processing", "processed"]
    assert body["fields"]["total"]["corrected"] is False
    assert "X-Amz-Expires=300" in body["download_url"] or "Expires=" in body["download_url"]
    import httpx

    assert httpx.get(body["download_url"], timeout=10).content == receipt_png


def test_list_filters_and_cursor_pages_are_stable(client: TestClient, headers: Headers, db: Db) -> None:
    category = f"cat-{uuid.uuid4().hex[:8]}"
    ids = [
        insert_receipt(
            db,
            category=category,
            merchant=f"Kauppa {i}",
            total=Decimal(10 * i),
            receipt_date=dt.date(2025, 1, 1 + i),
            ocr_text=f"kuitti numero {i} {'kahvi' if i % 2 else 'tee'}",
            status="processed" if i % 3 else "needs_review",
        )
        for i in range(7)
    ]
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"category": category, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/receipts", params=params, headers=headers()).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(str(i) for i in ids)
    assert len(seen) == len(set(seen))

    def query(**params: Any) -> set[str]:
        response = client.get("/api/v1/receipts", params={"category": category, **params}, headers=headers())
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert query(q="kahvi") == {str(ids[i]) for i in (1, 3, 5)}
    assert query(min_total="20", max_total="40") == {str(ids[i]) for i in (2, 3, 4)}
    assert query(**{"from": "2025-01-03", "to": "2025-01-04"}) == {str(ids[i]) for i in (2, 3)}
    assert query(status="needs_review") == {str(ids[i]) for i in (0, 3, 6)}
    assert query(merchant="kauppa 6") == {str(ids[6])}
    assert client.get("/api/v1/receipts", params={"limit": 101}, headers=headers()).status_code == 422
    assert (
        client.get("/api/v1/receipts", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=headers()).status_code
        == 422
    )
    assert (
        client.get("/api/v1/receipts", params={"tenant_id": str(TENANT_B)}, headers=headers()).status_code
        == 422
    )


def test_exports_in_finnish_and_plain_dialects(client: TestClient, headers: Headers, db: Db) -> None:
    day = dt.date(2017, 6, 1)
    first = insert_receipt(
        db,
        merchant='=HYPERLINK("http://x")',
        business_id="1234567-1",
        total=Decimal("1234.50"),
        receipt_date=day,
        category="tarvikkeet",
        vat_rows=[("25.5", "900.00", "229.50", "1129.50"), ("14", "92.11", "12.89", "105.00")],
    )
    insert_receipt(db, merchant="Kahvila", total=Decimal("4.20"), receipt_date=day + dt.timedelta(days=1))
    params = {"from": "2017-06-01", "to": "2017-06-30"}
    fi = client.get("/api/v1/receipts/export", params={**params, "format": "csv-fi"}, headers=headers())
    assert fi.status_code == 200
    assert fi.headers["cache-control"] == "no-store"
    assert fi.content.startswith(b"\xef\xbb\xbf")
    lines = fi.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["Päivämäärä", "Myyjä", "Y-tunnus"]
    rows = [line.split(";") for line in lines[1:]]
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("01.06.2017", "900,00", "229,50", "1129,50", "25,5"),
        ("01.06.2017", "92,11", "12,89", "105,00", "14"),
        ("02.06.2017", "", "", "4,20", ""),
    ]
    assert all(r[-1] for r in rows)
    assert "'=HYPERLINK" in lines[1]
    plain = client.get("/api/v1/receipts/export", params={**params, "format": "csv"}, headers=headers())
    assert plain.text.splitlines()[1].startswith(f"{first},2017-06-01,")
    as_json = client.get(
        "/api/v1/receipts/export", params={**params, "format": "json"}, headers=headers()
    ).json()
    assert [r["total"] for r in as_json] == ["1234.50", "4.20"]
    assert as_json[0]["vat_rows"][0]["rate"] == 25.5
    too_long = client.get(
        "/api/v1/receipts/export", params={"from": "2017-01-01", "to": "2019-01-01"}, headers=headers()
    )
    assert too_long.status_code == 422


def test_an_export_larger_than_one_response_may_carry_is_refused(
    client: TestClient, headers: Headers, db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow_receipts_api import routes

    day = dt.date(2016, 3, 1)
    for index in range(3):
        insert_receipt(db, merchant=f"Kauppa {index}", total=Decimal("10.00"), receipt_date=day)
    params = {"from": "2016-03-01", "to": "2016-03-31", "format": "csv"}
    fits = client.get("/api/v1/receipts/export", params=params, headers=headers())
    assert fits.status_code == 200
    monkeypatch.setattr(routes, "MAX_EXPORT_BYTES", len(fits.content) - 1)
    refused = client.get("/api/v1/receipts/export", params=params, headers=headers())
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "shorter range" in refused.json()["detail"]


def test_delete_hides_the_receipt_and_tags_the_original(
    *,
    client: TestClient,
    headers: Headers,
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    db: Db,
    s3_bucket: str,
) -> None:
    from docflow.aws import s3_client

    uploaded = upload(receipt_png)
    path = f"/api/v1/receipts/{uploaded.receipt_id}"
    assert client.delete(path, headers=headers(role=Role.VIEWER)).status_code == 403
    assert client.delete(path, headers=headers()).status_code == 204
    assert client.get(path, headers=headers()).status_code == 404
    assert client.delete(path, headers=headers()).status_code == 404
    tags = s3_client().get_object_tagging(Bucket=s3_bucket, Key=uploaded.key)["TagSet"]
    assert {"Key": "docflow-deleted", "Value": "true"} in tags
    assert db("select action from public.audit_log where target_id = %s", str(uploaded.receipt_id)) == [
        {"action": "receipt.deleted"}
    ]


def test_the_original_is_tagged_after_the_delete_is_committed_and_a_failed_tag_keeps_the_delete(
    *, client: TestClient, headers: Headers, db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docflow.aws import s3

    receipt_id = insert_receipt(db)
    seen: list[object] = []

    def tag_then_fail(bucket: str, key: str, tags: dict[str, str]) -> bool:
        seen.extend(
            db("select deleted_at is not null as deleted from public.receipts where id = %s", receipt_id)
        )
        raise ConnectionError("S3 is not reachable")

    monkeypatch.setattr(s3, "tag_object", tag_then_fail)
    assert client.delete(f"/api/v1/receipts/{receipt_id}", headers=headers()).status_code == 204
    assert seen == [{"deleted": True}]
    assert client.get(f"/api/v1/receipts/{receipt_id}", headers=headers()).status_code == 404


def test_reprocess_writes_a_new_version_that_is_processed_again(
    *,
    client: TestClient,
    headers: Headers,
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
    db: Db,
    s3_bucket: str,
) -> None:
    from docflow.aws import s3_client

    uploaded = upload(receipt_png)
    process_record(record_for(uploaded.key))
    response = client.post(f"/api/v1/receipts/{uploaded.receipt_id}/reprocess", headers=headers())
    assert response.status_code == 202
    assert db("select status from public.receipts where id = %s", uploaded.receipt_id) == [
        {"status": "pending"}
    ]
    versions = s3_client().list_object_versions(Bucket=s3_bucket, Prefix=uploaded.key)["Versions"]
    assert len(versions) == 2
    assert process_record(record_for(uploaded.key)).outcome == "processed"
    assert fake_scan.calls == 2
    db("update public.receipts set status = 'processing' where id = %s", uploaded.receipt_id)
    assert (
        client.post(f"/api/v1/receipts/{uploaded.receipt_id}/reprocess", headers=headers()).status_code == 409
    )


def test_a_receipt_links_only_to_a_client_of_its_own_tenant(
    client: TestClient, headers: Headers, db: Db
) -> None:
    receipt_id = insert_receipt(db)
    own, foreign = uuid.uuid4(), uuid.uuid4()
    for client_id, tenant in ((own, TENANT_A), (foreign, TENANT_B)):
        db(
            "insert into public.clients (id, tenant_id, kind, name) values (%s, %s, 'company', %s)",
            client_id,
            tenant,
            f"Asiakas {client_id.hex[:6]}",
        )
    path = f"/api/v1/receipts/{receipt_id}"
    assert client.patch(path, json={"client_id": str(foreign)}, headers=headers()).status_code == 422
    assert client.patch(path, json={"client_id": str(uuid.uuid4())}, headers=headers()).status_code == 422
    response = client.patch(path, json={"client_id": str(own)}, headers=headers())
    assert response.status_code == 200
    assert response.json()["client_id"] == str(own)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db("update public.receipts set client_id = %s where id = %s", foreign, receipt_id)


def test_upload_of_known_bytes_is_flagged_as_a_duplicate_at_once(
    client: TestClient,
    headers: Headers,
    upload: Callable[..., Uploaded],
    receipt_png: bytes,
    fake_scan: FakeScan,
) -> None:
    import hashlib

    first = upload(receipt_png)
    process_record(record_for(first.key))
    file = {
        "filename": "again.png",
        "content_type": "image/png",
        "size_bytes": len(receipt_png),
        "sha256": hashlib.sha256(receipt_png).hexdigest(),
    }
    response = client.post("/api/v1/receipts/uploads", json={"files": [file]}, headers=headers())
    assert response.status_code == 201
    again = response.json()["uploads"][0]
    assert again["duplicate_of"] == str(first.receipt_id)
    detail = client.get(f"/api/v1/receipts/{again['receipt_id']}", headers=headers()).json()
    assert detail["warnings"][0]["code"] == "duplicate"
    assert detail["warnings"][0]["receipt_id"] == str(first.receipt_id)
    viewer = client.get(f"/api/v1/receipts/{first.receipt_id}", headers=headers(role=Role.VIEWER))
    assert viewer.status_code == 200


def test_a_receipt_whose_upload_never_happened_can_be_reprocessed_and_deleted(
    client: TestClient, headers: Headers, s3_bucket: str
) -> None:
    created = presign(client, headers(), filename="never.png", content_type="image/png", size=10)
    assert (
        client.post(f"/api/v1/receipts/{created['receipt_id']}/reprocess", headers=headers()).status_code
        == 202
    )
    assert client.delete(f"/api/v1/receipts/{created['receipt_id']}", headers=headers()).status_code == 204

"""``docflow receipts upload``: presign, post, wait, summarise (no server: a stub API)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from docflow.receipts import upload
from docflow.receipts.upload import Api, Progress, upload_all


class StubApi(Api):
    """Answers the two calls the command makes; a receipt turns terminal on its second read."""

    def __init__(self) -> None:
        super().__init__("http://api.invalid", "token")
        self.reads: dict[str, int] = {}
        self.created: list[dict[str, Any]] = []

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if method == "POST":
            assert body is not None
            self.created.extend(body["files"])
            start = len(self.created) - len(body["files"])
            return {
                "uploads": [
                    {"receipt_id": f"r{start + i}", "upload": {"url": "http://s3.invalid", "fields": {}}}
                    for i in range(len(body["files"]))
                ]
            }
        receipt_id = path.rsplit("/", 1)[1]
        self.reads[receipt_id] = self.reads.get(receipt_id, 0) + 1
        status = "processing" if self.reads[receipt_id] < 2 else "processed"
        return {
            "id": receipt_id,
            "status": status,
            "total": "12.40",
            "fields": {"total": {"confidence": 0.95}},
        }


def test_every_file_is_posted_and_summarised_in_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted: list[bytes] = []
    monkeypatch.setattr(upload, "post_form", lambda url, fields, data: posted.append(data))
    monkeypatch.setattr("docflow.receipts.upload.time.sleep", lambda seconds: None)
    files = []
    for index in range(3):
        path = tmp_path / f"r{index}.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([index]))
        files.append((path.name, path))
    api = StubApi()
    stream = io.StringIO()

    results = upload_all(api, files, timeout=5, progress=Progress(stream, len(files)))

    assert [r["file"] for r in results] == ["r0.png", "r1.png", "r2.png"]
    assert {r["status"] for r in results} == {"processed"}
    assert results[0]["confidence"] == {"total": 0.95}
    assert [f["content_type"] for f in api.created] == ["image/png"] * 3
    assert posted == [path.read_bytes() for _, path in files]
    assert stream.getvalue().splitlines() == [
        "uploading 1/3",
        "uploading 2/3",
        "uploading 3/3",
        "reading 1/3",
        "reading 2/3",
        "reading 3/3",
    ]


def test_a_receipt_still_processing_at_the_deadline_is_reported_as_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(upload, "post_form", lambda url, fields, data: None)
    path = tmp_path / "slow.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")

    results = upload_all(StubApi(), [(path.name, path)], timeout=0, progress=Progress(io.StringIO(), 1))

    assert results == [{"file": "slow.png", "receipt_id": "r0", "status": "timeout"}]

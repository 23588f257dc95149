"""``docflow receipts upload FILE...``: the whole receipt flow against a running DocFlow API.

For each file: create the receipt (``POST /api/v1/receipts/uploads``), upload the original with its
presigned POST, then wait until DocFlow has read it and print its fields, one JSON line per file.
Standard library HTTP only; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from docflow.receipts.scan import expand_paths

TERMINAL = frozenset({"processed", "needs_review", "failed"})
BATCH = 20


def add_upload_command(commands: Any) -> argparse.ArgumentParser:
    """``docflow receipts upload PATH... [--api URL] [--token TOKEN]``."""
    upload: argparse.ArgumentParser = commands.add_parser(
        "upload",
        help="Upload receipts to a running DocFlow and print the fields it reads.",
        description="Presign, upload, wait for processing, print one JSON line per file.",
    )
    upload.add_argument("paths", nargs="+", metavar="PATH", help="receipt files or folders of them")
    upload.add_argument(
        "--api", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}", help="API base URL"
    )
    upload.add_argument(
        "--token", default=os.environ.get("DOCFLOW_TOKEN"), help="access token (DOCFLOW_TOKEN)"
    )
    upload.add_argument("--tenant", default=None, help="tenant id (X-Tenant-Id) for users of several tenants")
    upload.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for processing")
    upload.set_defaults(handler=run_upload)
    return upload


@dataclass
class Api:
    """A tiny JSON client of the DocFlow API."""

    base: str
    token: str
    tenant: str | None = None

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One request; raises ``RuntimeError`` with the problem's title for an error status."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if self.tenant:
            headers["X-Tenant-Id"] = self.tenant
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        url = _http_url(self.base.rstrip("/") + path)
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - scheme checked
                result: dict[str, Any] = json.loads(response.read() or b"{}")
                return result
        except urllib.error.HTTPError as error:
            problem = json.loads(error.read() or b"{}")
            raise RuntimeError(
                f"{error.code} {problem.get('title', '')}: {problem.get('detail', '')}"
            ) from None


def _http_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise RuntimeError("only http(s) URLs are used")
    return url


def content_type_of(path: Path, data: bytes) -> str:
    """The type the file's bytes announce (DocFlow checks them again)."""
    from docflow.ocr.sniff import sniff_content_type

    return sniff_content_type(data[:16]) or "application/octet-stream"


def post_form(url: str, fields: dict[str, str], data: bytes) -> None:
    """Upload with a presigned POST (multipart/form-data, the file last)."""
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="receipt"\r\n'
        f"Content-Type: {fields.get('Content-Type', 'application/octet-stream')}\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    body = b"".join(parts)
    content_type = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(  # noqa: S310 - scheme checked
        _http_url(url), data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=60):  # noqa: S310 - scheme checked
        pass


def summary(name: str, receipt: dict[str, Any], seconds: float) -> dict[str, Any]:
    """What is printed for one file."""
    fields = receipt.get("fields", {})
    return {
        "file": name,
        "receipt_id": receipt["id"],
        "status": receipt["status"],
        "failure_reason": receipt.get("failure_reason"),
        "merchant": receipt.get("merchant"),
        "business_id": receipt.get("business_id"),
        "date": receipt.get("receipt_date"),
        "total": receipt.get("total"),
        "currency": receipt.get("currency"),
        "vat": receipt.get("vat_rows", []),
        "confidence": {name: item.get("confidence") for name, item in fields.items()},
        "warnings": [w.get("code") for w in receipt.get("warnings", [])],
        "seconds": round(seconds, 2),
    }


@dataclass
class Progress:
    """One status line on a stream: ``uploading 3/10`` then ``reading 7/10`` (redrawn on a terminal)."""

    stream: TextIO
    total: int
    stage: str = "uploading"
    done: int = 0

    def advance(self, stage: str) -> None:
        """Count one more file through ``stage``; the count restarts when the stage changes."""
        if stage != self.stage:
            self.stage, self.done = stage, 0
        self.done += 1
        ending = "\r" if self.stream.isatty() else "\n"
        self.stream.write(f"{self.stage} {self.done}/{self.total}{ending}")
        self.stream.flush()


def upload_all(
    api: Api, inputs: Sequence[tuple[str, Path]], *, timeout: float, progress: Progress
) -> list[dict[str, Any]]:
    """Upload every file, then wait for each receipt; results in input order."""
    pending: list[tuple[str, str, float]] = []
    for start in range(0, len(inputs), BATCH):
        batch = [(name, path, path.read_bytes()) for name, path in inputs[start : start + BATCH]]
        files = [
            {"filename": path.name, "content_type": content_type_of(path, data), "size_bytes": len(data)}
            for _, path, data in batch
        ]
        created = api.call("POST", "/api/v1/receipts/uploads", {"files": files})["uploads"]
        for (name, _, data), upload in zip(batch, created, strict=True):
            post_form(upload["upload"]["url"], upload["upload"]["fields"], data)
            pending.append((name, upload["receipt_id"], time.monotonic()))
            progress.advance("uploading")
    results: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(results) < len(pending) and time.monotonic() < deadline:
        for name, receipt_id, started in pending:
            if receipt_id in results:
                continue
            receipt = api.call("GET", f"/api/v1/receipts/{receipt_id}")
            if receipt["status"] in TERMINAL:
                results[receipt_id] = summary(name, receipt, time.monotonic() - started)
                progress.advance("reading")
        time.sleep(0.2)
    return [
        results.get(rid) or {"file": name, "receipt_id": rid, "status": "timeout"} for name, rid, _ in pending
    ]


def run_upload(args: argparse.Namespace) -> int:
    """Upload, wait, print; exit status 1 when a file failed or timed out."""
    if not args.token:
        print("an access token is needed: --token or DOCFLOW_TOKEN (see `docflow token`)", file=sys.stderr)
        return 2
    inputs = expand_paths(list(args.paths))
    missing = [name for name, path in inputs if not path.is_file()]
    if missing:
        print(f"not a file: {', '.join(missing)}", file=sys.stderr)
        return 2
    api = Api(args.api, args.token, args.tenant)
    try:
        results = upload_all(api, inputs, timeout=args.timeout, progress=Progress(sys.stderr, len(inputs)))
    except (RuntimeError, OSError) as error:
        print(f"upload failed: {error}", file=sys.stderr)
        return 1
    for result in results:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0 if all(r["status"] in {"processed", "needs_review"} for r in results) else 1

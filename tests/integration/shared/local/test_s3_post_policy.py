"""The local S3 enforces presigned POST policies as S3 does: each pin of the upload policy (key,
content type, length, expiry, the signed policy itself) is refused with S3's error."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.support.demo import ESIMERKKI as TENANT_B
from tests.support.receipt_pipeline import presign

pytestmark = pytest.mark.db


def _post(form: dict[str, Any], data: bytes, **overrides: str) -> httpx.Response:
    fields = {**form["fields"], **overrides}
    return httpx.post(form["url"], data=fields, files={"file": ("kuitti.png", data)}, timeout=10)


def _error(response: httpx.Response) -> tuple[str, str]:
    import re

    def tag(name: str) -> str:
        found = re.search(rf"<{name}>(.*?)</{name}>", response.text)
        return found.group(1).replace("&quot;", '"') if found else ""

    return tag("Code"), tag("Message")


@pytest.fixture
def form(
    client: TestClient, headers: Callable[..., dict[str, str]], receipt_png: bytes, s3_bucket: str
) -> Any:
    created = presign(
        client, headers(), filename="kuitti.png", content_type="image/png", size=len(receipt_png)
    )
    return created["upload"]


def _stored(bucket: str, key: str) -> bool:
    from docflow.aws import s3_client

    return bool(s3_client().list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount"))


def test_the_form_as_issued_is_accepted(form: Any, receipt_png: bytes, s3_bucket: str) -> None:
    assert _post(form, receipt_png).status_code == 204
    assert _stored(s3_bucket, form["fields"]["key"])


def test_another_tenants_key_is_refused(form: Any, receipt_png: bytes, s3_bucket: str) -> None:
    other = f"incoming/{TENANT_B}/{uuid.uuid4()}/kuitti.png"
    response = _post(form, receipt_png, key=other)
    assert response.status_code == 403
    code, message = _error(response)
    assert code == "AccessDenied"
    assert message.startswith('Invalid according to Policy: Policy Condition failed: {"key": ')
    assert not _stored(s3_bucket, other)


def test_a_longer_body_is_refused(form: Any, receipt_png: bytes) -> None:
    response = _post(form, receipt_png + b"\0")
    assert response.status_code == 400
    assert _error(response) == ("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")


def test_a_shorter_body_is_refused(form: Any, receipt_png: bytes) -> None:
    response = _post(form, receipt_png[:-1])
    assert response.status_code == 400
    assert _error(response)[0] == "EntityTooSmall"


def test_another_content_type_is_refused(form: Any, receipt_png: bytes) -> None:
    response = _post(form, receipt_png, **{"Content-Type": "text/html"})
    assert response.status_code == 403
    assert _error(response) == (
        "AccessDenied",
        'Invalid according to Policy: Policy Condition failed: {"Content-Type": "image/png"}',
    )


def test_a_field_the_policy_does_not_name_is_refused(form: Any, receipt_png: bytes) -> None:
    response = _post(form, receipt_png, **{"x-amz-meta-owner": "someone"})
    assert response.status_code == 403
    assert _error(response)[1] == "Invalid according to Policy: Extra input fields: x-amz-meta-owner"


def test_a_rewritten_policy_is_refused(form: Any, receipt_png: bytes) -> None:
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    policy["conditions"] = [c for c in policy["conditions"] if not isinstance(c, list)]
    forged = base64.b64encode(json.dumps(policy).encode()).decode()
    response = _post(form, receipt_png + b"longer", policy=forged)
    assert response.status_code == 403
    assert _error(response)[0] == "SignatureDoesNotMatch"


def test_an_expired_policy_is_refused(receipt_png: bytes, s3_bucket: str) -> None:
    from docflow.aws.s3 import presign_post

    key = f"incoming/{TENANT_B}/{uuid.uuid4()}/kuitti.png"
    post = presign_post(
        s3_bucket, key, content_type="image/png", min_bytes=1, max_bytes=len(receipt_png), expires_in=1
    )
    time.sleep(1.2)
    form = {"url": post.url, "fields": post.fields}
    response = _post(form, receipt_png)
    assert response.status_code == 403
    assert _error(response) == ("AccessDenied", "Invalid according to Policy: Policy expired.")
    assert not _stored(s3_bucket, key)

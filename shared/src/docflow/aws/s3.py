"""The S3 operations DocFlow uses on receipt originals, each bounded and typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docflow.aws.clients import s3_client

#: Longest lifetime of a presigned upload (the policy's expiration).
MAX_UPLOAD_URL_SECONDS = 600


@dataclass(frozen=True, slots=True)
class ObjectHead:
    """What a HEAD request says about an object, before any byte of it is read."""

    size: int
    content_type: str
    version_id: str | None = None


@dataclass(frozen=True, slots=True)
class PresignedPost:
    """Where and how a client uploads: POST ``fields`` plus the file to ``url`` before it expires."""

    url: str
    fields: dict[str, str]


#: Error codes S3 answers for a key or version that does not exist (``head_object`` has no body: 404).
MISSING_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "404", "NotFound"})


def is_missing(error: Exception) -> bool:
    """Whether a botocore ``ClientError`` says the object (or the version asked for) does not exist."""
    response = getattr(error, "response", None)
    return isinstance(response, dict) and response.get("Error", {}).get("Code") in MISSING_CODES


def _version(version_id: str | None) -> dict[str, str]:
    return {"VersionId": version_id} if version_id and version_id != "null" else {}


def head_object(bucket: str, key: str, version_id: str | None = None) -> ObjectHead:
    """Size and content type of an object (one version of it when ``version_id`` is given)."""
    head = s3_client().head_object(Bucket=bucket, Key=key, **_version(version_id))  # type: ignore[arg-type]
    version = head.get("VersionId")
    return ObjectHead(
        size=int(head["ContentLength"]),
        content_type=str(head.get("ContentType", "")),
        version_id=str(version) if version and version != "null" else None,
    )


def read_object(bucket: str, key: str, *, max_bytes: int, version_id: str | None = None) -> bytes:
    """An object's bytes, never more than ``max_bytes`` (a longer object raises ``ValueError``)."""
    response = s3_client().get_object(Bucket=bucket, Key=key, **_version(version_id))  # type: ignore[arg-type]
    body = response["Body"]
    try:
        data = body.read(max_bytes + 1)
    finally:
        body.close()
    if len(data) > max_bytes:
        raise ValueError("object is larger than announced")
    return data


def presign_post(
    bucket: str, key: str, *, content_type: str, min_bytes: int, max_bytes: int, expires_in: int
) -> PresignedPost:
    """A presigned POST whose policy pins the exact key, content type and a length range."""
    if not 0 < expires_in <= MAX_UPLOAD_URL_SECONDS:
        raise ValueError("presigned uploads expire within 10 minutes")
    conditions: list[Any] = [
        {"bucket": bucket},
        {"key": key},
        {"Content-Type": content_type},
        ["content-length-range", min_bytes, max_bytes],
    ]
    post = s3_client().generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=conditions,
        ExpiresIn=expires_in,
    )
    return PresignedPost(url=str(post["url"]), fields={k: str(v) for k, v in post["fields"].items()})


def presign_get(
    bucket: str, key: str, *, expires_in: int, filename: str, version_id: str | None = None
) -> str:
    """A short-lived download URL of an object (of that one version when ``version_id`` is given),
    served as an attachment."""
    return s3_client().generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            **_version(version_id),
        },
        ExpiresIn=expires_in,
    )


def touch_object(bucket: str, key: str, *, content_type: str, reason: str) -> None:
    """Copy an object onto itself (a new version): S3 sends a fresh ``ObjectCreated`` event for it."""
    s3_client().copy_object(
        Bucket=bucket,
        Key=key,
        CopySource={"Bucket": bucket, "Key": key},
        MetadataDirective="REPLACE",
        ContentType=content_type,
        Metadata={"docflow-reprocess": reason},
    )


def tag_object(bucket: str, key: str, tags: dict[str, str]) -> bool:
    """Replace an object's tags (lifecycle rules act on them); ``False`` when there is no such object."""
    from botocore.exceptions import ClientError

    try:
        s3_client().put_object_tagging(
            Bucket=bucket,
            Key=key,
            Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]},
        )
    except ClientError as error:
        if is_missing(error):
            return False
        raise
    return True


def upload_file(bucket: str, key: str, fileobj: Any, *, content_type: str) -> None:
    """Write a file object to ``key`` (multipart for large files, read in chunks)."""
    s3_client().upload_fileobj(fileobj, bucket, key, ExtraArgs={"ContentType": content_type})


def put_object(bucket: str, key: str, data: bytes, *, content_type: str) -> None:
    """Write ``data`` to ``key`` in one request (small objects: an e-mailed receipt, a raw message)."""
    s3_client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)


def object_exists(bucket: str, key: str) -> bool:
    """Whether ``key`` has a current version."""
    from botocore.exceptions import ClientError

    try:
        s3_client().head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if is_missing(error):
            return False
        raise
    return True


def read_object_head(bucket: str, key: str, *, length: int) -> bytes:
    """The first ``length`` bytes of an object (a ranged GET)."""
    response = s3_client().get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{max(length, 1) - 1}")
    body = response["Body"]
    try:
        return bytes(body.read(length))
    finally:
        body.close()

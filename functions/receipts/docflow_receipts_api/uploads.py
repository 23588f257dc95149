"""Presigned uploads: allow-listed type, size within the engine's limits, a server-generated key."""

from __future__ import annotations

import datetime as dt
import uuid

from docflow.config import get_settings
from docflow.errors import PayloadTooLarge, UnsupportedMediaType
from docflow.pipeline.keys import EXTENSIONS, build_upload_key, safe_filename
from docflow_receipts_api.schemas import PresignedUpload, UploadFileCreate


def accepted_type(file: UploadFileCreate) -> str:
    """The normalised content type, when allow-listed and consistent with the file name (else 415)."""
    from docflow.ocr import ALLOWED_CONTENT_TYPES, DocumentError
    from docflow.ocr.sniff import normalize_declared_type, type_from_filename

    content_type = normalize_declared_type(file.content_type)
    if content_type is None or content_type not in ALLOWED_CONTENT_TYPES:
        raise UnsupportedMediaType("This file type is not accepted")
    try:
        named = type_from_filename(file.filename)
    except DocumentError:
        raise UnsupportedMediaType("The file name extension is not an accepted type") from None
    if named is not None and named != content_type:
        raise UnsupportedMediaType("The file name extension does not match the content type")
    return content_type


def check_size(file: UploadFileCreate, content_type: str) -> None:
    """Within the engine's limit for the type (else 413)."""
    from docflow.ocr import OcrLimits

    limits = OcrLimits()
    limit = limits.max_pdf_bytes if content_type == "application/pdf" else limits.max_image_bytes
    if file.size_bytes > limit:
        raise PayloadTooLarge(f"Files of this type may be at most {limit // (1024 * 1024)} MiB")


def upload_name(file: UploadFileCreate, content_type: str) -> str:
    """The sanitised name kept for the receipt and used as the last part of its key."""
    return safe_filename(file.filename, fallback_extension=EXTENSIONS[content_type])


def presign(
    tenant_id: uuid.UUID, receipt_id: uuid.UUID, name: str, content_type: str, size_bytes: int
) -> tuple[str, PresignedUpload]:
    """The object key and a presigned POST pinned to it, its type and its exact length."""
    from docflow.aws.s3 import presign_post

    settings = get_settings()
    key = build_upload_key(settings.receipts_upload_prefix, tenant_id, receipt_id, name)
    expires_in = settings.receipts_upload_url_seconds
    post = presign_post(
        settings.receipts_bucket,
        key,
        content_type=content_type,
        min_bytes=size_bytes,
        max_bytes=size_bytes,
        expires_in=expires_in,
    )
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in)
    return key, PresignedUpload(url=post.url, fields=post.fields, expires_at=expires_at)

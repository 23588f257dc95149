"""``/api/v1/receipts``: upload, list, read, correct, delete, reprocess and export receipts."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from docflow import audit
from docflow.billing import entitlements
from docflow.config import get_settings
from docflow.db import translate_errors
from docflow.errors import Conflict, NotFound, Unprocessable
from docflow.http.deps import TenantConn, TenantContext, TenantWriter
from docflow.http.pagination import Page
from docflow_receipts_api import export, queries
from docflow_receipts_api.corrections import COLUMNS, validate_update
from docflow_receipts_api.schemas import (
    ExportQuery,
    FieldPublic,
    ReceiptPublic,
    ReceiptQuery,
    ReceiptSummary,
    ReceiptUpdate,
    ReprocessPublic,
    UploadPublic,
    UploadsCreate,
    UploadsPublic,
)
from docflow_receipts_api.uploads import accepted_type, check_size, presign, upload_name

router = APIRouter(prefix="/api/v1/receipts", tags=["receipts"])

MAX_EXPORT_ROWS = 10_000
#: Lambda answers at most 6 MB through API Gateway; an export stays well below it.
MAX_EXPORT_BYTES = 5 * 1024 * 1024
NO_STORE = {"Cache-Control": "no-store"}


def _count_request(action: Literal["upload", "reprocess"], tenant: TenantContext) -> None:
    """One hit on the user's and the tenant's budget for ``action``, committed on its own (429 with
    ``Retry-After`` past either; a refused request is not counted)."""
    from docflow.ratelimit import Limit, bucket_key, enforce_rate_limits

    settings = get_settings()
    per_user, per_tenant = {
        "upload": (
            settings.receipts_upload_rate_limit_per_user,
            settings.receipts_upload_rate_limit_per_tenant,
        ),
        "reprocess": (
            settings.receipts_reprocess_rate_limit_per_user,
            settings.receipts_reprocess_rate_limit_per_tenant,
        ),
    }[action]
    window = settings.receipts_rate_limit_window_seconds
    enforce_rate_limits(
        f"receipts.{action}.rate_limit",
        Limit(bucket_key(f"receipts.{action}.user", str(tenant.user_id)), per_user, window),
        Limit(bucket_key(f"receipts.{action}.tenant", str(tenant.tenant_id)), per_tenant, window),
    )


def _load(tenant: TenantContext, receipt_id: uuid.UUID) -> dict[str, Any]:
    receipt = queries.get_receipt(tenant.conn, receipt_id)
    if receipt is None:
        raise NotFound("No such receipt")
    return receipt


@router.post("/uploads", status_code=201, summary="Create receipts and presigned uploads for files")
def create_uploads(body: UploadsCreate, tenant: TenantWriter, response: Response) -> UploadsPublic:
    """One pending receipt per file, each with a presigned POST (key, type and length pinned).
    At most ``RECEIPTS_UPLOAD_RATE_LIMIT_PER_USER`` / ``_PER_TENANT`` calls per window (429)."""
    from docflow.pipeline.review import duplicate_warning

    _count_request("upload", tenant)
    checked = [(file, accepted_type(file)) for file in body.files]
    for file, content_type in checked:
        check_size(file, content_type)
    entitlements.require(tenant.conn, entitlements.Limit.RECEIPTS_PER_MONTH, adding=len(checked))
    uploads: list[UploadPublic] = []
    for file, content_type in checked:
        receipt_id = uuid.uuid4()
        name = upload_name(file, content_type)
        key, upload = presign(tenant.tenant_id, receipt_id, name, content_type, file.size_bytes)
        duplicate = queries.find_by_hash(tenant.conn, file.sha256) if file.sha256 else None
        queries.insert_pending(
            tenant.conn,
            receipt_id=receipt_id,
            tenant_id=tenant.tenant_id,
            user_id=tenant.user_id,
            object_key=key,
            filename=name,
            content_type=content_type,
            size_bytes=file.size_bytes,
            duplicate_of=duplicate,
            warnings=[duplicate_warning(duplicate)] if duplicate else [],
        )
        uploads.append(
            UploadPublic(
                receipt_id=receipt_id, filename=name, status="pending", upload=upload, duplicate_of=duplicate
            )
        )
    response.headers.update(NO_STORE)
    return UploadsPublic(uploads=uploads)


@router.get("", summary="List receipts (newest first, cursor pagination)")
def list_receipts(
    tenant: TenantConn, params: Annotated[ReceiptQuery, Query()], response: Response
) -> Page[ReceiptSummary]:
    """Receipts of the current tenant matching every given filter."""
    response.headers.update(NO_STORE)
    return queries.list_receipts(tenant.conn, params)


@router.get("/export", summary="Export receipts for the accountant", response_class=Response)
def export_receipts(tenant: TenantConn, params: Annotated[ExportQuery, Query()]) -> Response:
    """``csv-fi``: ``;``, decimal comma, UTF-8 BOM, one row per VAT row; ``csv`` and ``json`` per receipt.
    At most ``MAX_EXPORT_ROWS`` receipts and ``MAX_EXPORT_BYTES`` of file (a 422 asks for a shorter range)."""
    date_from, date_to, export_format = params.date_from, params.date_to, params.export_format
    if date_to < date_from or (date_to - date_from).days > 366:
        raise Unprocessable("The range must run forwards and span at most a year")
    rows = queries.export_rows(tenant.conn, date_from, date_to, MAX_EXPORT_ROWS + 1)
    if len(rows) > MAX_EXPORT_ROWS:
        raise Unprocessable("Too many receipts in the range; export a shorter range")
    extension = "json" if export_format == "json" else "csv"
    filename = f"receipts-{date_from.isoformat()}-{date_to.isoformat()}.{extension}"
    body = b"".join(export.render(rows, export_format))
    if len(body) > MAX_EXPORT_BYTES:
        raise Unprocessable("The export is too large for one file; export a shorter range")
    return Response(
        body,
        media_type=export.MEDIA_TYPES[export_format],
        headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _field_public(item: object, *, corrected: bool) -> FieldPublic:
    """A stored field: ``{"value", "confidence"}`` as the pipeline writes it; a bare value (written by
    hand or by an older version) is shown with no confidence rather than failing the whole receipt."""
    if isinstance(item, dict):
        return FieldPublic(value=item.get("value"), confidence=item.get("confidence"), corrected=corrected)
    return FieldPublic(value=item, confidence=None, corrected=corrected)


def _public(receipt: dict[str, Any]) -> ReceiptPublic:
    from docflow.aws.s3 import presign_get

    settings = get_settings()
    corrected = set(receipt["corrected_fields"])
    fields = {
        name: _field_public(item, corrected=name in corrected) for name, item in receipt["fields"].items()
    }
    url = presign_get(
        settings.receipts_bucket,
        receipt["object_key"],
        expires_in=settings.receipts_download_url_seconds,
        filename=receipt["original_filename"],
        version_id=receipt["object_version_id"],
    )
    return ReceiptPublic.model_validate({**receipt, "fields": fields, "download_url": url})


@router.get("/{receipt_id}", summary="A receipt with its fields, VAT rows, items and history")
def get_receipt(receipt_id: uuid.UUID, tenant: TenantConn, response: Response) -> ReceiptPublic:
    """Everything about one receipt, and a short-lived download URL of the original."""
    response.headers.update(NO_STORE)
    return _public(_load(tenant, receipt_id))


@router.patch("/{receipt_id}", summary="Correct a receipt's fields")
def update_receipt(
    receipt_id: uuid.UUID, body: ReceiptUpdate, tenant: TenantWriter, response: Response
) -> ReceiptPublic:
    """Validated corrections; each corrected field is marked and kept when the receipt is read again."""
    from docflow.pipeline.store import replace_vat_rows

    receipt = _load(tenant, receipt_id)
    corrected = validate_update(body, receipt, dt.datetime.now(dt.UTC).date())
    if body.client_id is not None and not queries.client_exists(tenant.conn, body.client_id):
        raise Unprocessable(
            "No such client", extra={"errors": [{"field": "client_id", "message": "unknown"}]}
        )
    changes = [
        queries.Change(column=COLUMNS[name][0], field=COLUMNS[name][1], value=getattr(body, name))
        for name in sorted(body.model_fields_set)
        if name in COLUMNS
    ]
    with translate_errors():  # a receipt of a filed VAT period: 409
        queries.apply_update(tenant.conn, receipt, changes, corrected)
        if "vat_rows" in body.model_fields_set:
            rows = [row.model_dump(mode="json") for row in body.vat_rows or []]
            replace_vat_rows(tenant.conn, tenant.tenant_id, receipt_id, rows)
    audit.record_tenant_action(
        tenant,
        action="receipt.corrected",
        target_type="receipt",
        target_id=receipt_id,
        details={"fields": corrected},
    )
    response.headers.update(NO_STORE)
    return _public(_load(tenant, receipt_id))


@router.delete("/{receipt_id}", status_code=204, summary="Delete a receipt (the original is retained)")
def delete_receipt(receipt_id: uuid.UUID, tenant: TenantWriter) -> Response:
    """Soft delete; once committed, the original is tagged so the bucket's retention rule governs it
    (a failed tag is logged; the receipt stays deleted)."""
    from docflow.aws.s3 import tag_object

    receipt = _load(tenant, receipt_id)
    with translate_errors():  # a receipt of a filed VAT period: 409
        queries.soft_delete(tenant.conn, receipt_id)
    audit.record_tenant_action(tenant, action="receipt.deleted", target_type="receipt", target_id=receipt_id)
    bucket = get_settings().receipts_bucket
    tenant.after_commit(partial(tag_object, bucket, receipt["object_key"], {"docflow-deleted": "true"}))
    return Response(status_code=204)


@router.post("/{receipt_id}/reprocess", status_code=202, summary="Read a receipt again")
def reprocess_receipt(receipt_id: uuid.UUID, tenant: TenantWriter) -> ReprocessPublic:
    """Back to ``pending``; once committed, a new version of the original triggers processing. A
    receipt being processed, or queued by an earlier request less than ``RECEIPTS_LEASE_SECONDS``
    ago, is a 409 (when writing the new version failed, it can be reprocessed once that time has
    passed). At most ``RECEIPTS_REPROCESS_RATE_LIMIT_PER_USER`` / ``_PER_TENANT`` per window (429)."""
    from docflow.aws.s3 import touch_object

    _count_request("reprocess", tenant)
    receipt = _load(tenant, receipt_id)
    with translate_errors():  # a receipt of a filed VAT period: 409
        reprocessing = queries.mark_for_reprocess(
            tenant.conn, receipt_id, queued_seconds=get_settings().receipts_lease_seconds
        )
    if not reprocessing:
        raise Conflict("The receipt is already queued or being processed")
    audit.record_tenant_action(
        tenant, action="receipt.reprocess", target_type="receipt", target_id=receipt_id
    )
    tenant.after_commit(
        partial(
            touch_object,
            get_settings().receipts_bucket,
            receipt["object_key"],
            content_type=receipt["content_type"],
            reason=uuid.uuid4().hex,
        )
    )
    return ReprocessPublic(id=receipt_id, status="pending")

"""``/api/v1/clients``: the tenant's clients. Every member reads; owners, admins and members write.

Clients are archived, never deleted. Paths without an id (``/tags``, ``/export``, ``/import``) are
declared before ``/{client_id}``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from docflow.clients import ClientCreate, insert_clients
from docflow.clients.identifiers import check_vat_matches_ytunnus
from docflow.config import get_settings
from docflow.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType
from docflow.http.deps import TenantConn, TenantWriter
from docflow.http.pagination import Page
from docflow_clients import csv_io, importer, store
from docflow_clients.schemas import (
    ClientDetail,
    ClientPublic,
    ClientQuery,
    ClientUpdate,
    ContactCreate,
    ContactPublic,
    ContactUpdate,
    ImportReport,
    StatusFilter,
    TagCount,
)

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])

CSV_MEDIA_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")

_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


@router.get("", summary="List and search clients")
def list_clients(tenant: TenantConn, query: Annotated[ClientQuery, Query()]) -> Page[ClientPublic]:
    """Ordered by name; ``next_cursor`` is null on the last page."""
    return store.list_clients(tenant, query)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a client")
def create_client(body: ClientCreate, tenant: TenantWriter, response: Response) -> ClientPublic:
    """A Y-tunnus already used in this tenant is a 409."""
    (row,) = insert_clients(tenant.conn, tenant.tenant_id, [body])
    client = ClientPublic.model_validate(row)
    response.headers["Location"] = f"{router.prefix}/{client.id}"
    return client


@router.get("/tags", summary="Tags in use, with counts")
def list_tags(tenant: TenantConn) -> list[TagCount]:
    """Tags of active clients, most used first."""
    return [TagCount.model_validate(row) for row in store.tag_counts(tenant)]


@router.get(
    "/export",
    summary="Export clients as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_clients(
    tenant: TenantConn,
    export_format: Annotated[csv_io.ExportFormat, Query(alias="format")] = "csv",
    status_filter: Annotated[StatusFilter, Query(alias="status")] = "active",
) -> Response:
    """``csv``: comma-separated UTF-8; ``csv-fi``: semicolon-separated UTF-8 with BOM (Finnish Excel)."""
    body = csv_io.write_export(store.export_rows(tenant, status_filter), export_format)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="clients-{stamp}.csv"'},
    )


async def upload_bytes(request: Request) -> bytes:
    """The CSV file of an import: a ``text/csv`` body or the ``file`` part of a multipart form."""
    limit = get_settings().clients_import_max_bytes
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=5, max_part_size=limit + 1) as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise UnsupportedMediaType("Send the CSV file in the form field 'file'")
            data = await upload.read(limit + 1)
    elif media_type in CSV_MEDIA_TYPES:
        data = await request.body()
    else:
        raise UnsupportedMediaType("Send the file as text/csv or multipart/form-data")
    if len(data) > limit:
        raise PayloadTooLarge(f"An import file holds at most {limit} bytes")
    return data


@router.post("/import", summary="Import clients from CSV", openapi_extra=_IMPORT_BODY)
def import_clients(
    tenant: TenantWriter, data: Annotated[bytes, Depends(upload_bytes)], dry_run: bool = True
) -> ImportReport:
    """``dry_run=true`` (the default) reports row errors and writes nothing; ``dry_run=false`` writes
    every row, or nothing and a 422 with the report when any row is invalid. ``,`` and ``;`` files,
    with or without a BOM, are both read."""
    max_rows = get_settings().clients_import_max_rows
    return importer.run_import(tenant, data, dry_run=dry_run, max_rows=max_rows)


@router.get("/{client_id}", summary="One client with its contact persons")
def get_client(client_id: uuid.UUID, tenant: TenantConn) -> ClientDetail:
    row = store.get_client(tenant, client_id)
    contacts = [ContactPublic.model_validate(c) for c in store.list_contacts(tenant, client_id)]
    return ClientDetail.model_validate({**row, "contacts": contacts})


@router.patch("/{client_id}", summary="Change a client")
def update_client(client_id: uuid.UUID, body: ClientUpdate, tenant: TenantWriter) -> ClientPublic:
    """Only the fields sent change; the Y-tunnus and a Finnish VAT number must still agree."""
    changes = body.changes()
    if {"business_id", "vat_number"} & changes.keys():
        current = store.get_client(tenant, client_id, for_update=True)
        merged = {**current, **changes}
        try:
            check_vat_matches_ytunnus(merged["business_id"], merged["vat_number"])
        except ValueError as exc:
            raise Unprocessable(str(exc)) from None
    return ClientPublic.model_validate(store.update_client(tenant, client_id, changes))


@router.post("/{client_id}/archive", summary="Archive a client")
def archive_client(client_id: uuid.UUID, tenant: TenantWriter) -> ClientPublic:
    """Archived clients leave the default list but keep their receipts and history."""
    return ClientPublic.model_validate(store.set_archived(tenant, client_id, archived=True))


@router.post("/{client_id}/unarchive", summary="Restore an archived client")
def unarchive_client(client_id: uuid.UUID, tenant: TenantWriter) -> ClientPublic:
    return ClientPublic.model_validate(store.set_archived(tenant, client_id, archived=False))


@router.get("/{client_id}/contacts", summary="Contact persons of a client")
def list_contacts(client_id: uuid.UUID, tenant: TenantConn) -> list[ContactPublic]:
    store.get_client(tenant, client_id)
    return [ContactPublic.model_validate(c) for c in store.list_contacts(tenant, client_id)]


@router.post("/{client_id}/contacts", status_code=status.HTTP_201_CREATED, summary="Add a contact person")
def create_contact(client_id: uuid.UUID, body: ContactCreate, tenant: TenantWriter) -> ContactPublic:
    """Marking a contact primary unmarks the client's previous primary contact."""
    return ContactPublic.model_validate(store.insert_contact(tenant, client_id, body.model_dump()))


@router.patch("/{client_id}/contacts/{contact_id}", summary="Change a contact person")
def update_contact(
    client_id: uuid.UUID, contact_id: uuid.UUID, body: ContactUpdate, tenant: TenantWriter
) -> ContactPublic:
    changes = body.model_dump(include=body.model_fields_set)
    return ContactPublic.model_validate(store.update_contact(tenant, client_id, contact_id, changes))


@router.delete(
    "/{client_id}/contacts/{contact_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a contact person",
)
def delete_contact(client_id: uuid.UUID, contact_id: uuid.UUID, tenant: TenantWriter) -> Response:
    store.delete_contact(tenant, client_id, contact_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

"""``/api/leads`` routes: the public contact form and the members' lead pipeline."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from docflow.http.deps import TenantConn, TenantWriter, client_address
from docflow.http.pagination import Page
from docflow_leads import service
from docflow_leads.capture import capture_lead
from docflow_leads.convert import convert_lead
from docflow_leads.schemas import (
    CaptureAccepted,
    ConversionResult,
    LeadCapture,
    LeadConvert,
    LeadDetail,
    LeadNoteCreate,
    LeadNotePublic,
    LeadPublic,
    LeadQuery,
    LeadUpdate,
)

router = APIRouter(prefix="/api/leads", tags=["leads"])


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/problem+json": {}}}
    for code, text in {
        400: "Bad request",
        401: "Authentication required",
        403: "Not allowed for this role or tenant",
        404: "Not found (or another tenant's)",
        409: "Conflict",
        422: "Validation failed",
    }.items()
}
_PUBLIC_PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown or inactive form", "content": {"application/problem+json": {}}},
    413: {"description": "Body too large", "content": {"application/problem+json": {}}},
    422: {"description": "Validation failed", "content": {"application/problem+json": {}}},
    429: {
        "description": "Too many submissions; see Retry-After",
        "content": {"application/problem+json": {}},
    },
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Contact form submission (public, no token)",
    responses=_PUBLIC_PROBLEMS,
)
def submit_lead(body: LeadCapture, request: Request) -> CaptureAccepted:
    """The tenant comes from the form's public key (``form_key``), never from anything else in the
    body. Accepted, repeated and filtered submissions all get the same 202."""
    capture_lead(body, form_key=body.form_key, client_ip=client_address(request))
    return CaptureAccepted()


@router.get("", summary="List leads (newest first)", responses=_PROBLEMS)
def list_leads(tenant: TenantConn, query: Annotated[LeadQuery, Query()]) -> Page[LeadPublic]:
    """Filter by status, owner and a search over name, email and company; page with ``cursor``."""
    return service.list_leads(tenant, query)


@router.get("/{lead_id}", summary="One lead with its notes", responses=_PROBLEMS)
def get_lead(lead_id: uuid.UUID, tenant: TenantConn) -> LeadDetail:
    """404 for a lead of another tenant, exactly as for one that does not exist."""
    return service.get_lead(tenant, lead_id)


@router.patch("/{lead_id}", summary="Change status and/or owner", responses=_PROBLEMS)
def update_lead(lead_id: uuid.UUID, change: LeadUpdate, tenant: TenantWriter) -> LeadPublic:
    """Status moves ``new -> contacted -> qualified -> won | lost`` (any open lead may be lost);
    other moves are 409. The owner must be a member of the tenant."""
    return service.update_lead(tenant, lead_id, change)


@router.post(
    "/{lead_id}/notes",
    status_code=status.HTTP_201_CREATED,
    summary="Add a note",
    responses=_PROBLEMS,
)
def add_note(lead_id: uuid.UUID, note: LeadNoteCreate, tenant: TenantWriter) -> LeadNotePublic:
    """Notes are kept in order and belong to the lead's tenant."""
    return service.add_note(tenant, lead_id, note)


@router.post(
    "/{lead_id}/convert",
    status_code=status.HTTP_201_CREATED,
    summary="Convert into a client",
    responses=_PROBLEMS,
)
def convert(lead_id: uuid.UUID, tenant: TenantWriter, data: LeadConvert | None = None) -> ConversionResult:
    """Creates the client and marks the lead won and converted, in one transaction. The client is
    validated as ``POST /api/v1/clients`` validates it (422 otherwise)."""
    return convert_lead(tenant, lead_id, data or LeadConvert())

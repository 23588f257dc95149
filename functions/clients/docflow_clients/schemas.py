"""Request and response models of the clients route group; a client's fields and ``ClientCreate``
are those of the shared clients domain (:mod:`docflow.clients.models`).

Inputs forbid unknown fields, so ``tenant_id``, ``archived_at``, ``created_at`` and the like in a body
are a 422 rather than silently written (mass assignment).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docflow.clients.models import (
    CLIENT_FIELDS,
    BusinessId,
    City,
    ClientKind,
    CountryCode,
    Email,
    Name,
    Notes,
    Phone,
    PostalCode,
    ShortText,
    Tags,
    VatNumber,
)
from docflow.http.pagination import PageParams
from docflow.http.types import Text

Title = Annotated[str, Text(max_length=100, plain=True)]


class ClientUpdate(BaseModel):
    """A partial update: only the fields sent change; ``null`` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    kind: ClientKind | None = None
    name: Name | None = None
    business_id: BusinessId | None = None
    vat_number: VatNumber | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes | None = None
    street_address: ShortText | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    country_code: CountryCode | None = None
    tags: Tags | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        for name in ("kind", "name", "country_code", "tags"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, object]:
        """The fields the request sent, with their new values."""
        return {name: getattr(self, name) for name in CLIENT_FIELDS if name in self.model_fields_set}


class ClientPublic(BaseModel):
    """A client as the API shows it."""

    id: uuid.UUID
    kind: ClientKind
    name: str
    business_id: str | None
    vat_number: str | None
    email: str | None
    phone: str | None
    notes: str | None
    street_address: str | None
    postal_code: str | None
    city: str | None
    country_code: str
    tags: list[str]
    source_lead_id: uuid.UUID | None
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ContactCreate(BaseModel):
    """A contact person of a client; at most one is primary."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    title: Title | None = None
    email: Email | None = None
    phone: Phone | None = None
    is_primary: bool = False


class ContactUpdate(BaseModel):
    """A partial update of a contact person."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    title: Title | None = None
    email: Email | None = None
    phone: Phone | None = None
    is_primary: bool | None = None

    @model_validator(mode="after")
    def _required_fields_not_cleared(self) -> Self:
        for name in ("name", "is_primary"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class ContactPublic(BaseModel):
    """A contact person as the API shows it."""

    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    title: str | None
    email: str | None
    phone: str | None
    is_primary: bool
    created_at: datetime
    updated_at: datetime


class ClientDetail(ClientPublic):
    """One client with its contact persons."""

    contacts: list[ContactPublic]


StatusFilter = Literal["active", "archived", "all"]


class ClientQuery(PageParams):
    """Filters of the client list; each one given narrows it."""

    q: Annotated[str, Text(max_length=100, strip=False)] | None = Field(
        default=None, description="name, business ID, e-mail or tag"
    )
    tag: Annotated[str, Text(max_length=40, strip=False)] | None = None
    kind: ClientKind | None = None
    status: StatusFilter = "active"


class TagCount(BaseModel):
    """A tag in use and how many active clients carry it."""

    tag: str
    clients: int


class ImportRowError(BaseModel):
    """What is wrong with one row of an imported file (line numbers count the header as line 1)."""

    line: int
    field: str | None
    message: str


class ImportReport(BaseModel):
    """The outcome of a CSV import: a dry run writes nothing; a real run writes every row or none."""

    dry_run: bool
    delimiter: str
    rows: int
    valid_rows: int
    invalid_rows: int
    created: int
    ignored_columns: list[str]
    errors: list[ImportRowError]
    errors_truncated: bool

"""Request and response models of the leads route group."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from docflow.clients.models import Tag
from docflow.http.pagination import PageParams
from docflow.http.types import Text

MAX_MESSAGE_LENGTH = 5000

# Every constraint lives in the JSON schema (no hidden rules), so what the OpenAPI document calls valid
# is exactly what the API accepts. Texts must hold a visible character; surrounding space is trimmed.
_PHONE = r"^\+?(?:[ ()./-]*[0-9]){5,}[ ()./-]*$"
_EMAIL = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def _lower_domain(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _blank_to_none(value: str | None) -> str | None:
    return value or None


Name = Annotated[str, Text(min_length=1, max_length=200, plain=True)]
OptionalText = Annotated[str, Text(max_length=200, plain=True)]
Phone = Annotated[str, Text(max_length=40, pattern=_PHONE)]
Message = Annotated[str, Text(min_length=1, max_length=MAX_MESSAGE_LENGTH, multiline=True)]
NoteBody = Annotated[str, Text(min_length=1, max_length=5000, multiline=True)]
Email = Annotated[
    str, Text(max_length=320, plain=True, strip=False, pattern=_EMAIL), AfterValidator(_lower_domain)
]
Query = Annotated[str, Text(min_length=1, max_length=200, strip=False)]


class LeadStatus(StrEnum):
    """Where a lead is in the funnel."""

    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    WON = "won"
    LOST = "lost"


class LeadCapture(BaseModel):
    """The website's contact form. ``website`` is a honeypot: people leave it empty."""

    model_config = ConfigDict(extra="forbid")

    form_key: uuid.UUID = Field(description="Public key of the tenant's contact form")
    name: Name
    email: Email
    phone: Annotated[Phone | Literal[""] | None, AfterValidator(_blank_to_none)] = None
    company: Annotated[OptionalText | None, AfterValidator(_blank_to_none)] = None
    message: Message
    consent: Literal[True] = Field(description="The sender agrees to be contacted; must be true")
    website: Annotated[str, Text(max_length=500, multiline=True, strip=False)] | None = Field(
        default=None, description="Leave empty"
    )


class CaptureAccepted(BaseModel):
    """The same answer for every accepted submission (new, repeated or filtered)."""

    status: Literal["received"] = "received"


class LeadUpdate(BaseModel):
    """A status transition and/or a new owner (``owner_id: null`` clears it)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    status: LeadStatus | SkipJsonSchema[None] = None
    owner_id: uuid.UUID | None = None


class LeadNoteCreate(BaseModel):
    """A note on a lead."""

    model_config = ConfigDict(extra="forbid")

    body: NoteBody


class LeadNotePublic(BaseModel):
    """A note as members see it."""

    id: uuid.UUID
    lead_id: uuid.UUID
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class LeadPublic(BaseModel):
    """A lead as members see it."""

    id: uuid.UUID
    status: LeadStatus
    name: str
    email: str
    phone: str | None
    company: str | None
    message: str
    owner_id: uuid.UUID | None
    client_id: uuid.UUID | None
    converted_at: datetime | None
    consent_at: datetime
    created_at: datetime
    updated_at: datetime


class LeadDetail(LeadPublic):
    """A lead with its notes, oldest first."""

    notes: list[LeadNotePublic]


class LeadQuery(PageParams):
    """Filters of the lead list; each one given narrows it."""

    status: LeadStatus | None = None
    owner_id: uuid.UUID | None = None
    q: Query | None = Field(default=None, description="Name, email or company")


class LeadConvert(BaseModel):
    """Optional client details; the name, e-mail address and phone number come from the lead unless
    given here. The schema gives their form; the client made of them and the lead is then validated
    and normalised as ``POST /api/v1/clients`` does (check digits, VAT number against Y-tunnus, tags)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["company", "person"] | None = None
    name: Name | None = None
    business_id: Annotated[str, Text(max_length=20, strip=False, pattern=r"^[0-9 -]{7,20}$")] | None = None
    vat_number: (
        Annotated[str, Text(max_length=20, strip=False, pattern=r"^[A-Za-z]{2}[0-9A-Za-z .-]{2,18}$")] | None
    ) = None
    email: Annotated[str, Text(max_length=254, plain=True, strip=False, pattern=_EMAIL)] | None = None
    phone: Phone | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class ConversionResult(BaseModel):
    """The converted lead and the client created from it."""

    lead: LeadPublic
    client_id: uuid.UUID


class LeadFormCreate(BaseModel):
    """A new contact form; its public key is generated by DocFlow."""

    model_config = ConfigDict(extra="forbid")

    name: Name = "Website"


class LeadFormUpdate(BaseModel):
    """Rename a form or switch it off (an inactive form's key takes no submissions)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    name: Name | SkipJsonSchema[None] = None
    active: bool | SkipJsonSchema[None] = None


class LeadFormPublic(BaseModel):
    """A contact form of the tenant; ``key`` goes into the website's form as ``form_key``."""

    id: uuid.UUID
    key: uuid.UUID
    name: str
    active: bool
    created_at: datetime

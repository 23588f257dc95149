"""Request and response models of the leads route group."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_MESSAGE_LENGTH = 5000

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^\+?[0-9 ()./-]{5,40}$")
]
Message = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_LENGTH)
]
NoteBody = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class LeadStatus(StrEnum):
    """Where a lead is in the funnel."""

    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    WON = "won"
    LOST = "lost"


_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def _valid_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    if not _EMAIL.match(value) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValueError("not a valid email address")
    return f"{local}@{domain.lower()}"


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=320), AfterValidator(_valid_email)]


def _blank_to_none(value: str | None) -> str | None:
    return value or None


def _must_be_true(value: bool) -> bool:
    if value is not True:
        raise ValueError("consent is required")
    return value


class LeadCapture(BaseModel):
    """The website's contact form. ``website`` is a honeypot: people leave it empty."""

    model_config = ConfigDict(extra="forbid")

    form_key: uuid.UUID | None = Field(default=None, description="Public key of the form (or X-Form-Key)")
    name: Name
    email: Email
    phone: Annotated[Phone | Literal[""] | None, AfterValidator(_blank_to_none)] = None
    company: Annotated[OptionalText | None, AfterValidator(_blank_to_none)] = None
    message: Message
    consent: Annotated[bool, AfterValidator(_must_be_true)] = Field(
        description="The sender agrees to be contacted; must be true"
    )
    website: str | None = Field(default=None, max_length=500, description="Leave empty")


class CaptureAccepted(BaseModel):
    """The same answer for every accepted submission (new, repeated or filtered)."""

    status: Literal["received"] = "received"


class LeadUpdate(BaseModel):
    """A status transition and/or a new owner (``owner_id: null`` clears it)."""

    model_config = ConfigDict(extra="forbid")

    status: LeadStatus | None = None
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


class LeadPage(BaseModel):
    """One page of leads, newest first; pass ``next_cursor`` back as ``cursor`` for the next."""

    items: list[LeadPublic]
    next_cursor: str | None


class LeadConvert(BaseModel):
    """Optional client details; by default they come from the lead."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["company", "person"] | None = None
    name: Name | None = None
    business_id: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{7}-\d$")] | None = None
    vat_number: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^FI\d{8}$")] | None = None
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=20
    )


class ConversionResult(BaseModel):
    """The converted lead and the client created from it."""

    lead: LeadPublic
    client_id: uuid.UUID

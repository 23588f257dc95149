"""Request and response bodies of ``/api/v1/notion``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.http.pagination import PageParams
from docflow.http.types import Text

#: A Notion integration token (``ntn_...`` or the older ``secret_...``).
Token = Annotated[str, Text(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
PropertyName = Annotated[str, Text(min_length=1, max_length=100, plain=True)]
MappedField = Literal[
    "name", "id", "kind", "email", "phone", "business_id", "city", "status", "company", "tags"
]


class ConnectionIn(BaseModel):
    """Set or rotate the integration token; it is never shown again."""

    model_config = ConfigDict(extra="forbid")

    token: Token


class TargetIn(BaseModel):
    """The data source clients and leads become pages of, and the property each field fills."""

    model_config = ConfigDict(extra="forbid")

    data_source_id: uuid.UUID
    mapping: dict[MappedField, PropertyName] = Field(default_factory=dict, max_length=10)


class ConnectionPublic(BaseModel):
    """The integration as the API shows it: a fingerprint of the token and when it was set."""

    provider: Literal["notion"] = "notion"
    fingerprint: str
    set_at: datetime
    data_source_id: str | None
    mapping: dict[str, str]

    @classmethod
    def of(cls, fingerprint: str, set_at: datetime, settings: dict[str, Any]) -> ConnectionPublic:
        return cls(
            fingerprint=fingerprint,
            set_at=set_at,
            data_source_id=settings.get("data_source_id"),
            mapping=dict(settings.get("mapping") or {}),
        )


class SyncQuery(PageParams):
    """Filter of the sync status list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Literal["pending", "creating", "synced", "failed"] | None = None


class SyncStatus(BaseModel):
    """One record's sync state."""

    entity_kind: Literal["client", "lead"]
    entity_id: uuid.UUID
    status: str
    page_id: str | None
    error_code: str | None
    attempts: int
    synced_at: datetime | None
    updated_at: datetime


class Queued(BaseModel):
    """How many records were queued for a sync."""

    queued: int

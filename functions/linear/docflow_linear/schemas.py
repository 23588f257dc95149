"""Request and response bodies of ``/api/v1/linear``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.http.pagination import PageParams
from docflow.http.types import Text

#: A Linear personal API key (``lin_api_...``) and a webhook signing secret (``lin_wh_...``).
ApiKey = Annotated[str, Text(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
WebhookSecret = Annotated[str, Text(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
Title = Annotated[str, Text(min_length=1, max_length=200, plain=True)]
Body = Annotated[str, Text(min_length=1, max_length=5000, multiline=True)]
TeamId = Annotated[str, Text(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9-]+$")]


class ConnectionIn(BaseModel):
    """Set or rotate the API key and the webhook's signing secret; neither is shown again."""

    model_config = ConfigDict(extra="forbid")

    api_key: ApiKey
    webhook_secret: WebhookSecret


class SettingsIn(BaseModel):
    """The team issues are opened in, and how long a receipt may wait for review first."""

    model_config = ConfigDict(extra="forbid")

    team_id: TeamId
    review_after_hours: int = Field(default=48, ge=1, le=2160)


class ConnectionPublic(BaseModel):
    """The integration as the API shows it: a fingerprint of the key and when it was set."""

    provider: Literal["linear"] = "linear"
    fingerprint: str
    set_at: datetime
    organization_id: str | None
    team_id: str | None
    review_after_hours: int | None

    @classmethod
    def of(
        cls, fingerprint: str, set_at: datetime, settings: dict[str, Any], org: str | None
    ) -> ConnectionPublic:
        return cls(
            fingerprint=fingerprint,
            set_at=set_at,
            organization_id=org,
            team_id=settings.get("team_id"),
            review_after_hours=settings.get("review_after_hours"),
        )


class Team(BaseModel):
    """A team of the connected workspace."""

    id: str
    key: str
    name: str


class SupportIn(BaseModel):
    """A support request: becomes one Linear issue."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body


class SupportAccepted(BaseModel):
    """The stored request; its issue is opened in the background."""

    id: uuid.UUID


class IssueQuery(PageParams):
    """Filter of the issue list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject_kind: Literal["receipt", "support"] | None = None


class IssuePublic(BaseModel):
    """The issue of a receipt or support request, with its last known state."""

    subject_kind: Literal["receipt", "support"]
    subject_id: uuid.UUID
    status: str
    identifier: str | None
    url: str | None
    state_name: str | None
    state_type: str | None
    error_code: str | None
    created_at: datetime
    updated_at: datetime

"""Request and response bodies of ``/api/v1/ai``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from docflow.http.types import Text

#: Receipts per bulk second reading (each one is a model call inside the request's time budget).
MAX_BULK_RECEIPTS = 10


class SuggestionPublic(BaseModel):
    """A receipt's category: from a rule (applied) or the model (a suggestion until a member decides)."""

    receipt_id: uuid.UUID
    category: str
    source: Literal["rule", "model"]
    status: Literal["suggested", "accepted", "changed"]
    rule_id: uuid.UUID | None = None


class CategoryDecision(BaseModel):
    """Accept the suggestion (no ``category``) or choose another; ``make_rule`` (owners and admins)
    turns the decision into a merchant rule."""

    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,40}$")
    make_rule: bool = False


class FieldSource(BaseModel):
    """Where a field's value comes from after the reading, and why the model's value was refused."""

    source: Literal["engine", "model", "person", "none"]
    accepted: bool
    reason: str | None = None


class ReadingPublic(BaseModel):
    """The outcome of a second reading (``written``: false when nothing was stored)."""

    receipt_id: uuid.UUID
    status: str
    accepted: int
    rejected: int
    written: bool
    fields: dict[str, FieldSource]


class BulkReading(BaseModel):
    """Receipts to read again (at most ``MAX_BULK_RECEIPTS``)."""

    model_config = ConfigDict(extra="forbid")

    receipt_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_BULK_RECEIPTS)


class BulkReadingPublic(BaseModel):
    """Each receipt's outcome; a receipt that cannot be read again is listed with its problem code."""

    readings: list[ReadingPublic]
    skipped: list[dict[str, str]]


class UsagePublic(BaseModel):
    """Today's AI usage of the tenant (UTC day) against its budgets."""

    configured: bool
    requests: int
    requests_per_day: int
    tokens: int
    tokens_per_day: int


class AiTenantSettings(BaseModel):
    """The tenant's AI settings: ``auto_second_reading`` reads every receipt processing leaves hard
    (needs review or low confidence) again through the model, automatically (off by default)."""

    model_config = ConfigDict(extra="forbid")

    auto_second_reading: bool


class Question(BaseModel):
    """A question about the books, in Finnish, Swedish or English."""

    model_config = ConfigDict(extra="forbid")

    question: Annotated[str, Text(max_length=500, min_length=1, plain=True)]


class AnswerPeriod(BaseModel):
    """The period the figures cover."""

    label: str
    start: dt.date
    end: dt.date


class AnswerPublic(BaseModel):
    """The figures (from the finance queries), the query and period that gave them, and a sentence."""

    intent: Literal["deductible_vat", "expenses"]
    period: AnswerPeriod
    category: str | None
    language: Literal["fi", "sv", "en"]
    figures: dict[str, Any]
    answer: str

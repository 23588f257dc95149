"""Typed S3 event notifications (the ``Records`` of an ``ObjectCreated`` event)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _S3Object(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1, max_length=2048)
    size: int | None = Field(default=None, ge=0)
    e_tag: str | None = Field(default=None, alias="eTag")
    version_id: str | None = Field(default=None, alias="versionId")
    sequencer: str = Field(pattern=r"^[0-9A-Fa-f]{1,64}$")


class _S3Bucket(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=3, max_length=63)


class _S3Entity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    bucket: _S3Bucket
    object: _S3Object


class _S3Record(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event_source: str = Field(alias="eventSource")
    event_name: str = Field(alias="eventName")
    s3: _S3Entity


class ObjectCreated(BaseModel):
    """One created object: bucket, decoded key, size, version and the per-key ordering sequencer."""

    model_config = ConfigDict(frozen=True)

    bucket: str
    key: str
    size: int | None
    version_id: str | None
    sequencer: str

    @property
    def sequence(self) -> int:
        """The sequencer as a number (S3 sequencers are hex strings of varying length)."""
        return int(self.sequencer, 16)


class EventError(ValueError):
    """The event is not an S3 notification this processor understands."""


def parse_s3_event(event: dict[str, Any]) -> list[ObjectCreated]:
    """The ``ObjectCreated`` records of an S3 event; other S3 records (and test events) are skipped."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise EventError("not an S3 event notification")
    created: list[ObjectCreated] = []
    for raw in records:
        try:
            record = _S3Record.model_validate(raw)
        except ValidationError as error:
            raise EventError("malformed S3 record") from error
        if record.event_source != "aws:s3" or not record.event_name.startswith("ObjectCreated:"):
            continue
        created.append(
            ObjectCreated(
                bucket=record.s3.bucket.name,
                key=unquote_plus(record.s3.object.key),
                size=record.s3.object.size,
                version_id=record.s3.object.version_id,
                sequencer=record.s3.object.sequencer,
            )
        )
    return created


def is_s3_event(event: Any) -> bool:
    """Whether a Lambda event is an S3 notification (as opposed to an API Gateway request)."""
    if not isinstance(event, dict):
        return False
    records = event.get("Records")
    return isinstance(records, list) and any(
        isinstance(r, dict) and r.get("eventSource") == "aws:s3" for r in records
    )

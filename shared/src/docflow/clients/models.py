"""A client's fields as every writer of ``public.clients`` accepts them (the clients API, its CSV
import and lead conversion): the same normalisation, the same refusals.

Inputs forbid unknown fields, so ``tenant_id``, ``archived_at``, ``created_at`` and the like are a 422
rather than silently written (mass assignment).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from docflow.clients import identifiers
from docflow.http.types import Text

ClientKind = Literal["company", "person"]
Name = Annotated[str, Text(min_length=1, max_length=200, plain=True)]
ShortText = Annotated[str, Text(max_length=200, plain=True)]
BusinessId = Annotated[str, Text(max_length=20), AfterValidator(identifiers.normalize_ytunnus)]
VatNumber = Annotated[str, Text(max_length=20), AfterValidator(identifiers.normalize_vat_number)]
Email = Annotated[str, Text(max_length=254, plain=True), AfterValidator(identifiers.normalize_email)]
Phone = Annotated[str, Text(max_length=40), AfterValidator(identifiers.normalize_phone)]
Notes = Annotated[str, Text(max_length=5000, multiline=True, strip=False)]
PostalCode = Annotated[str, Text(max_length=20, plain=True)]
City = Annotated[str, Text(max_length=100, plain=True)]
CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]
Tag = Annotated[str, Text(max_length=40, plain=True)]
Tags = Annotated[list[Tag], Field(max_length=20), AfterValidator(identifiers.normalize_tags)]

#: Fields a client may set; also the columns the writers write.
CLIENT_FIELDS: tuple[str, ...] = (
    "kind",
    "name",
    "business_id",
    "vat_number",
    "email",
    "phone",
    "notes",
    "street_address",
    "postal_code",
    "city",
    "country_code",
    "tags",
)


class ClientCreate(BaseModel):
    """A new client. ``business_id`` is the Y-tunnus (``1234567-8``), unique within the tenant."""

    model_config = ConfigDict(extra="forbid")

    kind: ClientKind = "company"
    name: Name
    business_id: BusinessId | None = None
    vat_number: VatNumber | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Notes | None = None
    street_address: ShortText | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    country_code: CountryCode = "FI"
    tags: Tags = Field(default_factory=list)

    @model_validator(mode="after")
    def _vat_matches_business_id(self) -> Self:
        identifiers.check_vat_matches_ytunnus(self.business_id, self.vat_number)
        return self

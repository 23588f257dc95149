"""Request and response bodies of the finance routes."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from docflow.http.types import Text

PeriodKind = Literal["month", "quarter", "year"]
VatTreatment = Literal["deductible", "not_deductible", "partial"]
MatchKind = Literal["merchant", "business_id", "item"]
#: A category's display name, and a rule's merchant pattern or item word.
CategoryName = Annotated[str, Text(min_length=1, max_length=100, plain=True)]
RulePattern = Annotated[str, Text(min_length=1, max_length=100, plain=True)]
#: ``2026-01``, ``2026-Q1`` or ``2026``.
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"


class PeriodQuery(BaseModel):
    """``?period=``: the tenant's current period when left out."""

    model_config = ConfigDict(extra="forbid")

    period: str | None = Field(default=None, pattern=PERIOD_PATTERN, max_length=7)


class ExportQuery(PeriodQuery):
    """``?period=&format=csv-fi|json``."""

    export_format: Literal["csv-fi", "json"] = Field(default="csv-fi", alias="format")


class TrendQuery(BaseModel):
    """``?to=YYYY-MM&months=12``: months ending with ``to`` (the current month by default)."""

    model_config = ConfigDict(extra="forbid")

    to: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    months: int = Field(default=12, ge=1, le=24)


class PeriodPublic(BaseModel):
    """A VAT period and when its return is due."""

    label: str
    kind: PeriodKind
    start: dt.date
    end: dt.date
    due_date: dt.date


class RateLinePublic(BaseModel):
    """Counted VAT rows of one rate (``rows``: how many)."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    deductible: Decimal
    rows: int


class ForeignPublic(BaseModel):
    """Foreign VAT of one country and currency (refunded abroad, never in the Finnish return)."""

    country: str
    currency: str
    receipts: int
    net: Decimal
    tax: Decimal
    gross: Decimal


class CorrectionPublic(BaseModel):
    """Receipts of a filed period processed after its filing, booked here."""

    filed_period_start: dt.date
    receipts: int
    deductible: Decimal


class LockPublic(BaseModel):
    """A filed period with the figures it was filed with."""

    id: uuid.UUID
    period_kind: PeriodKind
    period_start: dt.date
    period_end: dt.date
    deductible_vat: Decimal
    receipts_counted: int
    locked_by: uuid.UUID
    locked_at: dt.datetime


class VatSummaryPublic(BaseModel):
    """The purchases side of the period's VAT return."""

    period: PeriodPublic
    deductible_vat: Decimal
    by_rate: list[RateLinePublic]
    receipts_counted: int
    left_out: dict[str, int]
    left_out_total: int
    non_deductible_vat: Decimal
    foreign: list[ForeignPublic]
    corrections: list[CorrectionPublic]
    filed: LockPublic | None


class ComparisonPublic(BaseModel):
    """A figure now, in the previous period and a year earlier."""

    current: Decimal
    previous: Decimal
    year_earlier: Decimal
    receipts: int


class GroupPublic(BaseModel):
    """One row of a breakdown."""

    key: str
    name: str
    amounts: ComparisonPublic


class LargestPublic(BaseModel):
    """One of the period's largest receipts."""

    id: uuid.UUID
    receipt_date: dt.date | None
    merchant: str | None
    total: Decimal
    category: str | None


class ExpensesPublic(BaseModel):
    """The period's expenses and their breakdowns."""

    period: PeriodPublic
    total: ComparisonPublic
    by_category: list[GroupPublic]
    by_merchant: list[GroupPublic]
    by_client: list[GroupPublic]
    largest: list[LargestPublic]


class TrendMonthPublic(BaseModel):
    """Expenses of one month."""

    month: dt.date
    total: Decimal
    receipts: int


class TrendPublic(BaseModel):
    """Monthly expenses, oldest first."""

    months: list[TrendMonthPublic]


class SettingsPublic(BaseModel):
    """The tenant's finance settings."""

    vat_period: PeriodKind


class SettingsUpdate(BaseModel):
    """``PUT /settings``."""

    model_config = ConfigDict(extra="forbid")

    vat_period: PeriodKind


class CategoryPublic(BaseModel):
    """An expense category with its account and VAT treatment."""

    id: uuid.UUID
    code: str
    name: str
    account: str
    vat_treatment: VatTreatment
    deductible_share: Decimal
    created_at: dt.datetime
    updated_at: dt.datetime


class CategoryList(BaseModel):
    """Every category of the tenant."""

    items: list[CategoryPublic]


def _check_share(treatment: str | None, share: Decimal | None) -> None:
    if treatment == "partial" and (share is None or not Decimal(0) < share < Decimal(1)):
        raise ValueError("a partial treatment needs a deductible_share between 0 and 1 (exclusive)")
    if treatment in {"deductible", "not_deductible"} and share is not None:
        raise ValueError("deductible_share is only for a partial treatment")


class CategoryCreate(BaseModel):
    """``POST /categories``."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    name: CategoryName
    account: str = Field(pattern=r"^[0-9]{3,8}$")
    vat_treatment: VatTreatment = "deductible"
    deductible_share: Decimal | None = Field(default=None, gt=0, lt=1, max_digits=5, decimal_places=4)

    @model_validator(mode="after")
    def _share(self) -> CategoryCreate:
        _check_share(self.vat_treatment, self.deductible_share)
        return self


class CategoryUpdate(BaseModel):
    """``PATCH /categories/{id}``: the fields given change (the code never does)."""

    model_config = ConfigDict(extra="forbid")

    name: CategoryName | None = None
    account: str | None = Field(default=None, pattern=r"^[0-9]{3,8}$")
    vat_treatment: VatTreatment | None = None
    deductible_share: Decimal | None = Field(default=None, gt=0, lt=1, max_digits=5, decimal_places=4)

    @model_validator(mode="after")
    def _share(self) -> CategoryUpdate:
        if self.vat_treatment is not None:
            _check_share(self.vat_treatment, self.deductible_share)
        elif self.deductible_share is not None:
            raise ValueError("give vat_treatment 'partial' with a deductible_share")
        return self


class RulePublic(BaseModel):
    """A category rule."""

    id: uuid.UUID
    category_id: uuid.UUID
    category: str
    match_kind: MatchKind
    pattern: str
    priority: int
    created_at: dt.datetime


class RuleList(BaseModel):
    """The rules in the order they are tried."""

    items: list[RulePublic]


class RuleCreate(BaseModel):
    """``POST /rules``: a merchant name pattern, a Y-tunnus or an item word, and its category."""

    model_config = ConfigDict(extra="forbid")

    category_id: uuid.UUID
    match_kind: MatchKind
    pattern: RulePattern
    priority: int = Field(default=100, ge=0, le=1000)

    @model_validator(mode="after")
    def _pattern(self) -> RuleCreate:
        if not self.pattern.strip():
            raise ValueError("the pattern must not be blank")
        if self.match_kind == "business_id":
            from docflow.receipts.identifiers import is_valid_ytunnus

            if not (len(self.pattern) == 9 and self.pattern[7] == "-" and is_valid_ytunnus(self.pattern)):
                raise ValueError("a business_id rule needs a valid Y-tunnus (1234567-8)")
        return self


class RulesApply(BaseModel):
    """``POST /rules/apply``: re-apply the rules to existing receipts (``dry_run`` only tells)."""

    model_config = ConfigDict(extra="forbid")

    dry_run: bool = True
    date_from: dt.date | None = Field(default=None, alias="from")
    date_to: dt.date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _range(self) -> RulesApply:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("'to' must not be before 'from'")
        return self


class RuleChangePublic(BaseModel):
    """One receipt's category change."""

    receipt_id: uuid.UUID
    from_category: str | None
    to_category: str


class RulesApplied(BaseModel):
    """How many receipts change (or would), and the first of them."""

    dry_run: bool
    changed: int
    changes: list[RuleChangePublic]


class LockCreate(BaseModel):
    """``POST /locks``: file a VAT period (``2026-01``, ``2026-Q1`` or ``2026``)."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(pattern=PERIOD_PATTERN, max_length=7)


class LockList(BaseModel):
    """Filed periods, newest first."""

    items: list[LockPublic]


class ExportLink(BaseModel):
    """An export too large for a response: a short-lived download link."""

    download_url: str
    expires_in: int
    size_bytes: int

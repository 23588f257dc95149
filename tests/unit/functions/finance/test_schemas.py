"""Finance request bodies: periods, VAT treatments and shares, rules, and no server-owned fields."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError

from docflow_finance.schemas import (
    CategoryCreate,
    CategoryUpdate,
    LockCreate,
    PeriodQuery,
    RuleCreate,
    RulesApply,
)


@pytest.mark.parametrize("period", ["2026", "2026-01", "2026-12", "2026-Q1", "2026-Q4"])
def test_periods_accepted(period: str) -> None:
    assert PeriodQuery(period=period).period == period


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "2026-1", "26", "2026-", "2026-q1"])
def test_periods_refused(period: str) -> None:
    with pytest.raises(ValidationError):
        LockCreate(period=period)


def test_a_partial_category_needs_a_share_between_0_and_1() -> None:
    created = CategoryCreate(
        code="auto", name="Auto", account="7300", vat_treatment="partial", deductible_share=Decimal("0.4")
    )
    assert created.deductible_share == Decimal("0.4")
    with pytest.raises(ValidationError):
        CategoryCreate(code="auto", name="Auto", account="7300", vat_treatment="partial")
    with pytest.raises(ValidationError):
        CategoryCreate(code="auto", name="Auto", account="7300", deductible_share=Decimal("0.4"))
    with pytest.raises(ValidationError):
        CategoryUpdate(deductible_share=Decimal("0.4"))
    with pytest.raises(ValidationError):
        CategoryCreate(code="Auto!", name="Auto", account="7300")
    with pytest.raises(ValidationError):
        CategoryCreate(code="auto", name="Auto", account="73a0")


def test_rules() -> None:
    category = uuid.uuid4()
    assert RuleCreate(category_id=category, match_kind="business_id", pattern="0737546-2").priority == 100
    with pytest.raises(ValidationError):
        RuleCreate(category_id=category, match_kind="business_id", pattern="0737546-3")
    with pytest.raises(ValidationError):
        RuleCreate(category_id=category, match_kind="merchant", pattern="   ")
    with pytest.raises(ValidationError):
        RuleCreate.model_validate(
            {
                "category_id": str(category),
                "match_kind": "merchant",
                "pattern": "x",
                "tenant_id": str(category),
            }
        )


def test_apply_defaults_to_a_dry_run_and_checks_its_range() -> None:
    assert RulesApply().dry_run is True
    with pytest.raises(ValidationError):
        RulesApply.model_validate({"from": "2026-02-01", "to": "2026-01-01"})

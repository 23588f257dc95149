"""``docflow.metrics``: the Prometheus text rendering and the EMF side of the same counters."""

from __future__ import annotations

import math
from typing import Any

import pytest

from docflow import metrics
from docflow.metrics import BusinessMetric, Sample, render_exposition


def test_samples_render_grouped_with_help_and_type() -> None:
    text = render_exposition(
        [
            Sample(metrics.LEADS_BY_STATUS, 2, {"status": "new"}),
            Sample(metrics.TENANTS_ACTIVE, 3),
            Sample(metrics.LEADS_BY_STATUS, 1, {"status": "won"}),
            Sample(metrics.OCR_SECONDS, 12.5),
        ]
    )
    assert text == (
        "# HELP docflow_leads Leads by funnel status.\n"
        "# TYPE docflow_leads gauge\n"
        'docflow_leads{status="new"} 2\n'
        'docflow_leads{status="won"} 1\n'
        "# HELP docflow_tenants_active Active tenants.\n"
        "# TYPE docflow_tenants_active gauge\n"
        "docflow_tenants_active 3\n"
        "# HELP docflow_ocr_seconds_total Seconds spent in OCR.\n"
        "# TYPE docflow_ocr_seconds_total counter\n"
        "docflow_ocr_seconds_total 12.5\n"
    )


def test_label_values_are_escaped_and_special_values_spelled() -> None:
    metric = BusinessMetric("docflow_test", "Test", "Line one\nline two", type="gauge")
    text = render_exposition(
        [
            Sample(metric, math.inf, {"a": 'quote " back \\ nl \n'}),
            Sample(metric, -math.inf, {"a": "x"}),
            Sample(metric, math.nan, {"a": "y"}),
        ]
    )
    assert "# HELP docflow_test Line one\\nline two\n" in text
    assert 'docflow_test{a="quote \\" back \\\\ nl \\n"} +Inf\n' in text
    assert 'docflow_test{a="x"} -Inf\n' in text
    assert 'docflow_test{a="y"} NaN\n' in text


def test_nothing_renders_as_empty_text() -> None:
    assert render_exposition([]) == ""


@pytest.mark.parametrize("name", ["9starts_with_digit", "has-dash", "has space", ""])
def test_invalid_metric_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid"):
        BusinessMetric(name, "X", "x")


def test_invalid_label_names_are_refused() -> None:
    with pytest.raises(ValueError, match="label"):
        render_exposition([Sample(metrics.TENANTS_ACTIVE, 1, {"__reserved": "x"})])


class FakeMetrics:
    def __init__(self, fail: bool = False) -> None:
        self.added: list[dict[str, Any]] = []
        self.fail = fail

    def add_metric(self, **kwargs: Any) -> None:
        if self.fail:
            raise ValueError("bad unit")
        self.added.append(kwargs)


def test_emit_sends_the_emf_name_and_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMetrics()
    monkeypatch.setattr(metrics, "get_metrics", lambda: fake)
    metrics.emit(metrics.LEADS_CAPTURED)
    metrics.emit(metrics.OCR_SECONDS, 2.5)
    assert fake.added == [
        {"name": "LeadsCaptured", "unit": "Count", "value": 1.0},
        {"name": "OcrSeconds", "unit": "Seconds", "value": 2.5},
    ]


def test_emit_never_fails_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metrics, "get_metrics", lambda: FakeMetrics(fail=True))
    metrics.emit(metrics.LEADS_CAPTURED)


def test_every_unit_is_one_powertools_knows() -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    known = {unit.value for unit in MetricUnit}
    definitions = [value for value in vars(metrics).values() if isinstance(value, BusinessMetric)]
    assert len(definitions) >= 10
    assert {d.unit for d in definitions} <= known
    assert len({d.prometheus_name for d in definitions}) == len(definitions)
    assert len({d.emf_name for d in definitions}) == len(definitions)


def test_the_real_powertools_metrics_accept_every_definition() -> None:
    from aws_lambda_powertools import Metrics

    real = Metrics(namespace="DocFlowTest")
    for value in vars(metrics).values():
        if isinstance(value, BusinessMetric):
            real.add_metric(name=value.emf_name, unit=value.unit, value=1)
    real.clear_metrics()

"""Business metrics: one definition per counter, sent two ways.

In Lambda, code calls :func:`emit` and the counter goes out as a Powertools EMF metric (flushed by
the handler after each invocation). ``GET /api/metrics`` reads the same counters from the database
and renders them with :func:`render_exposition` in the Prometheus text format (version 0.0.4), for
the local stack and long-running deployments. Labels never carry tenant names or personal data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from docflow.observability import get_logger, get_metrics

MetricType = Literal["counter", "gauge"]

PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass(frozen=True, slots=True)
class BusinessMetric:
    """A counter or gauge: its Prometheus name, its EMF name and unit, and what it counts."""

    prometheus_name: str
    emf_name: str
    help: str
    type: MetricType = "counter"
    unit: str = "Count"

    def __post_init__(self) -> None:
        if not _NAME.match(self.prometheus_name):
            raise ValueError(f"invalid Prometheus metric name {self.prometheus_name!r}")


LEADS_CAPTURED = BusinessMetric(
    "docflow_leads_captured_total", "LeadsCaptured", "Leads captured from contact forms."
)
LEADS_BY_STATUS = BusinessMetric("docflow_leads", "Leads", "Leads by funnel status.", type="gauge")
LEADS_CONVERTED = BusinessMetric(
    "docflow_leads_converted_total", "LeadsConverted", "Leads converted into clients."
)
LEADS_REJECTED = BusinessMetric(
    "docflow_lead_submissions_rejected_total",
    "LeadSubmissionsRejected",
    "Contact-form submissions accepted silently but not stored (honeypot or repeat).",
)
TENANTS_ACTIVE = BusinessMetric("docflow_tenants_active", "TenantsActive", "Active tenants.", type="gauge")
TENANT_MEMBERS = BusinessMetric(
    "docflow_tenant_members", "TenantMembers", "Memberships of active tenants.", type="gauge"
)
RECEIPTS_PROCESSED = BusinessMetric(
    "docflow_receipts_processed_total", "ReceiptsProcessed", "Receipts read successfully."
)
RECEIPTS_FAILED = BusinessMetric(
    "docflow_receipts_failed_total", "ReceiptsFailed", "Receipts whose processing failed."
)
OCR_SECONDS = BusinessMetric(
    "docflow_ocr_seconds_total", "OcrSeconds", "Seconds spent in OCR.", unit="Seconds"
)
CSP_REPORTS = BusinessMetric("docflow_csp_reports_total", "CspReports", "CSP violation reports received.")


def emit(metric: BusinessMetric, value: float = 1.0) -> None:
    """Add ``value`` to ``metric`` as an EMF metric of this invocation (never raises)."""
    try:
        get_metrics().add_metric(name=metric.emf_name, unit=metric.unit, value=value)
    except Exception as exc:  # metrics must never fail a request
        get_logger().warning(
            "metric not recorded", extra={"metric": metric.emf_name, "error": type(exc).__name__}
        )


@dataclass(frozen=True, slots=True)
class Sample:
    """One value of a metric, with its labels."""

    metric: BusinessMetric
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def _sample_line(sample: Sample) -> str:
    name = sample.metric.prometheus_name
    if not sample.labels:
        return f"{name} {_format_value(sample.value)}"
    for key in sample.labels:
        if not _LABEL.match(key) or key.startswith("__"):
            raise ValueError(f"invalid label name {key!r}")
    labels = ",".join(f'{key}="{_escape_label(value)}"' for key, value in sorted(sample.labels.items()))
    return f"{name}{{{labels}}} {_format_value(sample.value)}"


def render_exposition(samples: Iterable[Sample]) -> str:
    """The Prometheus text exposition of ``samples``: one HELP/TYPE block per metric, in first-seen order."""
    grouped: dict[str, list[Sample]] = {}
    for sample in samples:
        grouped.setdefault(sample.metric.prometheus_name, []).append(sample)
    lines: list[str] = []
    for group in grouped.values():
        metric = group[0].metric
        help_text = metric.help.replace("\\", "\\\\").replace("\n", "\\n")
        lines.append(f"# HELP {metric.prometheus_name} {help_text}")
        lines.append(f"# TYPE {metric.prometheus_name} {metric.type}")
        lines.extend(_sample_line(sample) for sample in group)
    return "\n".join(lines) + "\n" if lines else ""


__all__ = [
    "CSP_REPORTS",
    "LEADS_BY_STATUS",
    "LEADS_CAPTURED",
    "LEADS_CONVERTED",
    "LEADS_REJECTED",
    "OCR_SECONDS",
    "PROMETHEUS_CONTENT_TYPE",
    "RECEIPTS_FAILED",
    "RECEIPTS_PROCESSED",
    "TENANTS_ACTIVE",
    "TENANT_MEMBERS",
    "BusinessMetric",
    "Sample",
    "emit",
    "render_exposition",
]

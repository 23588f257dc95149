"""Fixtures of the e-mail suites."""

from tests.support.email import resend
from tests.support.receipt_pipeline import fake_scan, s3_bucket

__all__ = ["fake_scan", "resend", "s3_bucket"]

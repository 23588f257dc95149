"""Fixtures of the e-mail suites."""

from tests.support.email import resend

__all__ = ["resend"]

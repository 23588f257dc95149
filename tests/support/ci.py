"""Skips that CI does not allow: a tool missing on a developer's machine skips, missing in CI fails."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Whether the run is CI's (``CI=true``, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def skip_unless(available: bool, reason: str) -> pytest.MarkDecorator:
    """Skip the tests where ``available`` is false; in CI, fail the collection instead."""
    if not available and in_ci():
        pytest.fail(f"{reason}, and CI=true: a missing tool fails the run instead of skipping", pytrace=False)
    return pytest.mark.skipif(not available, reason=reason)

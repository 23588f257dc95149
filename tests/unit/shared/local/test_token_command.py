"""``docflow token`` for the seeded platform administrator mints a token of that very user."""

from __future__ import annotations

import argparse

import jwt
import pytest

from docflow_local import cli, environment
from docflow_local.seed import PLATFORM_ADMIN_EMAIL, demo_id


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        (PLATFORM_ADMIN_EMAIL, str(demo_id("user:staff"))),
        ("someone@example.com", None),
    ],
)
def test_token_subject(
    email: str, expected: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(environment, "apply_local_environment", lambda *_, **__: None)
    args = argparse.Namespace(email=email, tenant=None, role="member", hours=1.0)
    assert cli._token(args) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert claims["email"] == email
    if expected is not None:
        assert claims["sub"] == expected
    else:
        assert claims["sub"] != str(demo_id("user:staff"))

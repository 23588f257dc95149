"""GIVEN verified claims WHEN building a Principal THEN its fields are typed, frozen and trustworthy."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from docflow.auth import Principal
from docflow.auth.principal import InvalidClaimsError

USER_ID = "0b6f3a9e-5a4e-4d0a-9c43-3f1f4f0f2b11"


def claims(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "iss": "https://docflowtest.supabase.co/auth/v1",
        "aud": "authenticated",
        "sub": USER_ID,
        "role": "authenticated",
        "exp": 1_900_000_000,
        "iat": 1_899_996_400,
        "email": "maija@example.fi",
        "session_id": "c7d1a0b2-0000-4000-8000-000000000001",
        "is_anonymous": False,
        "app_metadata": {"provider": "email", "tenants": ["a", "b"]},
        "user_metadata": {"full_name": "Maija", "docflow_platform_admin": True},
    }
    values.update(overrides)
    return values


def test_fields_are_taken_from_the_claims() -> None:
    principal = Principal.from_claims(claims())
    assert principal.user_id == uuid.UUID(USER_ID)
    assert principal.email == "maija@example.fi"
    assert principal.role == "authenticated"
    assert principal.session_id == "c7d1a0b2-0000-4000-8000-000000000001"
    assert principal.is_anonymous is False
    assert principal.expires_at == datetime.fromtimestamp(1_900_000_000, tz=UTC)
    assert principal.app_metadata["provider"] == "email"


def test_user_metadata_never_grants_platform_admin() -> None:
    """GIVEN the user wrote the admin flag into their own metadata THEN they are not an admin."""
    principal = Principal.from_claims(claims())
    assert principal.is_platform_admin is False
    assert principal.untrusted_user_metadata["docflow_platform_admin"] is True
    assert not hasattr(principal, "user_metadata")


@pytest.mark.parametrize(("flag", "expected"), [(True, True), ("true", False), (1, False), (None, False)])
def test_platform_admin_requires_a_literal_true_in_app_metadata(flag: object, expected: bool) -> None:
    principal = Principal.from_claims(claims(app_metadata={"docflow_platform_admin": flag}))
    assert principal.is_platform_admin is expected


def test_principal_and_its_claims_are_read_only() -> None:
    principal = Principal.from_claims(claims())
    with pytest.raises(dataclasses.FrozenInstanceError):
        principal.role = "service_role"  # type: ignore[misc]
    with pytest.raises(TypeError):
        principal.claims["role"] = "service_role"  # type: ignore[index]
    with pytest.raises(TypeError):
        principal.app_metadata["docflow_platform_admin"] = True  # type: ignore[index]


def test_principal_does_not_share_state_with_the_claims_it_was_built_from() -> None:
    source = claims()
    principal = Principal.from_claims(source)
    source["app_metadata"]["docflow_platform_admin"] = True
    assert principal.is_platform_admin is False


def test_claims_json_round_trips_the_verified_claims() -> None:
    source = claims()
    assert json.loads(Principal.from_claims(source).claims_json()) == source


def test_plain_json_dumps_of_the_claims_keeps_nested_objects_as_objects() -> None:
    """GIVEN the database layer serialises the claims itself THEN app_metadata stays a JSON object."""
    source = claims()
    principal = Principal.from_claims(source)
    assert json.loads(json.dumps(dict(principal.claims), default=str)) == source


def test_claims_survive_copying_and_pickling_and_stay_read_only() -> None:
    principal = Principal.from_claims(claims())
    for copied in (copy.deepcopy(principal), pickle.loads(pickle.dumps(principal))):  # noqa: S301
        assert copied == principal
        assert hash(copied) == hash(principal)
        with pytest.raises(TypeError):
            copied.app_metadata.update({"docflow_platform_admin": True})  # type: ignore[union-attr]


def test_optional_claims_may_be_absent() -> None:
    minimal = {
        k: v for k, v in claims().items() if k not in {"email", "session_id", "is_anonymous", "app_metadata"}
    }
    principal = Principal.from_claims(minimal)
    assert principal.email is None
    assert principal.session_id is None
    assert principal.is_anonymous is False
    assert dict(principal.app_metadata) == {}


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "not-a-uuid"},
        {"sub": USER_ID.upper().replace("-", "")},
        {"sub": None},
        {"email": 42},
        {"session_id": ["x"]},
        {"is_anonymous": "no"},
        {"app_metadata": ["admin"]},
        {"user_metadata": "x"},
        {"exp": "1900000000"},
        {"exp": True},
        {"exp": 1e20},
        {"role": None},
    ],
    ids=str,
)
def test_malformed_claims_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidClaimsError):
        Principal.from_claims(claims(**overrides))

"""GIVEN the Authorization header values of a request WHEN extracting the bearer token THEN ..."""

from __future__ import annotations

import pytest

from docflow.auth import MAX_TOKEN_LENGTH, bearer_token
from docflow.errors import Unauthorized
from tests.support.forged_tokens import forged_authorization_headers

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "value",
    [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER {TOKEN}", f"Bearer   {TOKEN}", f" Bearer {TOKEN} "],
)
def test_one_bearer_header_yields_its_token(value: str) -> None:
    assert bearer_token([value]) == TOKEN


@pytest.mark.parametrize(
    ("name", "values"),
    forged_authorization_headers(TOKEN),
    ids=[n for n, _ in forged_authorization_headers(TOKEN)],
)
def test_malformed_or_repeated_headers_are_unauthorized(name: str, values: list[str]) -> None:
    with pytest.raises(Unauthorized) as raised:
        bearer_token(values)
    assert TOKEN not in raised.value.detail
    assert raised.value.headers["WWW-Authenticate"].startswith("Bearer")


def test_missing_header_says_so_without_detail_about_tokens() -> None:
    with pytest.raises(Unauthorized, match="missing bearer token"):
        bearer_token([])


def test_token_over_the_length_cap_is_unauthorized() -> None:
    oversized = "a" * MAX_TOKEN_LENGTH + ".b.c"
    with pytest.raises(Unauthorized):
        bearer_token([f"Bearer {oversized}"])


def test_token_of_non_base64url_characters_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        bearer_token(["Bearer abc.d+f.gh/="])


def test_a_plain_string_instead_of_the_header_list_is_a_programming_error() -> None:
    """GIVEN one string (whose characters would look like many values) THEN the caller is told off."""
    with pytest.raises(TypeError):
        bearer_token(f"Bearer {TOKEN}")

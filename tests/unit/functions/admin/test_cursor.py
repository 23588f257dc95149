"""Opaque cursors of the admin lists: round trips, and anything else is a 422."""

from __future__ import annotations

import pytest

from docflow.errors import Unprocessable
from docflow_admin.cursor import decode_cursor, encode_cursor


def test_a_cursor_round_trips_its_sort_key() -> None:
    cursor = encode_cursor("2026-11-27T03:00:00+00:00", "6f1c3c5e-2d7a-4c1e-9b1a-5d0c2f9e8a10")
    assert "=" not in cursor
    assert decode_cursor(cursor, size=2) == [
        "2026-11-27T03:00:00+00:00",
        "6f1c3c5e-2d7a-4c1e-9b1a-5d0c2f9e8a10",
    ]


def test_no_cursor_means_the_first_page() -> None:
    assert decode_cursor(None, size=1) is None


@pytest.mark.parametrize(
    "cursor",
    ["", "%%%", "bm90IGpzb24", encode_cursor("only-one"), "eyJhIjoxfQ", "W1td", "WzFd"],
)
def test_anything_else_is_unprocessable(cursor: str) -> None:
    with pytest.raises(Unprocessable):
        decode_cursor(cursor, size=2)

"""One pagination for every list: cursors round trip and refuse anything else with a 422, the page
limit is bounded, and ``limit + 1`` rows make a page and its next cursor."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from docflow.errors import Unprocessable
from docflow.http import create_app
from docflow.http.pagination import (
    DEFAULT_PAGE_LIMIT,
    MAX_PAGE_LIMIT,
    Keyset,
    Page,
    PageParams,
    PageQuery,
    fetch_page,
)

NEWEST_FIRST = Keyset("things", ("t.created_at", "id"), (dt.datetime, uuid.UUID), descending=True)
BY_NUMBER = Keyset("numbers", ("id",), (int,), descending=True)
BY_NAME = Keyset("names", ("name", "id"), (str, uuid.UUID))
AT = dt.datetime(2026, 11, 27, 3, 0, 0, 123456, tzinfo=dt.UTC)
ID = uuid.UUID("6f1c3c5e-2d7a-4c1e-9b1a-5d0c2f9e8a10")


def _raw(envelope: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(envelope).encode()).rstrip(b"=").decode()


def test_a_cursor_round_trips_its_sort_key_with_types() -> None:
    cursor = NEWEST_FIRST.encode({"created_at": AT, "id": ID, "name": "ignored"})
    assert "=" not in cursor
    assert cursor.isascii()
    assert NEWEST_FIRST.decode(cursor) == (AT, ID)


def test_text_and_integer_keys_round_trip() -> None:
    name = "Äänekosken Öljy Oy"
    assert BY_NAME.decode(BY_NAME.encode({"name": name, "id": ID})) == (name, ID)
    assert BY_NUMBER.decode(BY_NUMBER.encode({"id": 2**62})) == (2**62,)


def test_the_row_field_may_differ_from_the_column() -> None:
    keyset = Keyset("invites", ("created_at", "id"), (dt.datetime, uuid.UUID), fields=("invited_at", "id"))
    assert keyset.decode(keyset.encode({"invited_at": AT, "id": ID})) == (AT, ID)


def test_a_keyset_needs_a_type_per_column() -> None:
    with pytest.raises(ValueError, match="one type"):
        Keyset("broken", ("a", "b"), (int,))


def test_a_cursor_of_another_list_or_version_is_refused() -> None:
    cursor = BY_NAME.encode({"name": "Oy", "id": ID})
    other = Keyset("other", ("name", "id"), (str, uuid.UUID))
    with pytest.raises(Unprocessable):
        other.decode(cursor)
    with pytest.raises(Unprocessable):
        BY_NAME.decode(_raw({"v": 2, "l": "names", "k": ["Oy", str(ID)]}))


def test_a_tampered_cursor_is_refused() -> None:
    cursor = NEWEST_FIRST.encode({"created_at": AT, "id": ID})
    flipped = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
    with pytest.raises(Unprocessable):
        NEWEST_FIRST.decode(flipped)


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "%%%",
        "bm90IGpzb24",  # "not json"
        "W1td",  # [[]]
        "ä",
        _raw([AT.isoformat(), str(ID)]),  # a bare list, as older cursors were
        _raw({"v": 1, "l": "things", "k": [AT.isoformat()]}),  # too short
        _raw({"v": 1, "l": "things", "k": [AT.isoformat(), str(ID), "x"]}),  # too long
        _raw({"v": 1, "l": "things", "k": ["yesterday", str(ID)]}),
        _raw({"v": 1, "l": "things", "k": [AT.isoformat(), "not-a-uuid"]}),
        _raw({"v": 1, "l": "things", "k": ["2026-11-27T03:00:00", str(ID)]}),  # no time zone
        _raw({"v": 1, "l": "things", "k": [AT.isoformat(), str(ID)], "x": 1}),
        _raw({"v": 1, "l": "things", "k": "nope"}),
        _raw("[" * 1500 + "]" * 1500),  # nested deeper than the parser recurses
    ],
)
def test_malformed_cursors_are_unprocessable(cursor: str) -> None:
    with pytest.raises(Unprocessable):
        NEWEST_FIRST.decode(cursor)


@pytest.mark.parametrize(
    ("keyset", "key"),
    [
        (BY_NUMBER, [2**63]),
        (BY_NUMBER, [-(2**63) - 1]),
        (BY_NUMBER, [True]),
        (BY_NUMBER, [1.5]),
        (BY_NAME, ["nul\x00byte", str(ID)]),
        (BY_NAME, ["x" * 1001, str(ID)]),
    ],
)
def test_values_the_database_would_refuse_are_unprocessable(keyset: Keyset, key: list[Any]) -> None:
    with pytest.raises(Unprocessable):
        keyset.decode(_raw({"v": 1, "l": keyset.name, "k": key}))


def _rows(count: int) -> list[dict[str, Any]]:
    return [{"id": count - n} for n in range(count)]


@pytest.mark.parametrize(("fetched", "limit", "shown"), [(0, 3, 0), (2, 3, 2), (3, 3, 3)])
def test_no_row_beyond_the_limit_means_the_last_page(fetched: int, limit: int, shown: int) -> None:
    page = BY_NUMBER.page(_rows(fetched), limit, lambda row: row["id"])
    assert len(page.items) == shown
    assert page.next_cursor is None


def test_a_row_beyond_the_limit_is_left_out_and_continues_after_the_last_item() -> None:
    page = BY_NUMBER.page(_rows(4), 3, lambda row: row["id"])
    assert page.items == [4, 3, 2]
    assert page.next_cursor is not None
    assert BY_NUMBER.decode(page.next_cursor) == (2,)


def test_the_sql_continues_after_the_key_in_the_list_order() -> None:
    clause, params = NEWEST_FIRST.after((AT, ID))
    assert clause.as_string(None) == '("t"."created_at", "id") < (%(cursor_0)s, %(cursor_1)s)'
    assert params == {"cursor_0": AT, "cursor_1": ID}
    assert NEWEST_FIRST.order_by().as_string(None) == ' order by "t"."created_at" desc, "id" desc'
    ascending, _ = BY_NAME.after(("a", ID))
    assert ascending.as_string(None) == '("name", "id") > (%(cursor_0)s, %(cursor_1)s)'


class _Recorder:
    """A connection that returns canned rows and keeps the statement it ran."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.ran: tuple[str, dict[str, Any]] | None = None

    def execute(self, statement: Any, params: dict[str, Any]) -> _Recorder:
        self.ran = (statement.as_string(None), params)
        return self

    def fetchall(self) -> list[dict[str, Any]]:
        return self.rows


def test_fetch_page_asks_for_one_row_more_after_the_cursor() -> None:
    from docflow.db.compose import Conditions, statement

    conn = _Recorder(_rows(3))
    where = Conditions()
    where.add("tenant = %(tenant)s", tenant="t1")
    cursor = BY_NUMBER.encode({"id": 10})
    page = fetch_page(
        conn,  # type: ignore[arg-type]
        statement("select id from things"),
        where,
        order=BY_NUMBER,
        page=PageParams(limit=2, cursor=cursor),
        item=lambda row: row["id"],
    )
    assert conn.ran == (
        'select id from things where tenant = %(tenant)s and ("id") < (%(cursor_0)s)'
        ' order by "id" desc limit %(page_limit)s',
        {"tenant": "t1", "cursor_0": 10, "page_limit": 3},
    )
    assert page.items == [3, 2]
    assert page.next_cursor is not None
    assert BY_NUMBER.decode(page.next_cursor) == (2,)


router = APIRouter(prefix="/api/things")


@router.get("")
def list_things(page: PageQuery) -> Page[int]:
    """Echoes the limit; decodes the cursor as a real list would."""
    if page.cursor is not None:
        BY_NUMBER.decode(page.cursor)
    return Page(items=[page.limit], next_cursor=None)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(router, title="Things"), raise_server_exceptions=False)


def test_the_limit_defaults_and_is_bounded(client: TestClient) -> None:
    assert client.get("/api/things").json() == {"items": [DEFAULT_PAGE_LIMIT], "next_cursor": None}
    assert client.get("/api/things", params={"limit": 1}).json()["items"] == [1]
    assert client.get("/api/things", params={"limit": MAX_PAGE_LIMIT}).json()["items"] == [MAX_PAGE_LIMIT]
    for limit in (0, -1, MAX_PAGE_LIMIT + 1, 10**9, "ten"):
        response = client.get("/api/things", params={"limit": limit})
        assert response.status_code == 422, limit
        assert response.headers["content-type"] == "application/problem+json"


def test_a_bad_cursor_is_a_422_problem_at_the_http_edge(client: TestClient) -> None:
    assert client.get("/api/things", params={"cursor": BY_NUMBER.encode({"id": 5})}).status_code == 200
    for cursor in ("%%%", "x" * 5000, _raw({"v": 1, "l": "numbers", "k": [2**70]})):
        response = client.get("/api/things", params={"cursor": cursor})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

"""``neutralize_sql``: the database writes export cells by the same rule as :func:`neutralize`."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from docflow.config import get_settings
from docflow.spreadsheet import neutralize, neutralize_sql

pytestmark = pytest.mark.db

CELLS = [
    "=1+1",
    "@SUM(A1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1",
    "\r1",
    "\n=1",
    "  =1",
    "\uff1dHYPERLINK()",
    "\uff0b1",
    "+358 40 123 4567",
    "-12,50",
    "-",
    "K-Market",
    "Oy Ab",
    "",
]


def test_the_sql_neutraliser_agrees_with_the_python_one_on_every_case(postgres: object) -> None:
    query = sql.SQL("select {}").format(neutralize_sql(sql.Placeholder("cell")))
    with psycopg.connect(get_settings().database_url) as conn:
        written = [conn.execute(query, {"cell": text}).fetchone() for text in CELLS]
    assert [row[0] if row else None for row in written] == [neutralize(text) for text in CELLS]

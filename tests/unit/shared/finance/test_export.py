"""The export's statements and cells: the header, the neutraliser in the SQL, the Finnish cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from docflow.csv_fi import fi_date, fi_decimal, fi_rate
from docflow.finance.export import HEADER, csv_statement, header_line, json_statement


def test_the_header_reads_back_as_one_record() -> None:
    assert next(csv.reader(io.StringIO(header_line()), delimiter=";")) == list(HEADER)


def test_every_text_cell_of_the_csv_is_neutralised() -> None:
    text = csv_statement().as_string()
    # Description, merchant and category each go through the guard, with every formula character.
    assert text.count("(case when left(") == 3
    assert text.count("else x.merchant end") == 1
    assert text.count("else x.category end") == 1


def test_both_statements_bind_the_tenant_and_period() -> None:
    for statement in (csv_statement(), json_statement()):
        text = statement.as_string()
        assert "r.tenant_id = %(tenant)s" in text
        assert "between %(start)s and %(end)s" in text
        assert "r.status = 'processed'" in text


def test_cells() -> None:
    assert fi_rate(Decimal("10.00")) == "10"
    assert fi_rate(Decimal("13.50")) == "13,5"
    assert fi_decimal(Decimal("1234.5")) == "1234,50"
    assert fi_date(None) == ""
